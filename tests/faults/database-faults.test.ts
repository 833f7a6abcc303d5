import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import request from 'supertest';
import { bootStrapi, createApiToken, stopStrapi, type TestApp } from '../helpers/strapi';
import { startOwnDatabase, type OwnDatabase } from '../helpers/own-database';

/**
 * Database trouble, on a PostgreSQL server of the suite's own: while it is down
 * or blocked every request that needs it answers 503 with Retry-After and an
 * error naming the cause (never 401 or 500), `/_ready` says so, and the app
 * recovers by itself. `/_ready` and `/metrics` themselves are checked here too.
 */
let db: OwnDatabase;
let app: TestApp;
let token: string;
let unique = 0;
/** A URL nobody asked for before: never answered from the response cache. */
const fresh = (path: string) => `${path}${path.includes('?') ? '&' : '?'}filters[slug][$ne]=fresh-${Date.now()}-${(unique += 1)}`;

beforeAll(async () => {
  db = await startOwnDatabase('news_cms_faults');
  process.env.DATABASE_URL = db.url;
  process.env.DATABASE_POOL_MAX = '4';
  delete process.env.METRICS_TOKEN;
  const booted = await bootStrapi();
  // Listening on a port of its own: supertest against a server that is not listening closes it after
  // each request, which waits for every other request in flight and would hide how long each one took.
  await new Promise<void>((resolve) => booted.strapi.server.httpServer.listen(0, '127.0.0.1', () => resolve()));
  const { port } = booted.strapi.server.httpServer.address() as AddressInfo;
  app = { ...booted, http: () => request(`http://127.0.0.1:${port}`) };
  token = await createApiToken(app.strapi);
}, 180_000);

afterAll(async () => {
  await stopStrapi(app);
  await db?.remove();
}, 60_000);

const expectServiceUnavailable = (response: { status: number; headers: Record<string, string>; body: unknown }, label: string) => {
  expect({ label, status: response.status }).toEqual({ label, status: 503 });
  expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
  const body = response.body as { error?: { name: string; message: string; details: { cause: string } } };
  expect(body.error?.name).toBe('ServiceUnavailableError');
  expect(body.error?.message).toMatch(/database/i);
  expect(JSON.stringify(body)).not.toMatch(/select |insert |ECONNREFUSED|127\.0\.0\.1|stack/i);
  return body.error?.details.cause;
};

describe('/_ready and /_health', () => {
  it('/_ready answers 200 with the database round trip, the pool and the invalidation channel', async () => {
    const response = await app.http().get('/_ready').expect(200);
    expect(response.body.status).toBe('ok');
    const { database, pool, invalidation } = response.body.checks;
    expect(database.status).toBe('ok');
    expect(typeof database.roundTripMs).toBe('number');
    expect(pool).toEqual(expect.objectContaining({ status: 'ok', max: 4 }));
    expect(pool.used + pool.free).toBeLessThanOrEqual(4);
    expect(pool.pending).toBe(0);
    expect(invalidation).toEqual(expect.objectContaining({ status: 'ok', listening: true }));
  });

  it('/_health stays a bare liveness answer', async () => {
    const response = await app.http().get('/_health');
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
  });

  it('neither /_ready nor /metrics goes through the response cache', async () => {
    for (const path of ['/_ready', '/_ready', '/metrics', '/metrics']) {
      const response = await app.http().get(path);
      expect(response.status).toBe(200);
      expect(response.headers['x-cache']).toBeUndefined();
      expect(response.headers['cache-control']).toBe('no-store');
    }
  });
});

