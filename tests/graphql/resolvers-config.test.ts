import type { Core } from '@strapi/strapi';
import { bootStrapi, createApiToken, stopStrapi, type TestApp } from '../helpers/strapi';

/**
 * What an extension asks of the GraphQL plugin's `resolversConfig` (an auth
 * scope, policies, middlewares) holds with GRAPHQL_BATCHING on as with it off.
 * The suite registers one extension the way a project does (in `register`,
 * through the plugin's extension service), boots the app once per batching
 * setting, and asks a generated family of cases: each configured field ×
 * each way into it (at the root, nested under a relation) × each kind of
 * config and caller. Every answer is checked against what the config says
 * the caller must get, computed from the suite's own content, and the two
 * settings' answers against each other.
 */

const SWITCHES = ['GRAPHQL_BATCHING', 'STOCK_STRAPI'] as const;
const savedSwitches = Object.fromEntries(SWITCHES.map((name) => [name, process.env[name]]));

const P = `rconfig-${Date.now()}`;
/** An action neither the public role nor a read-only token holds; a full-access token does. */
const SCOPE = 'api::person.person.update';

type EntityType = 'Person' | 'Article' | 'Event';
type Entity = Record<string, unknown> & { slug: string };

// ---------------------------------------------------------------------------
// The suite's content, as a model the expected answers are computed from.

const people: Array<Entity & { name: string; country: string; bio: string; role: string }> = [0, 1, 2, 3].map((i) => ({
  slug: `${P}-person-${i}`,
  name: `Person ${i} ${P}`,
  country: i % 2 ? 'Iran' : 'Russia',
  bio: `Bio of person ${i}`,
  role: `Role ${i}`,
}));
const articles: Array<Entity & { title: string; dateline: string; people: number[]; events: number[] }> = [
  { dateline: 'closed', people: [0, 1], events: [0] },
  { dateline: 'open', people: [1, 2, 3], events: [0, 1] },
  { dateline: 'open', people: [3, 0], events: [1] },
].map((links, i) => ({ slug: `${P}-article-${i}`, title: `Article ${i} ${P}`, ...links }));
const events: Array<Entity & { title: string; location: string; participants: number[] }> = [
  { location: 'closed', participants: [0, 2] },
  { location: 'open', participants: [1, 3] },
].map((links, i) => ({ slug: `${P}-event-${i}`, title: `Event ${i} ${P}`, ...links }));

const entities: Record<EntityType, Entity[]> = { Person: people, Article: articles, Event: events };
const entity = (type: EntityType, slug: string): Entity => {
  const found = entities[type].find((candidate) => candidate.slug === slug);
  if (!found) throw new Error(`no ${type} ${slug} in the suite's content`);
  return found;
};

/** The entity type each relation or root list of the queries below returns. */
const LIST_TYPES: Record<string, EntityType> = { people: 'Person', participants: 'Person', articles: 'Article', events: 'Event' };

/** The slugs a relation links, as the queries ask for them (sorted by slug). */
function linked(type: EntityType, field: string, slug: string): string[] {
  const index = entities[type].findIndex((candidate) => candidate.slug === slug);
  const key = `${type}.${field}`;
  const slugs =
    key === 'Article.people' ? articles[index].people.map((i) => people[i].slug)
    : key === 'Article.events' ? articles[index].events.map((i) => events[i].slug)
    : key === 'Event.participants' ? events[index].participants.map((i) => people[i].slug)
    : key === 'Event.articles' ? articles.filter((article) => article.events.includes(index)).map((article) => article.slug)
    : key === 'Person.articles' ? articles.filter((article) => article.people.includes(index)).map((article) => article.slug)
    : key === 'Person.events' ? events.filter((event) => event.participants.includes(index)).map((event) => event.slug)
    : undefined;
  if (!slugs) throw new Error(`no model of ${key}`);
  return [...slugs].sort();
}

const allSlugs = (type: EntityType) => entities[type].map((candidate) => candidate.slug).sort();

// ---------------------------------------------------------------------------
// The extension: what each configured field does depends on the case being asked.

