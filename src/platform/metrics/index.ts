import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The process's Prometheus metrics. Each concern counts its own events here
 * (requests, cache lookups, rate-limit refusals, invalidation lag); `GET
 * /metrics` (src/platform) serves the registry as Prometheus text.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'news_cms_' });

/** What the database pool holds; set by src/platform once Strapi's pool exists, read on every scrape. */
type PoolSource = () => { used: number; free: number; pending: number; max: number } | null;
let poolSource: PoolSource | undefined;
export function measurePoolWith(source: PoolSource): void {
  poolSource = source;
}

/** What the response cache holds; set by src/response-cache when it is on, read on every scrape. */
type ResponseCacheSource = () => { entries: number; bytes: number };
let responseCacheSource: ResponseCacheSource | undefined;
export function measureResponseCacheWith(source: ResponseCacheSource): void {
  responseCacheSource = source;
}

export const metrics = {
  /** Every answered HTTP request, by route pattern (not raw path: bounded labels) and status. */
  requests: new Counter({
    name: 'news_cms_http_requests_total',
    help: 'HTTP requests answered, by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [metricsRegistry],
  }),
  requestDuration: new Histogram({
    name: 'news_cms_http_request_duration_seconds',
    help: 'Time from a request arriving to its answer, by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [metricsRegistry],
  }),
  /** Response-cache lookups: hit, coalesced (answered by an identical read's computation), miss or bypass. */
  cacheLookups: new Counter({
    name: 'news_cms_response_cache_lookups_total',
    help: 'Response cache lookups, by result (hit, coalesced, miss, bypass)',
    labelNames: ['result'] as const,
    registers: [metricsRegistry],
  }),
  /** Reads waiting for an identical read's computation (src/performance/response-cache/single-flight.ts). */
  cacheCoalescedWaiting: new Gauge({
    name: 'news_cms_response_cache_coalesced_waiting',
    help: "Reads waiting for an identical read's computation instead of computing their own",
    registers: [metricsRegistry],
  }),
  /** Answers another worker computed and handed over (src/performance/response-cache/peer-answers.ts): stored here, or refused by the store's check. */
  cachePeerAnswers: new Counter({
    name: 'news_cms_response_cache_peer_answers_total',
    help: "Answers handed over by another worker of this machine, by whether this worker's store took them",
    labelNames: ['result'] as const,
    registers: [metricsRegistry],
  }),
  /**
   * The hits above that the HTTP server answered itself, before Koa (src/response-cache/fast-path.ts).
   * Hits minus these are the Koa middleware's: with public reads, a share that falls to zero means the
   * fast path is not answering.
   */
  cacheFastPathHits: new Counter({
    name: 'news_cms_response_cache_fast_path_hits_total',
    help: 'Response cache hits answered by the HTTP server before Koa (also counted as lookups with result hit)',
    registers: [metricsRegistry],
  }),
  /** Entries the response cache holds, and the bytes they are accounted (body, headers and key), collected when scraped. */
  cacheEntries: new Gauge({
    name: 'news_cms_response_cache_entries',
    help: 'Answers held by the response cache',
    registers: [metricsRegistry],
    collect() {
      const held = responseCacheSource?.();
      if (held) this.set(held.entries);
    },
  }),
  cacheBytes: new Gauge({
    name: 'news_cms_response_cache_bytes',
    help: 'Bytes of the answers held by the response cache (bodies, headers and keys), bounded by RESPONSE_CACHE_MAX_MB',
    registers: [metricsRegistry],
    collect() {
      const held = responseCacheSource?.();
      if (held) this.set(held.bytes);
    },
  }),
  /** Requests refused with a 429, by the budget that refused them. */
  rateLimitRefusals: new Counter({
    name: 'news_cms_rate_limit_refusals_total',
    help: 'Requests refused with 429, by budget',
    labelNames: ['budget'] as const,
    registers: [metricsRegistry],
  }),
  /** From a write's announcement to every live peer's confirmation. */
  invalidationLag: new Histogram({
    name: 'news_cms_invalidation_lag_seconds',
    help: 'Time from announcing a cache invalidation to every peer confirming it',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2],
    registers: [metricsRegistry],
  }),
  /** Times the response cache stopped serving hits because its own heartbeat did not come back in time. */
  cacheFences: new Counter({
    name: 'news_cms_response_cache_fences_total',
    help: 'Times the response cache fenced itself (served no hits) for not hearing its own heartbeat on the invalidation channel',
    registers: [metricsRegistry],
  }),
  /** Time spent fenced, added when the channel is proven again. */
  cacheFencedSeconds: new Counter({
    name: 'news_cms_response_cache_fenced_seconds_total',
    help: 'Seconds the response cache spent fenced, counted when its channel was proven again',
    registers: [metricsRegistry],
  }),
  /**
   * CDN purges (src/performance/cdn-purge), by target (varnish, webhook) and result: `ok`, or `failed`
   * once a purge's retries are spent (a write's purge, or a background ban of everything after one).
   */
  cdnPurges: new Counter({
    name: 'news_cms_cdn_purges_total',
    help: 'CDN purges, by target (varnish, webhook) and result (ok, or failed once its retries were spent)',
    labelNames: ['target', 'result'] as const,
    registers: [metricsRegistry],
  }),
  /** 1 while a CDN owes a ban of everything: a purge failed and it has not taken one since. */
  cdnPurgeOwed: new Gauge({
    name: 'news_cms_cdn_purge_owed',
    help: 'Processes whose CDN target owes a ban of everything (a purge failed and none has got through since): it may serve answers older than an acknowledged write',
    labelNames: ['target'] as const,
    registers: [metricsRegistry],
  }),
  /** Database connection pool use, collected when scraped: used, free, pending (waiting requests), max. */
  databasePool: new Gauge({
    name: 'news_cms_database_pool_connections',
    help: 'Database pool connections by state (used, free, pending requests, max)',
    labelNames: ['state'] as const,
    registers: [metricsRegistry],
    collect() {
      const use = poolSource?.();
      if (!use) return;
      this.set({ state: 'used' }, use.used);
      this.set({ state: 'free' }, use.free);
      this.set({ state: 'pending' }, use.pending);
      this.set({ state: 'max' }, use.max);
    },
  }),
  /** Requests answered 503 because the database was unreachable, restarting or blocked. */
  databaseFaults: new Counter({
    name: 'news_cms_database_faults_total',
    help: 'Requests answered 503 because of a database fault, by cause',
    labelNames: ['cause'] as const,
    registers: [metricsRegistry],
  }),
};
