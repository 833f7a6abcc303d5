import { GRAPHQL_DEPTH_LIMIT, PAGE_SIZE } from '../../src/limits/page-sizes';
import { bootStrapi, createApiToken, graphql, stopStrapi, type TestApp } from '../helpers/strapi';

let app: TestApp;
let token: string;
const PREFIX = `limits-${Date.now()}`;
const EXTRA = 30;
const created: string[] = [];

beforeAll(async () => {
  app = await bootStrapi();
  token = await createApiToken(app.strapi);
  for (let i = 0; i < EXTRA; i += 1) {
    const response = await app
      .http()
      .post('/api/events')
      .set('Authorization', `Bearer ${token}`)
      .send({ data: { title: `Limit event ${i}`, slug: `${PREFIX}-${String(i).padStart(2, '0')}`, startDate: '2000-01-01' } })
      .expect(201);
    created.push(response.body.data.documentId);
  }
});

afterAll(async () => {
  for (const documentId of created) {
    await app.http().delete(`/api/events/${documentId}`).set('Authorization', `Bearer ${token}`);
  }
  await stopStrapi(app);
});

const ours = { slug: { $startsWith: PREFIX } };

describe('REST page sizes', () => {
  it(`pages by ${PAGE_SIZE.default} when no size is asked for, and counts the total`, async () => {
    const response = await app.http().get('/api/events').query({ filters: ours, sort: 'slug:asc' }).expect(200);
    expect(response.body.data).toHaveLength(PAGE_SIZE.default);
    expect(response.body.meta.pagination).toEqual({ page: 1, pageSize: PAGE_SIZE.default, pageCount: 2, total: EXTRA });
    const second = await app.http().get('/api/events').query({ filters: ours, sort: 'slug:asc', pagination: { page: 2 } }).expect(200);
    expect(second.body.data.map((event: { slug: string }) => event.slug)).toEqual(
      Array.from({ length: EXTRA - PAGE_SIZE.default }, (_, i) => `${PREFIX}-${String(PAGE_SIZE.default + i).padStart(2, '0')}`),
    );
  });

  it(`serves pages of up to ${PAGE_SIZE.max}`, async () => {
    const response = await app.http().get('/api/events').query({ filters: ours, pagination: { pageSize: PAGE_SIZE.max } }).expect(200);
    expect(response.body.data).toHaveLength(EXTRA);
    expect(response.body.meta.pagination.pageSize).toBe(PAGE_SIZE.max);
    const offset = await app.http().get('/api/events').query({ filters: ours, pagination: { start: 28, limit: PAGE_SIZE.max } }).expect(200);
    expect(offset.body.data).toHaveLength(2);
  });

  it.each([
    [{ pageSize: PAGE_SIZE.max + 1 }, `pagination[pageSize] must be an integer from 1 to ${PAGE_SIZE.max}; got ${PAGE_SIZE.max + 1}`],
    [{ limit: 1000 }, `pagination[limit] must be an integer from 1 to ${PAGE_SIZE.max}; got 1000`],
    [{ limit: -1 }, `pagination[limit] must be an integer from 1 to ${PAGE_SIZE.max}; got -1`],
  ])('refuses %j with a 400 instead of quietly cutting the page', async (pagination, message) => {
    const response = await app.http().get('/api/events').query({ pagination }).expect(400);
    expect(response.body.error).toMatchObject({ status: 400, name: 'ValidationError', message });
  });
});

describe('GraphQL limits', () => {
  it(`pages by ${PAGE_SIZE.default} by default and up to ${PAGE_SIZE.max} when asked`, async () => {
    const query = 'query ($p: PaginationArg) { events(filters: { slug: { startsWith: "' + PREFIX + '" } }, pagination: $p) { slug } }';
    const byDefault = await graphql<{ events: unknown[] }>(app, query);
    expect(byDefault.data?.events).toHaveLength(PAGE_SIZE.default);
    const max = await graphql<{ events: unknown[] }>(app, query, { p: { limit: PAGE_SIZE.max } });
    expect(max.data?.events).toHaveLength(EXTRA);
  });

  it.each([
    ['root', `{ events(pagination: { limit: ${PAGE_SIZE.max + 1} }) { slug } }`, `pagination.limit must be an integer from 1 to ${PAGE_SIZE.max}; got ${PAGE_SIZE.max + 1}`],
    ['connection', `{ events_connection(pagination: { pageSize: 500 }) { pageInfo { total } } }`, `pagination.pageSize must be an integer from 1 to ${PAGE_SIZE.max}; got 500`],
    ['relation', `{ events { participants(pagination: { limit: -1 }) { name } } }`, `pagination.limit must be an integer from 1 to ${PAGE_SIZE.max}; got -1`],
  ])('refuses an oversize page on a %s field with a 400', async (_kind, query, message) => {
    const result = await graphql(app, query);
    expect(result.status).toBe(400);
    expect(result.errors?.[0]).toMatchObject({ message, extensions: { code: 'BAD_USER_INPUT' } });
  });

  /** A query nesting `depth` fields: articles → people → articles → … */
  const nested = (depth: number) => {
    const fields = Array.from({ length: depth - 1 }, (_, i) => (i % 2 === 0 ? 'people' : 'articles'));
    return `{ articles ${fields.map((field) => `{ ${field} `).join('')}{ documentId }${' }'.repeat(fields.length)} }`;
  };

  it(`answers a query ${GRAPHQL_DEPTH_LIMIT} levels deep`, async () => {
    const result = await graphql(app, nested(GRAPHQL_DEPTH_LIMIT));
    expect(result.status).toBe(200);
    expect(result.errors).toBeUndefined();
  });

  it(`refuses a query ${GRAPHQL_DEPTH_LIMIT + 1} levels deep with a 400 naming the limit`, async () => {
    const result = await graphql(app, nested(GRAPHQL_DEPTH_LIMIT + 1));
    expect(result.status).toBe(400);
    expect(result.errors?.[0].message).toContain(`exceeds maximum operation depth of ${GRAPHQL_DEPTH_LIMIT}`);
    expect(result.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
