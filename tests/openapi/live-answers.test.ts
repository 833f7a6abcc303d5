import fs from 'node:fs';
import path from 'node:path';
import { contractChecker, readContract } from '../helpers/openapi-contract';
import { APP_ROOT } from '../helpers/paths';
import { useStrapi } from '../helpers/strapi';

/**
 * Live answers of the seeded content, through Strapi's real HTTP stack, are what the
 * committed contract says they are: lists, one entry, populated relations, chosen
 * fields, both kinds of paging, writes, and the errors (400, 401, 403, 404).
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

test('the contract has an operation for every content-API route of the content types and the other endpoints, and no other', () => {
  const routes = Object.values(suite.app.strapi.apis).flatMap((api) =>
    Object.values((api as { routes: Record<string, { type?: string; routes: Array<{ method: string; path: string }> }> }).routes).flatMap((router) =>
      router.routes.map((route) => `${route.method.toLowerCase()} /api${route.path.replace(':id', '{documentId}')}`),
    ),
  );
  // Content-API routes outside the content types (scripts/openapi/other-endpoints.js).
  const otherRoutes = ['get /api/webhook-deliveries'];
  const documented = Object.entries(contract.paths).flatMap(([pathTemplate, item]) =>
    Object.keys(item).filter((key) => key !== 'parameters').map((method) => `${method} ${pathTemplate}`),
  );
  expect(routes.length).toBe(15);
  expect([...documented].sort()).toEqual([...routes, ...otherRoutes].sort());
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
