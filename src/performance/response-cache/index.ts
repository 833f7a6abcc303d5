import type { Core } from '@strapi/strapi';
import type { ClientConfig } from 'pg';
import { readCorsPolicy } from '../../access/cors';
import { measureResponseCacheWith } from '../../platform/metrics';
import { isFastPathEnabled, isResponseCacheEnabled, isPeerAnswersEnabled, readMilliseconds, readPositiveInteger } from '../../platform/settings';
import { createCdnPurger, publicCacheControl, type CdnPurger } from '../cdn-purge';
import { guardPatch, notePatchOff } from '../registry/guard';
import { PATCHES } from '../registry/patches';
import { DependencyMap } from './dependencies';
import { GraphqlReads } from './graphql-reads';
import { DEFAULT_FENCE_MS, InvalidationBus, MAX_FENCE_MS, MIN_FENCE_MS } from './invalidation-bus';
import { installFastPath, type FastPathOptions } from './fast-path';
import { createCacheMiddleware } from './middleware';
import { PeerAnswers } from './peer-answers';
import { ReadTags } from './read-tags';
import { RawRequestAliases } from './request-keys';
import { ResponseStore } from './store';
import { watchWrites } from './write-watcher';

/**
 * An in-memory cache of public and API-token reads (REST `GET /api/*` and
 * GraphQL queries) that is never stale: every write drops the answers it can
 * change, and only those, on every process, before the write is acknowledged
 * (tags.ts: an editor's draft saves leave public answers alone; a publish drops
 * the answers showing the document, the lists it can enter or leave, and the
 * answers showing documents related to it). Identical misses are computed once
 * (single-flight.ts), once for all the workers of a machine (peer-answers.ts).
 * Answers carry a strong ETag (304 on If-None-Match), a configurable
 * Cache-Control, `Cache-Tag` naming the tags a CDN can purge them by, and
 * `X-Cache: HIT | MISS | BYPASS`.
 *
 * RESPONSE_CACHE=false or STOCK_STRAPI=true turns it off; RESPONSE_CACHE_MAX_MB
 * bounds its memory (LRU); CACHE_CONTROL sets what public answers tell browsers
 * and CDNs; RESPONSE_CACHE_FAST_PATH=false runs it without its fast path;
 * RESPONSE_CACHE_PEER_ANSWERS=false has each worker of `npm start` compute its own misses
 * instead of handing its answers to the others (peer-answers.ts); RESPONSE_CACHE_FENCE_MS is how long a process may go without hearing
 * its own heartbeat on the invalidation channel before it stops serving cached
 * answers (invalidation-bus.ts explains why that keeps every process exact).
 * PURGE_VARNISH_URL / PURGE_WEBHOOK_URL purge a CDN of the same tags on every
 * invalidation (src/performance/cdn-purge).
 */

let bus: InvalidationBus | undefined;
let cdnPurger: CdnPurger | undefined;

/** In `register`: the middleware goes first in the chain, and writes are watched from the start. */
export function registerResponseCache(strapi: Core.Strapi): void {
  if (!isResponseCacheEnabled()) return;
  const store = new ResponseStore(readPositiveInteger('RESPONSE_CACHE_MAX_MB', 64) * 1024 * 1024);
  const dependencies = new DependencyMap(strapi);
  // The listening connection uses the same server and TLS settings as Strapi's pool (config/database.ts).
  const connection = strapi.config.get('database.connection.connection') as Pick<ClientConfig, 'connectionString' | 'ssl'>;
  bus = new InvalidationBus({
    connection: {
      connectionString: connection.connectionString,
      ssl: connection.ssl,
      // Names the connection in pg_stat_activity, so an operator (or a test) can find each process's listener.
      application_name: `news_cms_cache_listener pid=${process.pid}`,
    },
    notify: (channel, payload) => strapi.db.connection.raw('SELECT pg_notify(?, ?)', [channel, payload]),
    onInvalidate: (tags) => store.invalidate(tags),
    fenceMs: readFenceMs(),
    log: strapi.log,
  });
  cdnPurger = createCdnPurger(strapi);
  watchWrites(strapi, store, bus, dependencies, cdnPurger);
  measureResponseCacheWith(() => ({ entries: store.size, bytes: store.bytes }));

  const aliases = new RawRequestAliases();
  const busOfThisProcess = bus;
  const peers = isPeerAnswersEnabled() ? PeerAnswers.ofClusterWorker(store, aliases, () => busOfThisProcess.ready) : undefined;
  const shared = {
    store,
    bus,
    aliases,
    // The policy strapi::cors answers with (src/access/cors reads the same CORS_ORIGINS): keys hold its decision.
    cors: readCorsPolicy(),
    restPrefix: strapi.config.get<string>('api.rest.prefix', '/api'),
    graphqlPath: strapi.config.get<string>('plugin::graphql.endpoint', '/graphql'),
    publicCacheControl: publicCacheControl(cdnPurger !== undefined),
  };
  strapi.server.use(
    createCacheMiddleware({ ...shared, peers, strapi, dependencies, readTags: new ReadTags(dependencies), graphqlReads: new GraphqlReads(strapi, dependencies) }),
  );
  installRequiredFastPath(strapi, shared);
}

