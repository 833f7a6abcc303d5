import { Client } from 'pg';
import { bootStrapi, createApiToken, stopStrapi, type TestApp } from '../helpers/strapi';

/**
 * Which answers a write drops (src/performance/response-cache/tags.ts): an
 * editor's draft saves none of the public ones; a publish those showing the
 * document, the lists it can enter or leave and the answers showing documents
 * related to it, and no others. Every check reads the answer as well as its
 * X-Cache: an answer kept must still be right.
 */
let app: TestApp;
let token: string;
const stamp = Date.now();
const created: Array<{ type: string; documentId: string }> = [];

const bearer = () => ({ Authorization: `Bearer ${token}` });
const get = (url: string, headers: Record<string, string> = {}) => app.http().get(url).set(headers).expect(200);
const gql = (query: string) => app.http().post('/graphql').set('Content-Type', 'application/json').send({ query }).expect(200);
const paragraph = (text: string) => [{ type: 'paragraph', children: [{ type: 'text', text }] }];

async function createPerson(name: string, slug: string): Promise<string> {
  const response = await app.http().post('/api/people').set(bearer()).send({ data: { name, slug, role: 'Analyst' } }).expect(201);
  created.push({ type: 'people', documentId: response.body.data.documentId });
  return response.body.data.documentId;
}

/** A published article (REST create publishes unless `status=draft`) mentioning `people`. */
async function createArticle(title: string, slug: string, people: string[]): Promise<string> {
  const response = await app
    .http()
    .post('/api/articles')
    .set(bearer())
    .send({ data: { title, slug, publishedDate: '2026-12-05', body: paragraph(`${title}.`), people: { connect: people.map((documentId) => ({ documentId })) } } })
    .expect(201);
  created.push({ type: 'articles', documentId: response.body.data.documentId });
  return response.body.data.documentId;
}

const articlePage = (slug: string) => `/api/articles?filters[slug][$eq]=${slug}&populate[people][fields][0]=name`;
const titles = (body: { data: Array<{ title: string }> }) => body.data.map((entry) => entry.title);

/** Reads each URL until it is a HIT, so the checks after a write start from cached answers. */
async function warm(...urls: string[]) {
  for (const url of urls) {
    await get(url);
    expect((await get(url)).headers['x-cache']).toBe('HIT');
  }
}

/** A figure of the app's own /metrics (the app runs from dist/: its registry is not this file's import). */
async function metric(pattern: RegExp): Promise<number> {
  const text = (await app.http().get('/metrics').expect(200)).text;
  return Number(pattern.exec(text)?.[1] ?? 0);
}
const waitingReads = () => metric(/^news_cms_response_cache_coalesced_waiting (\d+)$/m);
const coalescedReads = () => metric(/^news_cms_response_cache_lookups_total\{result="coalesced"\} (\d+)$/m);

let personA: string;
let personB: string;
let articleA: string;
const slugA = `rules-a-${stamp}`;
const slugB = `rules-b-${stamp}`;

beforeAll(async () => {
  app = await bootStrapi();
  token = await createApiToken(app.strapi, 'full-access');
  personA = await createPerson('Rules Person A', `rules-person-a-${stamp}`);
  personB = await createPerson('Rules Person B', `rules-person-b-${stamp}`);
  articleA = await createArticle('Rules article A', slugA, [personA]);
  await createArticle('Rules article B', slugB, [personB]);
});

afterAll(async () => {
  for (const { type, documentId } of created.reverse()) await app?.http().delete(`/api/${type}/${documentId}`).set(bearer());
  await stopStrapi(app);
});

