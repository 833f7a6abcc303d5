import type { Core } from '@strapi/strapi';
import { waitForDatabaseIdle } from '../../src/platform/shutdown/database-idle';
import { STATEMENT_HEADER } from '../../src/performance/sql-statements';
import { seededArticle } from '../helpers/seed-fixture';
import { bootStrapi, createApiToken, stopStrapi, type TestApp } from '../helpers/strapi';

/**
 * GraphQL relation batching (src/performance/graphql-batching) must answer exactly what
 * stock Strapi answers. The suite boots the app twice on the same database:
 * first with batching off, recording the answers to a set of queries, then
 * with batching on, asking the same queries again. Nothing here states an
 * expected answer: stock Strapi is the oracle.
 */

const SWITCHES = ['SQL_STATEMENT_HEADER', 'GRAPHQL_BATCHING', 'GRAPHQL_BATCH_MAX_ROWS', 'STOCK_STRAPI'] as const;
const savedSwitches = Object.fromEntries(SWITCHES.map((name) => [name, process.env[name]]));

const P = `batching-${Date.now()}`;
/** More articles mention this person than a relation page holds by default (25). */
const HUB = 19;
const ARTICLES = 72;
const PEOPLE = 20;
const EVENTS = 15;

interface Answer {
  status: number;
  body: unknown;
  statements: number;
}

interface Operation {
  query: string;
  variables?: Record<string, unknown>;
  /** Sent with a full-access API token; public otherwise. */
  token?: boolean;
}

const ARTICLE_TREE = `documentId title people { name } events { title participants { name } }`;
const S4 = (pageSize: number): Operation => ({
  query: `query ($p: String!, $size: Int!) {
    articles(filters: { slug: { startsWith: $p } }, sort: "slug:asc", pagination: { pageSize: $size }) { ${ARTICLE_TREE} }
  }`,
  variables: { p: P, size: pageSize },
});

/** Filled in while the stock app runs; the documentId of one synthetic person. */
let personDocumentId = '';