/**
 * The fast path answers most public hits (on a news site, most requests) without Koa; the Koa
 * middleware answers the same hits correctly, but at a fraction of the rate, so a server that
 * lost its fast path (another Strapi version creating its HTTP server differently) would still
 * pass every functional check while serving a fraction of its capacity. That is not a choice to
 * make silently, nor one to make for the operator: a fast path that cannot install stops the
 * start with an error saying why, and RESPONSE_CACHE_FAST_PATH=false is the operator's explicit
 * "run without it" (logged at every start). On another Strapi version the registry keeps it off
 * with a warning, as every performance patch; a changed server shape refuses the start.
 */
function installRequiredFastPath(strapi: Core.Strapi, options: FastPathOptions): void {
  if (!isFastPathEnabled()) {
    strapi.log.warn('Response cache: the fast path is off (RESPONSE_CACHE_FAST_PATH=false); every hit is answered by the Koa middleware');
    notePatchOff(strapi, PATCHES.cacheFastPath, 'RESPONSE_CACHE_FAST_PATH=false');
    return;
  }
  try {
    if (guardPatch(strapi, PATCHES.cacheFastPath, strapi.server.httpServer)) installFastPath(strapi.server.httpServer, options);
  } catch (error) {
    throw new Error(
      `The response cache's fast path cannot install: ${error instanceof Error ? error.message : String(error)}. ` +
        'Set RESPONSE_CACHE_FAST_PATH=false to run the cache without it (every hit through Koa), or RESPONSE_CACHE=false to run without the cache.',
    );
  }
}

/** RESPONSE_CACHE_FENCE_MS, refused at start outside the range where fencing works and writes do not stall. */
function readFenceMs(): number {
  const fenceMs = readMilliseconds('RESPONSE_CACHE_FENCE_MS', DEFAULT_FENCE_MS);
  if (fenceMs < MIN_FENCE_MS || fenceMs > MAX_FENCE_MS) {
    throw new Error(`RESPONSE_CACHE_FENCE_MS must be between ${MIN_FENCE_MS} and ${MAX_FENCE_MS} milliseconds, not ${fenceMs}`);
  }
  return fenceMs;
}

/**
 * In `bootstrap`: joins the other processes' invalidation channel and proves it carries this process's own
 * notifications back (a transaction-mode pooler does not: the start is refused); hits are served from then on.
 */
export async function startResponseCache(): Promise<void> {
  await bus?.start();
}

/** The invalidation channel, read-only, for readiness (src/platform/readiness). */
export function invalidationChannelState(): { enabled: boolean; listening: boolean; peers: number } {
  if (!bus) return { enabled: isResponseCacheEnabled(), listening: false, peers: 0 };
  return { enabled: true, listening: bus.ready, peers: bus.peerCount };
}

/** In `destroy`: confirms outstanding invalidations and leaves the channel. */
export async function stopResponseCache(): Promise<void> {
  await bus?.stop();
  bus = undefined;
  cdnPurger?.stop();
  cdnPurger = undefined;
}