type Mode = 'allow' | 'deny' | 'gate' | 'transform';
/** The field whose policy and middleware act, and how; every other configured field lets everything through. */
let active: { target: string; mode: Mode } | undefined;

/** A readable mark of a value and the attribute a transforming middleware reads (never selected by the queries). */
const mark = (text: string, country: string) => `${text} (${country})`;

interface Target {
  /** `Type.field` */
  name: string;
  type: EntityType | 'Query';
  field: string;
  /** What the field returns: its own value, or related people or articles. */
  value: 'plain' | 'people' | 'articles';
  /** How the extension spells the key: `'Type.field'` or `{ Type: { field } }`. */
  spelling: 'flat' | 'nested';
  /** Whether the field has a policy and a middleware (else only the auth scope). */
  steps: boolean;
  /** Whether the field has the auth scope. */
  scoped: boolean;
  /** The parent attribute the parent-reading policy looks at, and the value it lets through. */
  gate?: { attribute: string; open: string };
  /** The lists from the root to the field's parents (none: the field is a root query). */
  paths: string[][];
}

const TARGETS: Target[] = [
  {
    name: 'Person.bio', type: 'Person', field: 'bio', value: 'plain', spelling: 'flat', steps: true, scoped: true,
    gate: { attribute: 'country', open: 'Iran' }, paths: [['people'], ['articles', 'people']],
  },
  {
    name: 'Person.role', type: 'Person', field: 'role', value: 'plain', spelling: 'nested', steps: true, scoped: true,
    gate: { attribute: 'country', open: 'Iran' }, paths: [['people'], ['events', 'participants']],
  },
  {
    // No scope here, so the plain fields' scopes can be asked for publicly through it.
    name: 'Article.people', type: 'Article', field: 'people', value: 'people', spelling: 'flat', steps: true, scoped: false,
    gate: { attribute: 'dateline', open: 'open' }, paths: [['articles'], ['people', 'articles']],
  },
  {
    // A relation field with nothing but a scope: the one its batched resolution still shares across parents.
    name: 'Event.articles', type: 'Event', field: 'articles', value: 'articles', spelling: 'flat', steps: false, scoped: true,
    paths: [['events'], ['people', 'events']],
  },
  {
    // The root list: a middleware here sees every row the query loads.
    name: 'Query.people', type: 'Query', field: 'people', value: 'people', spelling: 'flat', steps: true, scoped: false,
    paths: [[]],
  },
];

type Row = Record<string, unknown>;
type Resolve = (parent: unknown, args: unknown, context: unknown, info: unknown) => unknown;

function policyFor(target: Target) {
  return (policyContext: { parent?: Row }) => {
    if (active?.target !== target.name) return true;
    if (active.mode === 'deny') return false;
    if (active.mode === 'gate' && target.gate) return policyContext.parent?.[target.gate.attribute] === target.gate.open;
    return true;
  };
}

function middlewareFor(target: Target) {
  return async (resolve: Resolve, parent: unknown, args: unknown, context: unknown, info: unknown) => {
    const value = await resolve(parent, args, context, info);
    if (active?.target !== target.name || active.mode !== 'transform') return value;
    if (target.value === 'plain') return typeof value === 'string' ? mark(value, String((parent as Row).country)) : value;
    return Array.isArray(value) ? value.map((row: Row) => ({ ...row, name: mark(String(row.name), String(row.country)) })) : value;
  };
}

/** The policy's name, as a project's `src/policies/<name>.ts` is named (`global::<name>`). */
const policyName = (target: Target) => `resolvers-config-${target.name.replace('.', '-').toLowerCase()}`;

function resolversConfig(): Record<string, unknown> {
  const config: Record<string, Record<string, unknown>> = {};
  for (const target of TARGETS) {
    const entry = {
      ...(target.scoped ? { auth: { scope: [SCOPE] } } : {}),
      ...(target.steps ? { policies: [`global::${policyName(target)}`], middlewares: [middlewareFor(target)] } : {}),
    };
    if (target.spelling === 'flat') config[target.name] = entry;
    else config[target.type] = { ...config[target.type], [target.field]: entry };
  }
  return config;
}

