import { createStrapi } from '@strapi/strapi';
import request from 'supertest';
import { APP_ROOT, DIST_DIR } from '../helpers/paths';
import { bootStrapi, createApiToken, stopStrapi, type TestApp } from '../helpers/strapi';

/**
 * Public cache hits are answered by the HTTP server's fast path (src/performance/response-cache/fast-path.ts),
 * before Koa. The Koa middleware answers the same hits with the same `X-Cache: HIT`, so the test
 * reads which layer answered from the metrics: every hit is counted in
 * `news_cms_response_cache_lookups_total{result="hit"}`, the fast path's also in
 * `news_cms_response_cache_fast_path_hits_total`. A fast path that cannot install stops the start.
 */

interface HitLayers {
  /** Answers with `X-Cache: HIT`. */
  hits: number;
  answeredByFastPath: number;
  answeredByKoa: number;
}

const counter = (text: string, pattern: RegExp): number => Number(pattern.exec(text)?.[1] ?? 0);

async function hitCounts(app: TestApp): Promise<{ hits: number; fastPathHits: number }> {
  const text = (await app.http().get('/metrics').expect(200)).text;
  return {
    hits: counter(text, /^news_cms_response_cache_lookups_total\{result="hit"\} (\d+)$/m),
    fastPathHits: counter(text, /^news_cms_response_cache_fast_path_hits_total (\d+)$/m),
  };
}

const REPEATS = 3;

/**
 * Reads a REST list, a REST document, a HEAD and a GraphQL query once to fill their entries, then
 * each of them REPEATS times more, and tells which layer answered those hits.
 */
async function repeatedReads(app: TestApp, headers: Record<string, string> = {}): Promise<HitLayers> {
  const run = Math.random().toString(36).slice(2);
  const article = (await app.http().get('/api/articles?fields[0]=title&pagination[pageSize]=1').expect(200)).body.data[0] as { documentId: string };
  const reads = [
    () => app.http().get(`/api/articles?fields[0]=title&filters[slug][$ne]=${run}`).set(headers),
    () => app.http().get(`/api/articles/${article.documentId}?fields[0]=slug`).set(headers),
    () => app.http().head(`/api/people?sort=name:asc&filters[slug][$ne]=${run}`).set(headers),
    () =>
      app
        .http()
        .post('/graphql')
        .set('Content-Type', 'application/json')
        .set(headers)
        .send({ query: `{ events(filters: { slug: { ne: "${run}" } }) { title } }` }),
  ];
  for (const read of reads) expect((await read()).status).toBe(200);
  const before = await hitCounts(app);
  let hits = 0;
  for (let round = 0; round < REPEATS; round += 1) {
    for (const read of reads) {
      const response = await read();
      expect(response.status).toBe(200);
      if (response.headers['x-cache'] === 'HIT') hits += 1;
    }
  }
  const after = await hitCounts(app);
  const answeredByFastPath = after.fastPathHits - before.fastPathHits;
  return { hits, answeredByFastPath, answeredByKoa: after.hits - before.hits - answeredByFastPath };
}

const HIT_COUNT = 4 * REPEATS;

describe('with the fast path on (the default)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await bootStrapi();
  });
  afterAll(() => stopStrapi(app));

  it('answers every repeated public read, REST and GraphQL, before Koa', async () => {
    expect(await repeatedReads(app)).toEqual({ hits: HIT_COUNT, answeredByFastPath: HIT_COUNT, answeredByKoa: 0 });
  });

  it('leaves reads with a token to the Koa middleware (so the counts do tell the layers apart)', async () => {
    const token = await createApiToken(app.strapi, 'read-only');
    expect(await repeatedReads(app, { Authorization: `Bearer ${token}` })).toEqual({ hits: HIT_COUNT, answeredByFastPath: 0, answeredByKoa: HIT_COUNT });
  });
});

describe('with the fast path forced off (RESPONSE_CACHE_FAST_PATH=false)', () => {
  let app: TestApp;
  beforeAll(async () => {
    process.env.RESPONSE_CACHE_FAST_PATH = 'false';
    app = await bootStrapi();
  });
  afterAll(async () => {
    await stopStrapi(app);
    delete process.env.RESPONSE_CACHE_FAST_PATH;
  });

  it('the same reads are still hits, and the check above notices that Koa answered them', async () => {
    const layers = await repeatedReads(app);
    expect(layers).toEqual({ hits: HIT_COUNT, answeredByFastPath: 0, answeredByKoa: HIT_COUNT });
    expect(layers).not.toEqual({ hits: HIT_COUNT, answeredByFastPath: HIT_COUNT, answeredByKoa: 0 });
  });
});

describe('a fast path that cannot install', () => {
  /**
   * Strapi 5.54 creates its HTTP server with Koa's listener before `register`; a version that
   * attaches it later (or adds another) leaves the fast path nothing certain to wrap. Here the
   * listener is taken off before the start, which is what the fast path would then find.
   */
  const startWithoutRequestListener = async () => {
    const strapi = createStrapi({ appDir: APP_ROOT, distDir: DIST_DIR, autoReload: false, serveAdminPanel: false });
    strapi.server.httpServer.removeAllListeners('request');
    try {
      await strapi.load();
    } finally {
      await stopStrapi({ strapi, http: () => request(strapi.server.httpServer) });
    }
  };

  it('stops the start with an error that says why and names the switch to run without it', async () => {
    await expect(startWithoutRequestListener()).rejects.toThrow(
      /fast path cannot install: .*the HTTP server has 0 'request' listeners.*RESPONSE_CACHE_FAST_PATH=false/s,
    );
  });

  it('lets the start go on when RESPONSE_CACHE_FAST_PATH=false says to run without it', async () => {
    process.env.RESPONSE_CACHE_FAST_PATH = 'false';
    try {
      await expect(startWithoutRequestListener()).resolves.toBeUndefined();
    } finally {
      delete process.env.RESPONSE_CACHE_FAST_PATH;
    }
  });
});