const operations = (): Record<string, Operation> => ({
  'nested relations, public': S4(100),
  'nested relations, with a token': { ...S4(100), token: true },
  'relation sort, pagination and filters': {
    query: `query ($p: String!) {
      articles(filters: { slug: { startsWith: $p } }, sort: "slug:asc", pagination: { limit: 100 }) {
        slug
        people(sort: "name:desc", pagination: { limit: 2 }) { name }
        events(filters: { title: { contains: "1" } }, sort: ["startDate:desc", "slug:asc"]) {
          slug
          participants(sort: "slug:asc", pagination: { start: 1, limit: 1 }) { slug }
        }
      }
    }`,
    variables: { p: P },
  },
  'relation filtered through a deeper relation': {
    query: `query ($p: String!, $who: String!) {
      articles(filters: { slug: { startsWith: $p } }, sort: "slug:asc", pagination: { limit: 100 }) {
        slug events(filters: { participants: { slug: { eq: $who } } }) { slug }
      }
    }`,
    variables: { p: P, who: `${P}-person-03` },
  },
  'connections': {
    query: `query ($p: String!) {
      articles_connection(filters: { slug: { startsWith: $p } }, sort: "slug:asc", pagination: { pageSize: 100 }) {
        nodes {
          slug
          people_connection(sort: "slug:asc") { nodes { slug } }
          events_connection(pagination: { limit: 1 }) { nodes { slug articles_connection { nodes { slug } } } }
        }
        pageInfo { total pageSize }
      }
    }`,
    variables: { p: P },
  },
  'aliases of one relation with different arguments': {
    query: `query ($p: String!) {
      articles(filters: { slug: { startsWith: $p } }, sort: "slug:asc", pagination: { limit: 100 }) {
        slug
        first: people(sort: "slug:asc") { slug }
        last: people(sort: "slug:desc", pagination: { limit: 1 }) { slug }
        all: people { slug }
      }
    }`,
    variables: { p: P },
  },
  'drafts with a token, nested drafts inherited': {
    query: `query ($p: String!) {
      articles(status: DRAFT, filters: { slug: { startsWith: $p } }, sort: "slug:asc", pagination: { limit: 100 }) {
        title publishedAt people { slug } events { slug articles(sort: "slug:asc") { slug title } }
      }
    }`,
    variables: { p: P },
    token: true,
  },
  'one relation under two root fields of different status': {
    query: `query ($p: String!) {
      published: articles(filters: { slug: { startsWith: $p } }, sort: "slug:asc", pagination: { limit: 100 }) {
        slug people(sort: "slug:asc") { slug } events { slug articles(sort: "slug:asc") { slug title } }
      }
      drafts: articles(status: DRAFT, filters: { slug: { startsWith: $p } }, sort: "slug:asc", pagination: { limit: 100 }) {
        slug people(sort: "slug:asc") { slug } events { slug articles(sort: "slug:asc") { slug title } }
      }
    }`,
    variables: { p: P },
    token: true,
  },
  'drafts without a token (refused)': {
    query: `query ($p: String!) {
      articles(status: DRAFT, filters: { slug: { startsWith: $p } }) { title people { slug } }
    }`,
    variables: { p: P },
  },
  'publication filter inherited by nested articles': {
    query: `query ($p: String!) {
      people(publicationFilter: PUBLISHED_WITH_DRAFT, filters: { slug: { startsWith: $p } }, sort: "slug:asc") {
        slug articles(sort: "slug:asc") { slug title }
      }
    }`,
    variables: { p: P },
    token: true,
  },
  'the other sides: people with their articles and events': {
    query: `query ($p: String!) {
      people(filters: { slug: { startsWith: $p } }, sort: "slug:asc", pagination: { limit: 100 }) {
        slug
        articles(sort: "slug:asc") { slug people(sort: "slug:asc") { slug } }
        byLinkOrder: articles { slug }
        all: articles(pagination: { limit: 100 }) { slug }
        events { slug participants { slug } }
      }
    }`,
    variables: { p: P },
  },
  'fragments, __typename and system fields of related rows': {
    query: `query ($p: String!) {
      articles(filters: { slug: { startsWith: $p } }, sort: "slug:asc", pagination: { limit: 100 }) {
        slug
        people(sort: "slug:asc") { __typename ...PersonName documentId createdAt publishedAt }
        events(sort: "slug:asc") { ... on Event { title startDate participants(sort: "slug:asc") { ...PersonName role } } }
      }
    }
    fragment PersonName on Person { name slug }`,
    variables: { p: P },
  },
  'one person by documentId': {
    query: `query ($id: ID!) { person(documentId: $id) { name articles { title events { title } } events { title } } }`,
    variables: { id: personDocumentId },
  },
  'the seeded story with everything': {
    query: `query ($slug: String!) {
      articles(filters: { slug: { eq: $slug } }) {
        title dateline publishedDate source summary
        people { name role country articles { title } }
        events(sort: "startDate:asc") { title startDate datePrecision location participants { name events { slug } } }
      }
    }`,
    variables: { slug: seededArticle.slug },
  },
  'seeded people and their events': {
    query: `{ people(filters: { slug: { in: ["vladimir-putin", "ebrahim-raisi", "issa-zarepour"] } }, sort: "slug:asc") {
      name events(sort: "startDate:asc") { title articles { title } } articles_connection { nodes { title } } } }`,
  },
});

async function ask(app: TestApp, operation: Operation, token: string): Promise<Answer> {
  let call = app.http().post('/graphql').set('Content-Type', 'application/json');
  if (operation.token) call = call.set('Authorization', `Bearer ${token}`);
  const response = await call.send({ query: operation.query, variables: operation.variables ?? {} });
  return { status: response.status, body: response.body, statements: Number(response.headers[STATEMENT_HEADER.toLowerCase()]) };
}