describe("an editor's draft save", () => {
  it('leaves every public answer cached and unchanged, and reaches reads of the draft', async () => {
    const list = '/api/articles?populate[people][fields][0]=name&pagination[pageSize]=100&sort=slug:asc';
    const personPage = `/api/people/${personA}?populate[articles][fields][0]=title`;
    const graphqlList = '{ articles(pagination: { pageSize: 100 }) { title } }';
    const draftRead = `/api/articles/${articleA}?status=draft`;
    await warm(list, articlePage(slugA), personPage);
    await gql(graphqlList);
    expect((await gql(graphqlList)).headers['x-cache']).toBe('HIT');
    expect((await get(draftRead, bearer())).body.data.title).toBe('Rules article A');

    await app
      .http()
      .put(`/api/articles/${articleA}?status=draft`)
      .set(bearer())
      .send({ data: { title: 'Rules article A, draft', people: { connect: [{ documentId: personB }] } } })
      .expect(200);

    const page = await get(articlePage(slugA));
    expect(page.headers['x-cache']).toBe('HIT');
    expect(titles(page.body)).toEqual(['Rules article A']);
    expect(page.body.data[0].people.map((person: { name: string }) => person.name)).toEqual(['Rules Person A']);
    const listed = await get(list);
    expect(listed.headers['x-cache']).toBe('HIT');
    expect(titles(listed.body)).toContain('Rules article A');
    expect(titles(listed.body)).not.toContain('Rules article A, draft');
    const person = await get(personPage);
    expect(person.headers['x-cache']).toBe('HIT');
    expect(person.body.data.articles.map((article: { title: string }) => article.title)).toEqual(['Rules article A']);
    const graphql = await gql(graphqlList);
    expect(graphql.headers['x-cache']).toBe('HIT');
    expect(graphql.body.data.articles.map((article: { title: string }) => article.title)).not.toContain('Rules article A, draft');
    // Person B's public page does not show the draft's new relation either.
    const personBPage = await get(`/api/people/${personB}?populate[articles][fields][0]=title`);
    expect(personBPage.body.data.articles.map((article: { title: string }) => article.title)).toEqual(['Rules article B']);

    // The token's read of the draft shows the save at once.
    const draft = await get(draftRead, bearer());
    expect(draft.headers['x-cache']).toBe('MISS');
    expect(draft.body.data.title).toBe('Rules article A, draft');

    // Publishing it reaches the public answers.
    await app.http().put(`/api/articles/${articleA}`).set(bearer()).send({ data: { title: 'Rules article A' } }).expect(200);
    const published = await get(articlePage(slugA));
    expect(published.headers['x-cache']).toBe('MISS');
    expect(published.body.data[0].people.map((entry: { name: string }) => entry.name).sort()).toEqual(['Rules Person A', 'Rules Person B']);
  });
});

describe('a publish', () => {
  it("of article A keeps B's page and drops A's", async () => {
    await warm(articlePage(slugA), articlePage(slugB));
    await app.http().put(`/api/articles/${articleA}`).set(bearer()).send({ data: { title: 'Rules article A, revised' } }).expect(200);
    const pageB = await get(articlePage(slugB));
    expect(pageB.headers['x-cache']).toBe('HIT');
    expect(titles(pageB.body)).toEqual(['Rules article B']);
    const pageA = await get(articlePage(slugA));
    expect(pageA.headers['x-cache']).toBe('MISS');
    expect(titles(pageA.body)).toEqual(['Rules article A, revised']);
  });

  it("that changes A's slug drops the answers for both slugs", async () => {
    const newSlug = `${slugA}-moved`;
    await warm(articlePage(slugA), articlePage(newSlug));
    expect(titles((await get(articlePage(newSlug))).body)).toEqual([]);
    await app.http().put(`/api/articles/${articleA}`).set(bearer()).send({ data: { slug: newSlug } }).expect(200);
    expect(titles((await get(articlePage(slugA))).body)).toEqual([]);
    expect(titles((await get(articlePage(newSlug))).body)).toEqual(['Rules article A, revised']);
    await app.http().put(`/api/articles/${articleA}`).set(bearer()).send({ data: { slug: slugA } }).expect(200);
    expect(titles((await get(articlePage(slugA))).body)).toEqual(['Rules article A, revised']);
    expect(titles((await get(articlePage(newSlug))).body)).toEqual([]);
  });

  it("that changes A's slug and asks for only some fields back drops the answers for both slugs too", async () => {
    // The written row Strapi hands the lifecycle then lacks the slug: the tags must come from the row itself.
    const newSlug = `${slugA}-narrow`;
    await warm(articlePage(slugA), articlePage(newSlug));
    for (const [from, to] of [[slugA, newSlug], [newSlug, slugA]]) {
      const response = await app.http().put(`/api/articles/${articleA}`).query({ 'fields[0]': 'title' }).set(bearer()).send({ data: { slug: to } }).expect(200);
      expect(response.body.data.slug).toBeUndefined();
      expect(titles((await get(articlePage(from))).body)).toEqual([]);
      expect(titles((await get(articlePage(to))).body)).toEqual(['Rules article A, revised']);
    }
  });

  it('of a person rename drops every answer that shows that person, and no other', async () => {
    const personPage = `/api/people/${personA}`;
    const list = '/api/articles?populate[people][fields][0]=name&pagination[pageSize]=100';
    await warm(articlePage(slugA), articlePage(slugB), personPage, list);
    await app.http().put(`/api/people/${personA}`).set(bearer()).send({ data: { name: 'Rules Person A, renamed' } }).expect(200);
    for (const url of [articlePage(slugA), list]) {
      const answer = await get(url);
      expect(answer.headers['x-cache']).toBe('MISS');
      expect(JSON.stringify(answer.body)).toContain('Rules Person A, renamed');
    }
    expect((await get(personPage)).body.data.name).toBe('Rules Person A, renamed');
    const pageB = await get(articlePage(slugB));
    expect(pageB.headers['x-cache']).toBe('HIT');
    expect(JSON.stringify(pageB.body)).not.toContain('Rules Person A');
  });

  it('of a relation made from the other side reaches the answers of the document it joins', async () => {
    const personC = await createPerson('Rules Person C', `rules-person-c-${stamp}`);
    await warm(articlePage(slugB));
    // People have no draft & publish: this writes the person and the join row, not article B.
    await app
      .http()
      .put(`/api/people/${personC}`)
      .set(bearer())
      .send({ data: { articles: { connect: [{ documentId: (await get(articlePage(slugB))).body.data[0].documentId }] } } })
      .expect(200);
    const pageB = await get(articlePage(slugB));
    expect(pageB.body.data[0].people.map((person: { name: string }) => person.name).sort()).toEqual(['Rules Person B', 'Rules Person C']);
  });

  it('to a related type reaches lists filtered through the relation', async () => {
    const newSlug = `rules-person-b-${stamp}-moved`;
    const filtered = (slug: string) => `/api/articles?filters[people][slug][$eq]=${slug}&fields[0]=title`;
    await warm(filtered(newSlug));
    expect(titles((await get(filtered(newSlug))).body)).toEqual([]);
    await app.http().put(`/api/people/${personB}`).set(bearer()).send({ data: { slug: newSlug } }).expect(200);
    expect(titles((await get(filtered(newSlug))).body).sort()).toEqual(['Rules article A, revised', 'Rules article B']);
  });

  it('of an unpublish or a delete takes the document out of every list', async () => {
    const slug = `rules-gone-${stamp}`;
    const documentId = await createArticle('Rules gone', slug, [personA]);
    const list = '/api/articles?fields[0]=title&pagination[pageSize]=100';
    await warm(articlePage(slug), list, `/api/people/${personA}?populate[articles][fields][0]=title`);
    await app.http().delete(`/api/articles/${documentId}`).set(bearer()).expect(204);
    expect(titles((await get(articlePage(slug))).body)).toEqual([]);
    expect(titles((await get(list)).body)).not.toContain('Rules gone');
    const person = await get(`/api/people/${personA}?populate[articles][fields][0]=title`);
    expect(person.body.data.articles.map((article: { title: string }) => article.title)).not.toContain('Rules gone');
  });
});

