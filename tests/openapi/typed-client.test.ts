import createClient from 'openapi-fetch';
import qs from 'qs';
import type { paths } from '../../openapi/openapi';
import { startServer, stopServer, type Server } from '../helpers/serve';

/**
 * A frontend's view: a client typed by openapi-typescript from openapi/openapi.json
 * (openapi/openapi.d.ts) and openapi-fetch, against the app served on a real port.
 * Strapi reads nested query objects in qs's bracket form, so the client serializes its
 * query with qs, as Strapi's own client does. The compiler checks the paths, parameters
 * and fields used here (`npm run typecheck`); the run checks the answers behind them.
 */
let server: Server;
let client: ReturnType<typeof createClient<paths>>;

beforeAll(async () => {
  server = await startServer(process.env.DATABASE_URL as string, 1);
  client = createClient<paths>({
    baseUrl: server.baseUrl,
    querySerializer: (query) => qs.stringify(query, { encodeValuesOnly: true }),
  });
}, 180_000);

afterAll(() => stopServer(server), 60_000);

test('lists articles with their people, typed', async () => {
  const { data, error, response } = await client.GET('/api/articles', {
    params: { query: { filters: { slug: { $eq: 'iran-russia-ict-cooperation' } }, populate: ['people', 'events'], sort: 'publishedDate:desc' } },
  });
  expect(error).toBeUndefined();
  expect(response.status).toBe(200);
  const article = data?.data[0];
  expect(article?.title).toBe('Iran and Russia expand cooperation in communication and information technology');
  const names = (article?.people ?? []).map((person) => person.name).sort();
  expect(names).toContain('Issa Zarepour');
  expect(data?.meta.pagination).toMatchObject({ page: 1, total: 1 });
});

test('reads one event by documentId with its participants, typed, and a person by slug with chosen fields', async () => {
  const list = await client.GET('/api/events', {
    params: { query: { filters: { participants: { slug: { $eq: 'vladimir-putin' } } }, sort: ['startDate:asc'] } },
  });
  const first = list.data?.data[0];
  expect(first?.documentId).toEqual(expect.any(String));
  const one = await client.GET('/api/events/{documentId}', {
    params: { path: { documentId: first?.documentId ?? '' }, query: { populate: { participants: { fields: ['name'] } } } },
  });
  expect(one.data?.data.title).toBe(first?.title);
  expect((one.data?.data.participants ?? []).map((person) => person.name)).toContain('Vladimir Putin');

  const person = await client.GET('/api/people', {
    params: { query: { filters: { slug: { $eq: 'vladimir-putin' } }, fields: ['name', 'country'] } },
  });
  expect(person.data?.data).toEqual([expect.objectContaining({ name: 'Vladimir Putin', documentId: expect.any(String) })]);
  expect(Object.keys(person.data?.data[0] ?? {}).sort()).toEqual(['country', 'documentId', 'id', 'name']);
});

test('searches, typed: the hits, their snippets and the search meta; q is required by the compiler', async () => {
  const { data, error, response } = await client.GET('/api/search', {
    params: { query: { q: 'Zarepour', type: ['person', 'article'], pagination: { page: 1, pageSize: 5 } } },
  });
  expect(error).toBeUndefined();
  expect(response.status).toBe(200);
  const hits = data?.data ?? [];
  expect(hits.map((hit) => `${hit.type}:${hit.slug}`).sort()).toEqual(['article:iran-russia-ict-cooperation', 'person:issa-zarepour']);
  expect(hits.find((hit) => hit.type === 'person')?.title).toBe('Issa Zarepour');
  expect(hits.find((hit) => hit.type === 'article')?.snippet).toContain('<mark>Zarepour</mark>');
  expect(data?.meta).toEqual({ pagination: { page: 1, pageSize: 5, total: 2 }, search: { fallback: false, totalIsExact: true } });

  // @ts-expect-error the contract makes q required, so leaving it out does not compile; the server refuses it too
  const missing = await client.GET('/api/search', { params: { query: { type: 'person' } } });
  expect(missing.response.status).toBe(400);
  expect(missing.error?.error.message).toContain('q is required');
});

test('errors come back typed as the contract error shape', async () => {
  const notFound = await client.GET('/api/people/{documentId}', { params: { path: { documentId: 'abcdefghijklmnopqrstuvwx' } } });
  expect(notFound.response.status).toBe(404);
  expect(notFound.error?.error).toMatchObject({ status: 404, name: 'NotFoundError' });

  const badFilter = await client.GET('/api/articles', { params: { query: { filters: { nope: { $eq: 1 } } } } });
  expect(badFilter.response.status).toBe(400);
  expect(badFilter.error?.error.message).toContain('nope');

  const write = await client.POST('/api/people', { body: { data: { name: 'No token' } } });
  expect(write.response.status).toBe(403);
  expect(write.error?.error.status).toBe(403);
});