async function askAll(app: TestApp, token: string): Promise<Record<string, Answer>> {
  const answers: Record<string, Answer> = {};
  for (const [name, operation] of Object.entries(operations())) answers[name] = await ask(app, operation, token);
  return answers;
}

/** Without public `find` on people, relation fields to people are forbidden to the public. */
const PERSON_FIND = 'api::person.person.find';

async function publicRole(strapi: Core.Strapi): Promise<number> {
  const role = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'public' }, select: ['id'] });
  return role.id as number;
}

async function withoutPublicPersonFind<T>(strapi: Core.Strapi, run: () => Promise<T>): Promise<T> {
  const role = await publicRole(strapi);
  await strapi.db.query('plugin::users-permissions.permission').deleteMany({ where: { role, action: PERSON_FIND } });
  try {
    return await run();
  } finally {
    await strapi.db.query('plugin::users-permissions.permission').create({ data: { role, action: PERSON_FIND } });
  }
}

const revokedOperations = (): Record<string, Operation> => ({
  'articles with people': S4(25),
  'articles with people through connections': operations()['connections'],
  'events with participants': {
    query: `query ($p: String!) { events(filters: { slug: { startsWith: $p } }, sort: "slug:asc") { slug participants { name } } }`,
    variables: { p: P },
  },
});

async function askRevoked(app: TestApp, token: string): Promise<Record<string, Answer>> {
  return withoutPublicPersonFind(app.strapi, async () => {
    const answers: Record<string, Answer> = {};
    for (const [name, operation] of Object.entries(revokedOperations())) answers[name] = await ask(app, operation, token);
    return answers;
  });
}

const created: Array<{ uid: 'api::article.article' | 'api::person.person' | 'api::event.event'; documentId: string }> = [];
const pad = (n: number) => String(n).padStart(2, '0');

/**
 * Synthetic content with varied links: 72 articles of 3 people and 2 events
 * each, most published, some only drafts, some published and then edited
 * (the draft links other people), some published and then unpublished.
 */
async function createContent(strapi: Core.Strapi): Promise<void> {
  const people: string[] = [];
  for (let i = 0; i < PEOPLE; i += 1) {
    const person = await strapi.documents('api::person.person').create({
      data: { name: `Person ${pad(i)} ${P}`, slug: `${P}-person-${pad(i)}`, role: `Role ${i % 4}`, country: i % 2 ? 'Iran' : 'Russia' },
    });
    people.push(person.documentId);
    created.push({ uid: 'api::person.person', documentId: person.documentId });
  }
  personDocumentId = people[3];

  const events: string[] = [];
  for (let i = 0; i < EVENTS; i += 1) {
    const participants = [people[i % PEOPLE], people[(i * 3 + 1) % PEOPLE], people[(i * 7 + 2) % PEOPLE]].slice(0, 1 + (i % 3));
    const event = await strapi.documents('api::event.event').create({
      data: {
        title: `Event ${pad(i)} ${P}`,
        slug: `${P}-event-${pad(i)}`,
        startDate: `20${pad(10 + (i % 7))}-0${1 + (i % 9)}-01`,
        datePrecision: 'month',
        participants: [...new Set(participants)],
      },
    });
    events.push(event.documentId);
    created.push({ uid: 'api::event.event', documentId: event.documentId });
  }

  for (let i = 0; i < ARTICLES; i += 1) {
    const data = {
      title: `Article ${pad(i)} ${P}`,
      slug: `${P}-article-${pad(i)}`,
      publishedDate: '2026-01-01',
      body: [{ type: 'paragraph' as const, children: [{ type: 'text' as const, text: `Body ${i}` }] }],
      // Linked in an order that is not the target's id order, so the link order shows.
      people: [...new Set([people[(i * 7) % PEOPLE], people[(i * 3 + 5) % PEOPLE], people[(i + 11) % PEOPLE], people[HUB]])],
      events: [...new Set([events[(i * 4 + 3) % EVENTS], events[i % EVENTS]])],
    };
    const draftOnly = i % 6 === 0;
    const article = await strapi.documents('api::article.article').create(draftOnly ? { data } : { data, status: 'published' });
    created.push({ uid: 'api::article.article', documentId: article.documentId });
    if (draftOnly) continue;
    if (i % 10 === 5) {
      await strapi.documents('api::article.article').unpublish({ documentId: article.documentId });
    } else if (i % 7 === 3) {
      await strapi.documents('api::article.article').update({
        documentId: article.documentId,
        data: { title: `${data.title} (edited)`, people: [people[(i + 1) % PEOPLE]], events: [events[(i + 2) % EVENTS]] },
      });
    }
  }
}