/**
 * As a project registers them: its policies under `global::` (Strapi resolves
 * GraphQL policies by name), and in `register` the extension, through the
 * GraphQL plugin's extension service.
 */
function registerExtension(strapi: Core.Strapi): void {
  // Strapi's policy registry, as its loader fills it from src/policies.
  const policies = strapi.get('policies') as { add: (namespace: string, policies: Record<string, unknown>) => void };
  policies.add('global::', Object.fromEntries(TARGETS.filter((target) => target.steps).map((target) => [policyName(target), policyFor(target)])));
  // The plugin's services are typed loosely by Strapi; `use` is the extension service's public API.
  const extension = strapi.plugin('graphql').service('extension') as { use: (configuration: unknown) => unknown };
  extension.use({ resolversConfig: resolversConfig() });
}

// ---------------------------------------------------------------------------
// The family of cases.

type Caller = 'public' | 'read-only token' | 'full-access token';
type Outcome = 'value' | 'transformed' | 'refused';

interface Kind {
  name: string;
  mode: Mode;
  caller: Caller;
  appliesTo: (target: Target) => boolean;
  outcome: (target: Target, parent: Entity | undefined) => Outcome;
}

const KINDS: Kind[] = [
  { name: 'a policy that refuses', mode: 'deny', caller: 'full-access token', appliesTo: (t) => t.steps, outcome: () => 'refused' },
  { name: 'a policy that allows', mode: 'allow', caller: 'full-access token', appliesTo: (t) => t.steps, outcome: () => 'value' },
  {
    name: 'a policy that reads an unselected attribute of the parent',
    mode: 'gate',
    caller: 'full-access token',
    appliesTo: (t) => t.steps && t.gate !== undefined,
    outcome: (t, parent) => (parent && t.gate && parent[t.gate.attribute] === t.gate.open ? 'value' : 'refused'),
  },
  {
    name: 'a middleware that transforms the value from an unselected attribute',
    mode: 'transform',
    caller: 'full-access token',
    appliesTo: (t) => t.steps,
    outcome: () => 'transformed',
  },
  { name: 'a scope the public role lacks, asked publicly', mode: 'allow', caller: 'public', appliesTo: (t) => t.scoped, outcome: () => 'refused' },
  { name: 'a scope a read-only token lacks', mode: 'allow', caller: 'read-only token', appliesTo: (t) => t.scoped, outcome: () => 'refused' },
  { name: 'a scope a full-access token holds', mode: 'allow', caller: 'full-access token', appliesTo: (t) => t.scoped, outcome: () => 'value' },
];

interface Case {
  name: string;
  target: Target;
  path: string[];
  kind: Kind;
}

const CASES: Case[] = TARGETS.flatMap((target) =>
  target.paths.flatMap((path) =>
    KINDS.filter((kind) => kind.appliesTo(target)).map((kind) => ({
      name: `${target.name} (${target.spelling} key) ${path.length ? `under ${path.join(' > ')}` : 'at the root'}, ${kind.name}`,
      target,
      path,
      kind,
    })),
  ),
);

const ROOT_ARGS = '(filters: { slug: { startsWith: $p } }, sort: "slug:asc")';
const NESTED_ARGS = '(sort: "slug:asc")';
const LEAF: Record<Target['value'], string> = { plain: '', people: '{ slug name }', articles: '{ slug title }' };

/**
 * The query of a case. Its operation name is unique, so no cached answer can
 * stand in for it, and of one length, so error locations compare across runs.
 */
function queryOf(testCase: Case, operationName: string): string {
  const { target, path } = testCase;
  if (target.type === 'Query') return `query ${operationName}($p: String!) { ${target.field}${ROOT_ARGS} ${LEAF[target.value]} }`;
  let inner = target.value === 'plain' ? target.field : `${target.field}${NESTED_ARGS} ${LEAF[target.value]}`;
  for (let depth = path.length - 1; depth >= 0; depth -= 1) {
    inner = `${path[depth]}${depth === 0 ? ROOT_ARGS : NESTED_ARGS} { slug ${inner} }`;
  }
  return `query ${operationName}($p: String!) { ${inner} }`;
}