describe('identical misses', () => {
  it('are computed once: the reads that arrive while it runs wait for it and get its answer', async () => {
    const url = `/api/articles?populate[people][fields][0]=name&pagination[pageSize]=37&filters[title][$notNull]=true`;
    const { connectionString } = app.strapi.config.get('database.connection.connection') as { connectionString: string };
    const locker = new Client({ connectionString });
    await locker.connect();
    const coalescedBefore = await coalescedReads();
    let answers: Awaited<ReturnType<typeof get>>[];
    try {
      // The first read's computation waits for the table; the 19 identical reads after it must not start their own.
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE articles IN ACCESS EXCLUSIVE MODE');
      const pending = Promise.all(Array.from({ length: 20 }, () => get(url)));
      const deadline = Date.now() + 4_000;
      while ((await waitingReads()) < 19 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(await waitingReads()).toBe(19);
      const waiting = await locker.query<{ count: string }>(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()",
      );
      expect(Number(waiting.rows[0].count)).toBe(1);
      await locker.query('ROLLBACK');
      answers = await pending;
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end();
    }
    const caches = answers.map((answer) => answer.headers['x-cache']);
    expect(caches.filter((cache) => cache === 'MISS')).toHaveLength(1);
    expect(caches.filter((cache) => cache === 'HIT')).toHaveLength(19);
    for (const answer of answers) expect(answer.text).toBe(answers[0].text);
    expect((await coalescedReads()) - coalescedBefore).toBe(19);
  });
});

describe('search answers', () => {
  it('are cached over REST and GraphQL, kept through draft saves, and dropped by a publish that changes them', async () => {
    const word = `zebrafinch${stamp}`;
    const rest = `/api/search?q=${word}`;
    const graphql = `{ search(q: "${word}") { data { title } meta { pagination { total } } } }`;
    const restTitles = async () => (await get(rest)).body.data.map((hit: { title: string }) => hit.title);
    expect(await restTitles()).toEqual([]);
    expect((await get(rest)).headers['x-cache']).toBe('HIT');
    await gql(graphql);
    expect((await gql(graphql)).headers['x-cache']).toBe('HIT');

    // A draft that mentions the word: no public answer changes.
    await app.http().put(`/api/articles/${articleA}?status=draft`).set(bearer()).send({ data: { title: `Rules article A, ${word}` } }).expect(200);
    const afterDraft = await get(rest);
    expect(afterDraft.headers['x-cache']).toBe('HIT');
    expect(afterDraft.body.data).toEqual([]);
    expect((await gql(graphql)).headers['x-cache']).toBe('HIT');

    // Publishing it: both answers find it at once.
    await app.http().put(`/api/articles/${articleA}`).set(bearer()).send({ data: { title: `Rules article A, ${word}` } }).expect(200);
    expect(await restTitles()).toEqual([`Rules article A, ${word}`]);
    const found = await gql(graphql);
    expect(found.headers['x-cache']).toBe('MISS');
    expect(found.body.data.search.data.map((hit: { title: string }) => hit.title)).toEqual([`Rules article A, ${word}`]);
  });
});