async function deleteContent(strapi: Core.Strapi): Promise<void> {
  for (const { uid, documentId } of created.reverse()) await strapi.documents(uid).delete({ documentId });
}

async function bootWith(batching: boolean, maxRows?: number): Promise<{ app: TestApp; token: string }> {
  process.env.SQL_STATEMENT_HEADER = 'true';
  process.env.GRAPHQL_BATCHING = String(batching);
  if (maxRows === undefined) delete process.env.GRAPHQL_BATCH_MAX_ROWS;
  else process.env.GRAPHQL_BATCH_MAX_ROWS = String(maxRows);
  delete process.env.STOCK_STRAPI;
  const app = await bootStrapi();
  return { app, token: await createApiToken(app.strapi) };
}

interface Run {
  answers: Record<string, Answer>;
  revoked: Record<string, Answer>;
  granted: Record<string, Answer>;
  counts: { 10: number; 50: number };
}

const countStatements = async (app: TestApp, token: string) => ({
  10: (await ask(app, S4(10), token)).statements,
  50: (await ask(app, S4(50), token)).statements,
});

async function record(app: TestApp, token: string): Promise<Run> {
  const answers = await askAll(app, token);
  const granted: Record<string, Answer> = {};
  for (const [name, operation] of Object.entries(revokedOperations())) granted[name] = await ask(app, operation, token);
  const revoked = await askRevoked(app, token);
  return { answers, revoked, granted, counts: await countStatements(app, token) };
}

let stock: Run;
let batched: Run;
/** Batching with a row bound so low that every batch of more than a few parents goes back to stock loads. */
let bounded: Pick<Run, 'answers' | 'counts'>;
const LOW_MAX_ROWS = 20;
let batchedApp: TestApp | undefined;

beforeAll(async () => {
  const first = await bootWith(false);
  try {
    await createContent(first.app.strapi);
    stock = await record(first.app, first.token);
  } finally {
    await stopStrapi(first.app);
  }
  const low = await bootWith(true, LOW_MAX_ROWS);
  try {
    bounded = { answers: await askAll(low.app, low.token), counts: await countStatements(low.app, low.token) };
  } finally {
    await stopStrapi(low.app);
  }
  const second = await bootWith(true);
  batchedApp = second.app;
  batched = await record(second.app, second.token);
}, 600_000);

afterAll(async () => {
  try {
    if (batchedApp) await deleteContent(batchedApp.strapi);
  } finally {
    await stopStrapi(batchedApp);
    for (const name of SWITCHES) {
      if (savedSwitches[name] === undefined) delete process.env[name];
      else process.env[name] = savedSwitches[name];
    }
  }
}, 120_000);

const bodyOf = (run: Run, name: string) => run.answers[name].body;