type Path = Array<string | number>;

/** The data and error paths the config says the caller gets, from the suite's content. */
function expectedAnswer({ target, path, kind }: Case): { data: unknown; errorPaths: Path[] } {
  const errorPaths: Path[] = [];
  const leaf = (slugs: string[], outcome: Outcome) =>
    slugs.map((slug) => {
      if (target.value === 'articles') return { slug, title: entity('Article', slug).title };
      const person = entity('Person', slug);
      const name = String(person.name);
      return { slug, name: outcome === 'transformed' ? mark(name, String(person.country)) : name };
    });

  if (target.type === 'Query') {
    const outcome = kind.outcome(target, undefined);
    if (outcome === 'refused') return { data: null, errorPaths: [[target.field]] };
    return { data: { [target.field]: leaf(allSlugs('Person'), outcome) }, errorPaths };
  }
  const targetType = target.type;

  const build = (type: EntityType, slug: string, depth: number, at: Path): Row | null => {
    if (depth < path.length - 1) {
      const next = path[depth + 1];
      return { slug, [next]: linked(type, next, slug).map((child, i) => build(LIST_TYPES[next], child, depth + 1, [...at, next, i])) };
    }
    const parent = entity(type, slug);
    const outcome = kind.outcome(target, parent);
    if (outcome === 'refused') {
      errorPaths.push([...at, target.field]);
      // A refused relation list is non-null in the schema: GraphQL nulls its parent instead.
      return target.value === 'plain' ? { slug, [target.field]: null } : null;
    }
    if (target.value === 'plain') {
      const value = parent[target.field];
      return { slug, [target.field]: outcome === 'transformed' ? mark(String(value), String(parent.country)) : value };
    }
    return { slug, [target.field]: leaf(linked(targetType, target.field, slug), outcome) };
  };

  const rootType = LIST_TYPES[path[0]];
  return { data: { [path[0]]: allSlugs(rootType).map((slug, i) => build(rootType, slug, 0, [path[0], i])) }, errorPaths };
}

/** How many parents the case's field is resolved for: as many refusals as when every parent is refused. */
function parentsOf(testCase: Case): number {
  const refuseAll: Kind = { ...testCase.kind, outcome: () => 'refused' };
  return expectedAnswer({ ...testCase, kind: refuseAll }).errorPaths.length;
}

// ---------------------------------------------------------------------------
// Content, boots and asking.

const created: Array<{ uid: 'api::article.article' | 'api::person.person' | 'api::event.event'; documentId: string }> = [];

async function createContent(strapi: Core.Strapi): Promise<void> {
  const personIds: string[] = [];
  for (const { slug, name, country, bio, role } of people) {
    const person = await strapi.documents('api::person.person').create({ data: { slug, name, country, bio, role } });
    personIds.push(person.documentId);
    created.push({ uid: 'api::person.person', documentId: person.documentId });
  }
  const eventIds: string[] = [];
  for (const { slug, title, location, participants } of events) {
    const event = await strapi.documents('api::event.event').create({
      data: { slug, title, location, startDate: '2025-03-01', datePrecision: 'month', participants: participants.map((i) => personIds[i]) },
    });
    eventIds.push(event.documentId);
    created.push({ uid: 'api::event.event', documentId: event.documentId });
  }
  for (const article of articles) {
    const { documentId } = await strapi.documents('api::article.article').create({
      data: {
        slug: article.slug,
        title: article.title,
        dateline: article.dateline,
        publishedDate: '2025-03-02',
        body: [{ type: 'paragraph' as const, children: [{ type: 'text' as const, text: article.title }] }],
        people: article.people.map((i) => personIds[i]),
        events: article.events.map((i) => eventIds[i]),
      },
      status: 'published',
    });
    created.push({ uid: 'api::article.article', documentId });
  }
}

async function deleteContent(strapi: Core.Strapi): Promise<void> {
  for (const { uid, documentId } of created.reverse()) await strapi.documents(uid).delete({ documentId });
}

