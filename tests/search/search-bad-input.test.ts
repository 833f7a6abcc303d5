import { asAnswer, assertSafeAnswer } from '../helpers/hostile';
import { createRandom, seedFromEnvironment, type Random } from '../helpers/prng';
import { graphql, useStrapi } from '../helpers/strapi';

/**
 * Bad search input, by generated families (REST parameters × value shapes,
 * GraphQL arguments), and text meant to break the query parser: every answer is
 * a 200 or a 4xx naming the parameter, never a 5xx, SQL or a stack trace. The
 * seed is printed; SEARCH_INPUT_SEED=<seed> replays a run.
 */

const suite = useStrapi();
const SEED = seedFromEnvironment('SEARCH_INPUT_SEED');
const random = createRandom(SEED);
const CASES = 40;

type Query = Record<string, unknown> | string;

/** Sends a search; a string is sent as the raw query string. Checks what every answer must hold. */
async function send(query: Query, options: { token?: string } = {}) {
  const path = typeof query === 'string' ? `/api/search?${query}` : '/api/search';
  let request = suite.app.http().get(path);
  if (typeof query !== 'string') request = request.query(query);
  if (options.token) request = request.set('Authorization', `Bearer ${options.token}`);
  const response = await request;
  const label = `GET /api/search ${typeof query === 'string' ? query : JSON.stringify(query)}`.slice(0, 300);
  assertSafeAnswer(label, asAnswer(response), { isPublic: !options.token });
  expect(response.headers['content-type']).toMatch(/application\/json/);
  return response;
}

/** A 400 ValidationError whose message matches. */
async function expectRefused(query: Query, message: RegExp, options: { token?: string } = {}) {
  const response = await send(query, options);
  if (response.status !== 400) throw new Error(`${JSON.stringify(query)} answered ${response.status}, not 400: ${response.text.slice(0, 300)}`);
  expect(response.body.data).toBeNull();
  expect(response.body.error).toMatchObject({ status: 400, name: 'ValidationError' });
  expect(response.body.error.message).toMatch(message);
}

/** Characters from everywhere: letters with and without accents, CJK, Persian, emoji (two UTF-16 units), symbols. */
const ALPHABETS = ['abcxyz', 'éèçñüß', '中文字', 'زارع‌پور', '😀🇮🇷', ' -"\'', '&|!<>():*\\'];
function text(r: Random, length: number): string {
  let out = '';
  for (let count = 0; count < length; count += 1) out += r.pick([...r.pick(ALPHABETS)]);
  return out;
}

/** Text meant for the tsquery parser, SQL, JSON or HTML, within the length limit. */
const HOSTILE_PIECES = [
  "'", '"', '""', '-', '--', '!', '!!', '&', '|', '<->', '<1>', '<-1>', ':*', ':A', '(', ')', '((', '\\', '\\\\', '%', '_', '*',
  "'; DROP TABLE articles; --", 'or', 'OR', 'and', 'not', '-or', 'or-', '" or "', '<script>', '&amp;', '\u0001', '\u001f', '\u200b',
  '\u202e', '\uE000', '\uE001', '\uFFFD', 'ﬁ', 'İ', 'ǅ', '${x}', '{{x}}', 'NaN', 'null', 'undefined', '0x00', '1e309', 'Zarepour',
  'cooperation', 'the', 'a', 'ö', 'x'.repeat(60),
];
function hostileText(r: Random): string {
  const pieces = Array.from({ length: r.int(1, 8) }, () => r.pick(HOSTILE_PIECES));
  return [...pieces.join(r.pick(['', ' ', '  ']))].slice(0, 200).join('');
}

