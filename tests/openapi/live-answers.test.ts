import fs from 'node:fs';
import path from 'node:path';
import { contractChecker, readContract } from '../helpers/openapi-contract';
import { APP_ROOT } from '../helpers/paths';
import { useStrapi } from '../helpers/strapi';

/**
 * Live answers of the seeded content, through Strapi's real HTTP stack, are what the
 * committed contract says they are: lists, one entry, populated relations, chosen
 * fields, both kinds of paging, writes, search, and the errors (400, 401, 403, 404).
 */
const suite = useStrapi();
const contract = readContract();
const checker = contractChecker(contract);

interface Answer {
  status: number;
  body: unknown;
}

/** Asserts the answer has the expected status and matches the contract for it; returns its body. */
function expectContract(method: string, pathTemplate: string, answer: Answer, status: number) {
  expect({ status: answer.status, problems: checker.problems(method, pathTemplate, answer.status, answer.body) }).toEqual({ status, problems: [] });
  return answer.body as { data: Record<string, unknown> & Array<Record<string, unknown>>; meta: Record<string, unknown> };
}

const get = (url: string, token?: string) => {
  const call = suite.app.http().get(url);
  return token ? call.set('Authorization', `Bearer ${token}`) : call;
};

test('GET /openapi.json serves the committed file, publicly, with an ETag', async () => {
  const answer = await get('/openapi.json');
  expect(answer.status).toBe(200);
  expect(answer.headers['content-type']).toMatch(/^application\/json/);
  expect(answer.text).toBe(fs.readFileSync(path.join(APP_ROOT, 'openapi', 'openapi.json'), 'utf8'));
  const again = await get('/openapi.json').set('If-None-Match', answer.headers.etag as string);
  expect(again.status).toBe(304);
});

test('the contract has an operation for every content-API route (the content types, search) and the other endpoints, and no other', () => {
  type Api = { routes: Record<string, { routes: Array<{ method: string; path: string }> }> };
  const routes = Object.entries(suite.app.strapi.apis as Record<string, Api>).flatMap(([api, { routes: routers }]) =>
    Object.values(routers).flatMap((router) =>
      router.routes.map((route) => ({ api, route: `${route.method.toLowerCase()} /api${route.path.replace(':id', '{documentId}')}` })),
    ),
  );
  // The five operations of each of the three content types, and search's route (src/content/search/rest.ts).
  expect(routes.filter(({ api }) => api !== 'search')).toHaveLength(15);
  expect(routes.filter(({ api }) => api === 'search').map(({ route }) => route)).toEqual(['get /api/search']);
  // Content-API routes the server holds outside Strapi's API registry (src/integrations/webhooks/delivery-log.ts).
  const serverRoutes = ['get /api/webhook-deliveries'];
  const documented = Object.entries(contract.paths).flatMap(([pathTemplate, item]) =>
    Object.keys(item).filter((key) => key !== 'parameters').map((method) => `${method} ${pathTemplate}`),
  );
  expect([...documented].sort()).toEqual([...routes.map(({ route }) => route), ...serverRoutes].sort());
});

test('the webhook delivery log answers as the contract says: a page with a token, 401 without, 400 on bad input', async () => {
  const page = expectContract('get', '/api/webhook-deliveries', await get('/api/webhook-deliveries?pagination[pageSize]=5', suite.token), 200);
  expect(page.meta.pagination).toMatchObject({ page: 1, pageSize: 5 });
  expectContract('get', '/api/webhook-deliveries', await get('/api/webhook-deliveries'), 401);
  expectContract('get', '/api/webhook-deliveries', await get('/api/webhook-deliveries?status=lost', suite.token), 400);
});

describe.each([
  ['articles', 'people', 'iran-russia-ict-cooperation'],
  ['people', 'articles', 'vladimir-putin'],
  ['events', 'participants', 'iran-russia-ict-cooperation-documents-2022'],
])('/api/%s', (plural, relation, slug) => {
  const list = `/api/${plural}`;
  const one = `/api/${plural}/{documentId}`;

  test('a list, a populated list and one entry match the contract', async () => {
    const page = expectContract('get', list, await get(list), 200);
    expect(page.data.length).toBeGreaterThan(0);
    expect(typeof page.data[0].documentId).toBe('string');

    const populated = expectContract('get', list, await get(`${list}?populate=*&filters[slug][$eq]=${slug}`), 200);
    expect(populated.data).toHaveLength(1);
    const related = populated.data[0][relation] as Array<{ documentId: unknown }>;
    expect(related.length).toBeGreaterThan(0);
    expect(typeof related[0].documentId).toBe('string');

    const entry = expectContract('get', one, await get(`${list}/${populated.data[0].documentId as string}?populate=*`), 200);
    expect(entry.data.slug).toBe(slug);
  });

  test('chosen fields, nested populate, sort and both kinds of paging match the contract', async () => {
    const chosen = expectContract('get', list, await get(`${list}?fields[0]=slug&sort=slug:desc&pagination[page]=1&pagination[pageSize]=2`), 200);
    expect(Object.keys(chosen.data[0]).sort()).toEqual(['documentId', 'id', 'slug']);
    expect(chosen.meta.pagination).toMatchObject({ page: 1, pageSize: 2 });

    const nested = expectContract('get', list, await get(`${list}?populate[${relation}][fields][0]=slug&populate[${relation}][populate]=*&pagination[start]=0&pagination[limit]=5`), 200);
    expect(nested.meta.pagination).toMatchObject({ start: 0, limit: 5 });
  });

  test('errors match the contract: 400 bad filter, 400 page too large, 403 drafts without a token, 401 bad token, 404 unknown id', async () => {
    const badFilter = expectContract('get', list, await get(`${list}?filters[nope][$eq]=1`), 400);
    expect(JSON.stringify(badFilter)).toContain('nope');
    expectContract('get', list, await get(`${list}?pagination[pageSize]=101`), 400);
    expectContract('get', list, await get(`${list}?status=draft`), 403);
    expectContract('get', list, await get(list, 'not-a-real-token'), 401);
    const missing = expectContract('get', one, await get(`${list}/abcdefghijklmnopqrstuvwx`), 404);
    expect(missing.data).toBeNull();
  });
});