interface Answer {
  status: number;
  data: unknown;
  errors: Array<{ path?: Path; extensions?: { code?: string } }>;
}

/** Answers by case name, for each batching setting. */
const answers: Record<string, Record<string, Answer>> = {};
let operationCount = 0;

describe.each([false, true])('resolversConfig with GRAPHQL_BATCHING=%s', (batching) => {
  let app: TestApp | undefined;
  const tokens: Partial<Record<Caller, string>> = {};
  const mine: Record<string, Answer> = {};
  answers[String(batching)] = mine;

  beforeAll(async () => {
    process.env.GRAPHQL_BATCHING = String(batching);
    delete process.env.STOCK_STRAPI;
    app = await bootStrapi({ register: registerExtension });
    if (created.length === 0) await createContent(app.strapi);
    tokens['full-access token'] = await createApiToken(app.strapi, 'full-access');
    tokens['read-only token'] = await createApiToken(app.strapi, 'read-only');
  }, 120_000);

  afterAll(async () => {
    active = undefined;
    try {
      if (batching && app) await deleteContent(app.strapi);
    } finally {
      await stopStrapi(app);
      if (batching) {
        for (const name of SWITCHES) {
          if (savedSwitches[name] === undefined) delete process.env[name];
          else process.env[name] = savedSwitches[name];
        }
      }
    }
  }, 120_000);

  async function ask(testCase: Case): Promise<Answer> {
    if (!app) throw new Error('Strapi did not boot');
    active = { target: testCase.target.name, mode: testCase.kind.mode };
    operationCount += 1;
    let call = app.http().post('/graphql').set('Content-Type', 'application/json');
    const token = tokens[testCase.kind.caller];
    if (token) call = call.set('Authorization', `Bearer ${token}`);
    try {
      const response = await call.send({ query: queryOf(testCase, `Case${String(operationCount).padStart(6, '0')}`), variables: { p: P } });
      // GraphQL lists errors in the order fields settle, which batching changes; their set is the answer.
      const errors = [...((response.body.errors ?? []) as Answer['errors'])].sort((a, b) =>
        JSON.stringify(a.path ?? []).localeCompare(JSON.stringify(b.path ?? [])),
      );
      return { status: response.status, data: response.body.data, errors };
    } finally {
      active = undefined;
    }
  }

  it.each(CASES.map((testCase): [string, Case] => [testCase.name, testCase]))('%s', async (_name, testCase) => {
    const answer = await ask(testCase);
    mine[testCase.name] = answer;
    const expected = expectedAnswer(testCase);

    expect(answer.status).toBeLessThan(500);
    expect(answer.data).toEqual(expected.data);
    expect(answer.errors.map((error) => error.extensions?.code)).toEqual(answer.errors.map(() => 'FORBIDDEN'));
    const byPath = (paths: Path[]) => paths.map((path) => JSON.stringify(path)).sort();
    expect(byPath(answer.errors.map((error) => error.path ?? []))).toEqual(byPath(expected.errorPaths));
  });
});

describe('resolversConfig, batching on against off', () => {
  it('every case was asked both ways, and the family holds every kind of outcome', () => {
    const names = CASES.map((testCase) => testCase.name).sort();
    expect(Object.keys(answers.false).sort()).toEqual(names);
    expect(Object.keys(answers.true).sort()).toEqual(names);
    const shapes = new Set(
      CASES.map((testCase) => {
        const refusals = expectedAnswer(testCase).errorPaths.length;
        if (testCase.kind.mode === 'gate') return refusals > 0 && refusals < parentsOf(testCase) ? 'refused for some parents' : 'degenerate';
        if (refusals > 0) return 'refused';
        return testCase.kind.mode === 'transform' ? 'transformed' : 'value';
      }),
    );
    expect(shapes).toEqual(new Set(['value', 'transformed', 'refused', 'refused for some parents']));
  });

  it.each(CASES.map((testCase) => testCase.name))('%s: the same answer', (name) => {
    expect(answers.false[name]).toBeDefined();
    expect(answers.true[name]).toEqual(answers.false[name]);
  });
});