describe('GraphQL relation batching', () => {
  it('is compared on content that exercises it (not on empty answers)', () => {
    const articles = (bodyOf(stock, 'nested relations, public') as { data: { articles: Array<{ people: unknown[]; events: Array<{ participants: unknown[] }> }> } }).data.articles;
    expect(articles.length).toBeGreaterThanOrEqual(50);
    expect(articles.every((article) => article.people.length > 0 && article.events.length > 0)).toBe(true);
    expect(articles.some((article) => article.events.some((event) => event.participants.length > 1))).toBe(true);
    const drafts = bodyOf(stock, 'drafts with a token, nested drafts inherited') as { data: { articles: unknown[] } };
    expect(drafts.data.articles).toHaveLength(ARTICLES);
    expect(bodyOf(stock, 'publication filter inherited by nested articles')).not.toHaveProperty('errors');
    expect(personDocumentId).not.toBe('');
    const people = (bodyOf(stock, 'the other sides: people with their articles and events') as { data: { people: Array<{ slug: string; articles: unknown[]; all: unknown[] }> } }).data.people;
    const hub = people.find((person) => person.slug === `${P}-person-${pad(HUB)}`);
    expect(hub?.articles).toHaveLength(25);
    expect(hub?.all.length).toBeGreaterThan(25);
  });

  it.each(Object.keys(operations()))('answers "%s" exactly as stock Strapi does', (name) => {
    expect(batched.answers[name].status).toBe(stock.answers[name].status);
    expect(batched.answers[name].body).toEqual(stock.answers[name].body);
  });

  it('answers the same as stock when the public may not read people, and that differs from when it may', () => {
    for (const name of Object.keys(revokedOperations())) {
      expect({ name, ...batched.revoked[name], statements: 0 }).toEqual({ name, ...stock.revoked[name], statements: 0 });
      expect(batched.granted[name].body).toEqual(stock.granted[name].body);
    }
    // The revocation really changed what stock answers, so the comparison above means something.
    expect(stock.revoked['articles with people'].body).not.toEqual(stock.granted['articles with people'].body);
  });

  it('sends as many SQL statements for 50 articles as for 10, and fewer than stock', () => {
    expect(batched.counts[10]).toBeGreaterThan(0);
    expect(batched.counts[50]).toBe(batched.counts[10]);
    expect(batched.counts[50]).toBeLessThan(stock.counts[50]);
  });

  it.each(Object.keys(operations()))(
    `answers "%s" as stock does when batches over ${LOW_MAX_ROWS} rows go back to per-parent loads`,
    (name) => {
      expect(bounded.answers[name].status).toBe(stock.answers[name].status);
      expect(bounded.answers[name].body).toEqual(stock.answers[name].body);
    },
  );

  it('goes back to per-parent loads for batches over the row bound (GRAPHQL_BATCH_MAX_ROWS)', () => {
    // 50 articles of 4 people each are 200 rows: over the bound, so that level costs a statement per article.
    expect(bounded.counts[50]).toBeGreaterThan(bounded.counts[10]);
    expect(bounded.counts[50]).toBeGreaterThan(batched.counts[50]);
  });

  it('reads only the columns a query selects, of the listed rows and of related ones', async () => {
    const app = batchedApp as TestApp;
    await waitForDatabaseIdle(app.strapi);
    const statements: string[] = [];
    const listener = (query: { sql: string }) => statements.push(query.sql);
    app.strapi.db.connection.on('query', listener);
    try {
      const answer = await ask(app, { query: `query ($p: String!) { articles(filters: { slug: { startsWith: $p } }) { title people { name } } }`, variables: { p: P } }, '');
      expect(answer.status).toBe(200);
    } finally {
      app.strapi.db.connection.off('query', listener);
    }
    // The page itself, not the batch's look-up of its parents' ids.
    const page = statements.filter((sql) => sql.includes('from "public"."articles"') && sql.includes(' limit '));
    expect(page).toHaveLength(1);
    expect(page[0]).toContain('"t0"."title"');
    expect(page[0]).not.toContain('"t0".*');
    const people = statements.filter((sql) => sql.includes('"articles_people_lnk"') && sql.includes('"people"'));
    expect(people).toHaveLength(1);
    expect(people[0]).toContain('"t0"."name"');
    expect(people[0]).not.toContain('"t0".*');
    expect(people[0]).not.toContain('"bio"');
  });

  it('is off when GRAPHQL_BATCHING=false: stock sends more statements for more articles', () => {
    expect(stock.counts[50]).toBeGreaterThan(stock.counts[10]);
  });
});