describe('/metrics', () => {
  afterEach(() => {
    delete process.env.METRICS_TOKEN;
  });

  it('counts requests by route pattern and status, cache lookups and pool use', async () => {
    const one = await app.http().get('/api/articles?fields[0]=title').expect(200);
    expect(one.headers['x-cache']).toBe('MISS');
    await app.http().get('/api/articles?fields[0]=title').expect(200);
    await app.http().get('/api/no-such-thing').expect(404);
    const response = await app.http().get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    const text = response.text;
    expect(text).toMatch(/news_cms_http_requests_total\{method="GET",route="\/api\/articles",status="200"\} [2-9]/);
    expect(text).toMatch(/news_cms_http_requests_total\{method="GET",route="\(unmatched\)",status="404"\} [1-9]/);
    expect(text).toMatch(/news_cms_http_request_duration_seconds_bucket\{le="\+Inf",method="GET",route="\/api\/articles"\} [2-9]/);
    expect(text).toMatch(/news_cms_response_cache_lookups_total\{result="hit"\} [1-9]/);
    expect(text).toMatch(/news_cms_response_cache_lookups_total\{result="miss"\} [1-9]/);
    expect(text).toMatch(/news_cms_database_pool_connections\{state="max"\} 4/);
    // Raw URLs never become labels.
    expect(text).not.toContain('no-such-thing');
  });

  it('counts the invalidation lag of writes', async () => {
    await app.http().post('/api/people').set('Authorization', `Bearer ${token}`).send({ data: { name: 'Lag', slug: `lag-${Date.now()}` } }).expect(201);
    const text = (await app.http().get('/metrics').expect(200)).text;
    expect(text).toMatch(/news_cms_invalidation_lag_seconds_count [1-9]/);
  });

  it('without METRICS_TOKEN, refuses anything that is not a direct loopback request', async () => {
    const response = await app.http().get('/metrics').set('X-Forwarded-For', '203.0.113.9');
    expect(response.status).toBe(403);
    expect(response.body.error.name).toBe('ForbiddenError');
    expect(response.text).not.toContain('news_cms_');
  });

  it('with METRICS_TOKEN, answers only its bearer (401 without credentials, 403 with others)', async () => {
    process.env.METRICS_TOKEN = 'metrics-test-token-0123456789';
    const none = await app.http().get('/metrics');
    expect(none.status).toBe(401);
    expect(none.body.error.name).toBe('UnauthorizedError');
    const wrong = await app.http().get('/metrics').set('Authorization', 'Bearer not-the-token');
    expect(wrong.status).toBe(403);
    const apiToken = await app.http().get('/metrics').set('Authorization', `Bearer ${token}`);
    expect(apiToken.status).toBe(403);
    const right = await app.http().get('/metrics').set('Authorization', 'Bearer metrics-test-token-0123456789');
    expect(right.status).toBe(200);
    expect(right.text).toContain('news_cms_http_requests_total');
  });
});