describe(`bad REST search input (seed ${SEED})`, () => {
  beforeAll(() => console.log(`search input seed: ${SEED} (replay with SEARCH_INPUT_SEED=${SEED})`));

  it('q missing, empty or blank', async () => {
    await expectRefused('', /^q is required: the text to search for$/);
    await expectRefused('type=article', /^q is required/);
    for (const blank of ['', ' ', '%20%20', '%09', '%0A%0D', '+']) await expectRefused(`q=${blank}`, /^q must not be empty/);
  });

  it('q over 200 characters, counted as characters whatever their bytes', async () => {
    const r = random.fork('long');
    for (let index = 0; index < CASES; index += 1) {
      const length = r.int(201, 400);
      const q = [...text(r, length * 2)].slice(0, length).join('');
      if ([...q.trim()].length <= 200) continue;
      await expectRefused({ q }, new RegExp(`^q may be at most 200 characters long; got ${[...q.trim()].length}$`));
    }
    // Exactly 200, emoji included, is fine.
    const limit = [...'😀é'.repeat(100)].join('');
    expect((await send({ q: limit })).status).toBe(200);
  });

  it('q given twice, as a list or as an object, or holding a NUL', async () => {
    for (const query of ['q=a&q=b', 'q[]=a', 'q[0]=a', 'q[x]=a', 'q[x][y]=a', 'q=a&q[]=b']) await expectRefused(query, /^q must be one text \(given once\)/);
    await expectRefused('q=a%00b', /^q must not contain a NUL character$/);
  });

  it('an unknown type, an empty entry, or a type that is not a name', async () => {
    const r = random.fork('types');
    const unknown = ['Article', 'ARTICLE', 'articles', 'people', 'persons', 'events', 'page', 'user', 'admin', '*', 'article;', ' article x'];
    for (let index = 0; index < CASES; index += 1) unknown.push(text(r, r.int(1, 12)).replace(/,/g, ''));
    for (const name of unknown) {
      if (['article', 'person', 'event'].includes(name.trim()) || name.trim() === '') continue;
      await expectRefused({ q: 'x', type: name }, /^type has .*, which is not a searchable type; use article, person, event$/);
      await expectRefused({ q: 'x', type: `article,${name}` }, /which is not a searchable type/);
    }
    for (const query of ['q=x&type=', 'q=x&type=article,', 'q=x&type=,event', 'q=x&type=article&type=']) await expectRefused(query, /^type has an empty entry/);
    for (const query of ['q=x&type[x]=article', 'q=x&type[0][0]=article', 'q=x&type[0][a]=b']) await expectRefused(query, /^type takes type names/);
  });

  it('status: drafts without a token are forbidden, other values refused; a token may ask published or draft only', async () => {
    for (const status of ['draft', 'DRAFT', 'draft ', '']) {
      const response = await send({ q: 'x', status });
      expect(response.status).toBe(403);
      expect(response.body.error.message).toMatch(/Drafts can only be read with an API token/);
    }
    for (const status of ['maybe', 'publish', 'PUBLISHED']) await expectRefused({ q: 'x', status }, /status must be 'published' or left out/);
    for (const status of ['maybe', 'DRAFT', '', 'draft ']) await expectRefused({ q: 'x', status }, /^status must be 'published' or 'draft'$/, { token: suite.token });
    await expectRefused('q=x&status=draft&status=draft', /status must be 'published' or 'draft'/, { token: suite.token });
  });

  it('pagination that is not whole numbers in range, or not page and pageSize', async () => {
    const r = random.fork('pagination');
    const bad = ['ten', '1.5', '-1', '', ' ', '1e3', '0x10', '٣', '１'];
    for (let index = 0; index < CASES; index += 1) bad.push(text(r, r.int(1, 6)));
    for (const value of bad) {
      if (/^\s*\d+\s*$/.test(value)) continue;
      for (const key of ['page', 'pageSize']) await expectRefused({ q: 'x', pagination: { [key]: value } }, /pagination/);
    }
    for (const [query, message] of [
      ['q=x&pagination[pageSize]=101', /pagination\[pageSize\] must be an integer from 1 to 100; got 101/],
      ['q=x&pagination[pageSize]=0', /pagination\[pageSize\] must be an integer from 1 to 100; got 0/],
      ['q=x&pagination[page]=0', /pagination\[page\] must be an integer from 1 to 1000000; got 0/],
      ['q=x&pagination[page]=1000001', /pagination\[page\] must be an integer from 1 to 1000000; got 1000001/],
      ['q=x&pagination[page]=99999999999999999999', /pagination\[page\] must be an integer from 1 to 1000000/],
      ['q=x&pagination[start]=0', /pagination has "start", which search does not take/],
      ['q=x&pagination[limit]=5', /pagination has "limit", which search does not take/],
      ['q=x&pagination[withCount]=true', /pagination has "withCount", which search does not take/],
      ['q=x&pagination=5', /pagination must be an object/],
      ['q=x&pagination[page][x]=1', /pagination\[page\] must be/],
      ['q=x&pagination[size]=5', /pagination\[size\] is not a pagination parameter/],
    ] as Array<[string, RegExp]>) {
      await expectRefused(query, message);
    }
  });

  it('a parameter search does not take', async () => {
    const r = random.fork('parameters');
    const names = ['filters', 'sort', 'populate', 'fields', '_q', 'locale', 'query', 'types', 'page'];
    for (let index = 0; index < CASES / 2; index += 1) names.push(text(r, r.int(1, 10)).replace(/[[\]&=#%+]/g, '') || 'x1');
    for (const name of names) {
      if (['q', 'type', 'status', 'pagination'].includes(name)) continue;
      await expectRefused(`q=x&${encodeURIComponent(name)}=1`, /which is not a search parameter; search takes q, type, status, pagination|filters|populate|sort|Invalid/);
    }
  });

  it('any text within the limit is searched: a 200 with the search shape, never an error', async () => {
    const r = random.fork('hostile');
    for (let index = 0; index < CASES * 3; index += 1) {
      const q = index % 2 === 0 ? hostileText(r) : text(r, r.int(1, 200));
      if (q.trim() === '' || q.includes('\u0000')) continue;
      const response = await send({ q, ...(r.chance(0.3) ? { type: r.pick(['article', 'person', 'event', 'article,person']) } : {}) });
      if (response.status !== 200) throw new Error(`q=${JSON.stringify(q)} answered ${response.status}: ${response.text.slice(0, 300)}`);
      expect(Object.keys(response.body).sort()).toEqual(['data', 'meta']);
      for (const hit of response.body.data) {
        expect(Object.keys(hit).sort()).toEqual(['documentId', 'score', 'slug', 'snippet', 'title', 'type']);
        expect(hit.snippet).toMatch(/^(?:[^<>]|<mark>|<\/mark>)*$/);
      }
    }
  });
});

describe(`bad GraphQL search input (seed ${SEED})`, () => {
  const QUERY = `query ($q: String!, $types: [SearchType!], $pagination: PaginationArg, $status: PublicationStatus) {
    search(q: $q, types: $types, pagination: $pagination, status: $status) { data { type slug snippet } meta { pagination { total } } }
  }`;

  async function run(variables: Record<string, unknown>, token?: string) {
    const response = await suite.app
      .http()
      .post('/graphql')
      .set('Content-Type', 'application/json')
      .set(token ? { Authorization: `Bearer ${token}` } : {})
      .send({ query: QUERY, variables });
    assertSafeAnswer(`search ${JSON.stringify(variables)}`.slice(0, 300), asAnswer(response), { isPublic: !token });
    return response;
  }

  async function expectInputError(variables: Record<string, unknown>, message: RegExp) {
    const response = await run(variables);
    expect(response.status).toBe(400);
    expect(response.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(response.body.errors[0].message).toMatch(message);
  }

  it('q empty, blank, too long or with a NUL; an empty types list; start and limit; a page out of range', async () => {
    await expectInputError({ q: '' }, /^q must not be empty/);
    await expectInputError({ q: ' \t ' }, /^q must not be empty/);
    await expectInputError({ q: 'x'.repeat(201) }, /^q may be at most 200 characters long; got 201$/);
    // A NUL anywhere in a JSON body is refused before GraphQL reads it (src/limits/request-body).
    const nul = await run({ q: 'a\u0000b' });
    expect(nul.status).toBe(400);
    expect(nul.text).toMatch(/NUL/);
    await expectInputError({ q: 'x', types: [] }, /^types must name at least one type/);
    await expectInputError({ q: 'x', pagination: { start: 0, limit: 5 } }, /search pages with pagination.page and pagination.pageSize/);
    await expectInputError({ q: 'x', pagination: { pageSize: 101 } }, /pagination.pageSize must be an integer from 1 to 100; got 101/);
    await expectInputError({ q: 'x', pagination: { page: 0 } }, /pagination.page must be an integer from 1 to 1000000; got 0/);
  });

  it('an unknown type or status, a missing q: GraphQL\'s own 400', async () => {
    for (const variables of [{ q: 'x', types: ['people'] }, { q: 'x', status: 'draft' }, {}, { q: null }, { q: ['a'] }]) {
      const response = await run(variables);
      expect(response.status).toBe(400);
      expect(response.body.errors[0].message).toMatch(/Variable "\$(types|status|q)"/);
    }
  });

  it('drafts without a token are forbidden', async () => {
    const response = await run({ q: 'x', status: 'DRAFT' });
    expect(response.body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(response.body.data).toBeNull();
  });

  it('any text within the limit is searched', async () => {
    const r = random.fork('graphql-hostile');
    for (let index = 0; index < CASES; index += 1) {
      const q = index % 2 === 0 ? hostileText(r) : text(r, r.int(1, 200));
      if (q.trim() === '' || q.includes('\u0000')) continue;
      const result = await graphql<{ search: { data: unknown[] } }>(suite.app, QUERY, { q });
      if (result.errors) throw new Error(`q=${JSON.stringify(q)}: ${JSON.stringify(result.errors)}`);
      expect(Array.isArray(result.data!.search.data)).toBe(true);
    }
  });
});