test('writes with a token match the contract: create, read the draft, update, delete; without a token 403', async () => {
  const slug = `contract-person-${Date.now()}`;
  const auth = { Authorization: `Bearer ${suite.token}` };
  const refused = await suite.app.http().post('/api/people').send({ data: { name: 'No Token', slug } });
  expectContract('post', '/api/people', refused, 403);

  const created = expectContract('post', '/api/people', await suite.app.http().post('/api/people').set(auth).send({ data: { name: 'Contract Person', slug } }), 201);
  const documentId = created.data.documentId as string;
  const updated = expectContract('put', '/api/people/{documentId}', await suite.app.http().put(`/api/people/${documentId}`).set(auth).send({ data: { role: 'Tester' } }), 200);
  expect(updated.data.role).toBe('Tester');
  const invalid = await suite.app.http().put(`/api/people/${documentId}`).set(auth).send({ data: { name: 12 } });
  expectContract('put', '/api/people/{documentId}', invalid, 400);
  expectContract('delete', '/api/people/{documentId}', await suite.app.http().delete(`/api/people/${documentId}`).set(auth), 204);
  expectContract('get', '/api/people/{documentId}', await get(`/api/people/${documentId}`), 404);

  const draft = expectContract('post', '/api/articles', await suite.app.http().post('/api/articles?status=draft').set(auth).send({
    data: { title: 'Contract draft', publishedDate: '2026-01-02', body: [{ type: 'paragraph', children: [{ type: 'text', text: 'Draft.' }] }] },
  }), 201);
  expect(draft.data.publishedAt).toBeNull();
  const drafts = expectContract('get', '/api/articles', await get('/api/articles?status=draft&filters[title][$eq]=Contract%20draft', suite.token), 200);
  expect(drafts.data).toHaveLength(1);
  expectContract('delete', '/api/articles/{documentId}', await suite.app.http().delete(`/api/articles/${draft.data.documentId as string}`).set(auth), 204);
});