describe('a table held by a lock', () => {
  it('answers 503 within ~6 s for requests that need it, keeps others working, and /_ready reports an exhausted pool', async () => {
    const locker = new Client({ connectionString: db.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE articles IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      const blocked = [0, 1].map(() =>
        app.http().get(fresh('/api/articles')).then((response) => ({ response, elapsed: Date.now() - started })),
      );
      await new Promise((resolve) => setTimeout(resolve, 500));

      // Two of the four connections are free: a request that does not need the table is answered.
      const people = await app.http().get(fresh('/api/people'));
      expect(people.status).toBe(200);
      expect(people.body.data.length).toBeGreaterThan(0);

      // More waiting requests than connections: the pool is exhausted and readiness says so.
      const queued = [0, 1, 2].map(() => app.http().get(fresh('/api/articles')).then((response) => response));
      await new Promise((resolve) => setTimeout(resolve, 700));
      const ready = await app.http().get('/_ready');
      expect(ready.status).toBe(503);
      expect(ready.body.status).toBe('unavailable');
      expect(ready.body.checks.pool).toEqual(expect.objectContaining({ status: 'failing', cause: 'pool_exhausted', used: 4, max: 4 }));
      expect(ready.body.checks.pool.pending).toBeGreaterThan(0);

      for (const { response, elapsed } of await Promise.all(blocked)) {
        expect(expectServiceUnavailable(response, 'blocked read')).toBe('statement_timeout');
        expect(elapsed).toBeLessThan(6_500);
      }
      for (const response of await Promise.all(queued)) {
        expect(['statement_timeout', 'pool_timeout']).toContain(expectServiceUnavailable(response, 'queued read'));
      }
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end();
    }
    const ready = await app.http().get('/_ready');
    expect(ready.status).toBe(200);
    await app.http().get(fresh('/api/articles')).expect(200);
  }, 60_000);
});

describe('a write whose COMMIT fails', () => {
  it('is not acknowledged: the transaction rejects, and nothing was written', async () => {
    const slug = `lost-commit-${Date.now()}`;
    const attempt = app.strapi.db.transaction(async ({ trx }) => {
      await trx.raw(`INSERT INTO people (document_id, name, slug, created_at, updated_at) VALUES (?, 'Lost', ?, now(), now())`, [slug, slug]);
      const { rows } = (await trx.raw('SELECT pg_backend_pid() AS pid')) as { rows: Array<{ pid: number }> };
      // The server ends this session between the INSERT and the COMMIT, as a restart does.
      await db.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      return 'acknowledged';
    });
    await expect(attempt).rejects.toThrow();
    expect(await db.query('SELECT slug FROM people WHERE slug = $1', [slug])).toEqual([]);
    // The pool replaces the ended connection.
    await app.http().get(fresh('/api/people')).expect(200);
  });
});

describe('the database down', () => {
  it('answers 503 naming the cause for every request that needs it, and recovers without a restart', async () => {
    const documentId = (await app.http().get('/api/articles?fields[0]=title').expect(200)).body.data[0].documentId as string;
    await db.stop();
    try {
      const requests: Array<[string, () => Promise<{ status: number; headers: Record<string, string>; body: unknown }>]> = [
        ['public list', () => app.http().get(fresh('/api/articles'))],
        ['public list, the URL read before', () => app.http().get('/api/articles?fields[0]=title')],
        ['public document', () => app.http().get(`/api/articles/${documentId}`)],
        ['public people', () => app.http().get(fresh('/api/people'))],
        ['token read', () => app.http().get(fresh('/api/articles')).set('Authorization', `Bearer ${token}`)],
        ['token write', () => app.http().post('/api/people').set('Authorization', `Bearer ${token}`).send({ data: { name: 'Down', slug: `down-${Date.now()}` } })],
        ['login', () => app.http().post('/api/auth/local').send({ identifier: 'someone@example.com', password: 'whatever-1' })],
      ];
      for (const [label, send] of requests) {
        const cause = expectServiceUnavailable(await send(), label);
        expect(['database_unreachable', 'database_restarting']).toContain(cause);
      }

      const graphql = await app.http().post('/graphql').set('Content-Type', 'application/json').send({ query: '{ articles { title } }' });
      expect(graphql.status).toBe(503);
      expect(graphql.headers['retry-after']).toBeDefined();
      expect(graphql.body.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
      expect(JSON.stringify(graphql.body)).not.toMatch(/select |ECONNREFUSED|stack/i);

      const ready = await app.http().get('/_ready');
      expect(ready.status).toBe(503);
      expect(ready.body.checks.database).toEqual(expect.objectContaining({ status: 'failing', cause: 'database_unreachable' }));
      await app.http().get('/_health').expect(204);
    } finally {
      await db.start();
    }
    const back = Date.now();
    let status = 0;
    while (Date.now() - back < 10_000) {
      status = (await app.http().get(fresh('/api/articles'))).status;
      if (status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(200);
    expect(Date.now() - back).toBeLessThan(5_000);
    await app.http().get('/_ready').expect(200);
    await app.http().post('/api/people').set('Authorization', `Bearer ${token}`).send({ data: { name: 'Up again', slug: `up-${Date.now()}` } }).expect(201);
  }, 60_000);
});