describe('GET /api/search', () => {
  interface SearchAnswer {
    data: Array<{ type: string; documentId: string; slug: string; title: string; snippet: string; score: number }>;
    meta: { pagination: { page: number; pageSize: number; total: number }; search: { fallback: boolean; totalIsExact: boolean } };
  }
  const search = async (query: string, status: number, token?: string) =>
    expectContract('get', '/api/search', await get(`/api/search?${query}`, token), status) as unknown as SearchAnswer;
  const refusal = async (query: string, status: number, token?: string) =>
    (expectContract('get', '/api/search', await get(`/api/search?${query}`, token), status) as unknown as { error: { status: number; name: string; message: string } }).error;
  const slugs = (answer: SearchAnswer) => answer.data.map((hit) => `${hit.type}:${hit.slug}`);

  test('a name finds the person and the article that mentions them, the documents /api/articles and /api/people answer', async () => {
    const answer = await search('q=Zarepour', 200);
    expect(slugs(answer).sort()).toEqual(['article:iran-russia-ict-cooperation', 'person:issa-zarepour']);
    expect(answer.meta).toEqual({ pagination: { page: 1, pageSize: 10, total: 2 }, search: { fallback: false, totalIsExact: true } });
    const article = answer.data.find((hit) => hit.type === 'article');
    expect(article?.snippet).toContain('Issa <mark>Zarepour</mark>');
    for (const [plural, type] of [['articles', 'article'], ['people', 'person']]) {
      const hit = answer.data.find((candidate) => candidate.type === type);
      const entries = expectContract('get', `/api/${plural}`, await get(`/api/${plural}?filters[slug][$eq]=${hit?.slug}&fields[0]=slug`), 200);
      expect(entries.data.map((entry) => entry.documentId)).toEqual([hit?.documentId]);
    }

    const stemmed = await search('q=cooperation', 200);
    expect(stemmed.data[0]).toMatchObject({ type: 'article', slug: 'iran-russia-ict-cooperation' });
    expect(stemmed.data[0].snippet).toContain('<mark>cooperation</mark>');
    expect(stemmed.data.map((hit) => hit.score)).toEqual([...stemmed.data.map((hit) => hit.score)].sort((a, b) => b - a));
  });

  test('a misspelt name answers the similar titles; stop words and a word nothing resembles answer an empty page', async () => {
    const similar = await search('q=Zarepur', 200);
    expect(slugs(similar)).toEqual(['person:issa-zarepour']);
    expect(similar.meta.search.fallback).toBe(true);
    for (const [q, fallback] of [['the', false], ['xqzvwptk', true]] as const) {
      expect(await search(`q=${q}`, 200)).toEqual({ data: [], meta: { pagination: { page: 1, pageSize: 10, total: 0 }, search: { fallback, totalIsExact: true } } });
    }
  });

  test('type narrows the answer: one type, a comma-separated list, or the parameter repeated', async () => {
    const people = await search('q=Putin&type=person', 200);
    expect(slugs(people)).toEqual(['person:vladimir-putin']);
    const all = await search('q=Putin', 200);
    const commaSeparated = await search('q=Putin&type=article,event', 200);
    expect(commaSeparated.data.length).toBeGreaterThan(0);
    expect(slugs(commaSeparated)).toEqual(slugs(all).filter((slug) => !slug.startsWith('person:')));
    expect(await search('q=Putin&type=article&type=event', 200)).toEqual(commaSeparated);
  });

  test('pages: page 2 continues page 1, and the total is the same on each', async () => {
    const all = await search('q=Putin&pagination[pageSize]=100', 200);
    expect(all.meta.pagination.total).toBe(all.data.length);
    expect(all.data.length).toBeGreaterThan(2);
    const first = await search('q=Putin&pagination[page]=1&pagination[pageSize]=2', 200);
    const second = await search('q=Putin&pagination[page]=2&pagination[pageSize]=2', 200);
    expect(second.meta.pagination).toEqual({ page: 2, pageSize: 2, total: all.data.length });
    expect([...first.data, ...second.data]).toEqual(all.data.slice(0, 4));
  });

  test('bad input is a 400 naming the parameter, in the contract\'s error shape', async () => {
    const tooLong = 'a'.repeat(201);
    for (const [query, message] of [
      ['type=person', /q is required/],
      ['q=', /q must not be empty/],
      [`q=${tooLong}`, /q may be at most 200 characters long; got 201/],
      ['q=Putin&type=podcast', /type has "podcast", which is not a searchable type/],
      ['q=Putin&type=person,', /type has an empty entry/],
      ['q=Putin&pagination[pageSize]=101', /pagination\[pageSize\] must be an integer from 1 to 100; got 101/],
      ['q=Putin&pagination[start]=0&pagination[limit]=10', /search does not take; it pages with pagination\[page\] and pagination\[pageSize\]/],
      ['q=Putin&sort=title', /"sort", which is not a search parameter/],
    ] as Array<[string, RegExp]>) {
      const error = await refusal(query, 400);
      expect({ query, status: error.status, message: error.message }).toEqual({ query, status: 400, message: expect.stringMatching(message) });
    }
    // At the limit, a query is searched.
    expect((await search(`q=${'a'.repeat(200)}`, 200)).data).toEqual([]);
  });

  test('drafts: found with an API token and status=draft; refused without one (403) and with a bad token (401)', async () => {
    const auth = { Authorization: `Bearer ${suite.token}` };
    const created = await suite.app.http().post('/api/articles?status=draft').set(auth).send({
      data: { title: 'Contract search draft on the quelvaris accord', publishedDate: '2026-01-03', body: [{ type: 'paragraph', children: [{ type: 'text', text: 'The quelvaris accord, not signed yet.' }] }] },
    });
    const draft = expectContract('post', '/api/articles', created, 201);
    try {
      const found = await search('q=quelvaris&status=draft', 200, suite.token);
      expect(found.data.map((hit) => [hit.type, hit.documentId, hit.title])).toEqual([['article', draft.data.documentId, 'Contract search draft on the quelvaris accord']]);
      expect(found.data[0].snippet).toContain('<mark>quelvaris</mark> accord');
      expect((await search('q=quelvaris', 200, suite.token)).data).toEqual([]);
      expect((await search('q=quelvaris', 200)).data).toEqual([]);
      expect((await refusal('q=quelvaris&status=draft', 403)).message).toMatch(/Drafts can only be read with an API token/);
      expect((await refusal('q=quelvaris&status=maybe', 400, suite.token)).message).toMatch(/status must be 'published' or 'draft'/);
      await refusal('q=quelvaris', 401, 'not-a-real-token');
    } finally {
      expectContract('delete', '/api/articles/{documentId}', await suite.app.http().delete(`/api/articles/${draft.data.documentId as string}`).set(auth), 204);
    }
  });
});
