import type { Core } from '@strapi/strapi';
import type { Context, Next } from 'koa';
import type { CorsPolicy } from '../../access/cors';
import type { DependencyMap } from './dependencies';
import type { GraphqlReads } from './graphql-reads';
import type { InvalidationBus } from './invalidation-bus';
import { principalOf } from './principal';
import {
  asGraphqlBody,
  bodyOf,
  queryKey,
  graphqlKey,
  hasReadBody,
  matchesIfNoneMatch,
  rawBodyOf,
  rawGraphqlRequest,
  restKey,
  variantOf,
  VARY_HEADERS,
  type RawRequestAliases,
} from './request-keys';
import { READ_HANDLERS } from '../../access/public-read';
import { withoutSharedFreshness } from '../cdn-purge/cache-control';
import { answerHeaders } from './answer-headers';
import { ReadTags, readsPublishedScope } from './read-tags';
import type { PeerAnswers, SharedAlias } from './peer-answers';
import { SingleFlights } from './single-flight';
import { machineClock, strongEtag, type CachedResponse, type ResponseStore } from './store';
import { metrics } from '../../platform/metrics';
import { noteRoute, routeLabel } from '../../platform/metrics/http';

export interface CacheMiddlewareOptions {
  strapi: Core.Strapi;
  store: ResponseStore;
  bus: InvalidationBus;
  readTags: ReadTags;
  graphqlReads: GraphqlReads;
  dependencies: DependencyMap;
  aliases: RawRequestAliases;
  /** The other workers of this machine, when there are any (peer-answers.ts). */
  peers?: PeerAnswers;
  /** The CORS policy in force: keys hold its decision for the request's Origin, not the Origin (request-keys.ts). */
  cors: CorsPolicy;
  restPrefix: string;
  graphqlPath: string;
  /** `Cache-Control` for public answers; answers to a token are always `private, no-cache`. */
  publicCacheControl: string;
}

/** A read the cache may answer: its key, and for GraphQL the tags it is stored under. */
interface Read {
  key: string;
  principal: string;
  variant: string;
  graphqlTags?: readonly string[];
  /** The raw request the fast path finds the key by, when it learnt one. */
  alias?: SharedAlias;
}

/**
 * A route of the content API outside the content types' own (search, say) opts into the cache
 * by saying, before it answers, which types its answer reads and in which status; it is then
 * tagged per type, and dropped by any write of those types in that scope.
 */
export interface DeclaredRead {
  types: readonly string[];
  status?: 'published' | 'draft';
}

/** Headers that belong to one exchange, not to the answer. */
const PER_EXCHANGE_HEADERS = new Set([
  'content-length', 'date', 'etag', 'cache-control', 'cache-tag', 'x-cache', 'x-sql-statements',
  'connection', 'keep-alive', 'transfer-encoding', 'set-cookie', 'x-response-time',
]);
/** REST handlers whose answers are cacheable reads. */
const READ_HANDLER = new RegExp(`^(api::[^.]+\\.[^.]+)\\.(${READ_HANDLERS.join('|')})$`);

export const PRIVATE_CACHE_CONTROL = 'private, no-cache';

/**
 * The response cache in Strapi's middleware chain, first of all. Hits are
 * answered before any other middleware runs, with the headers (security, CORS)
 * the full chain set on the stored answer; most public hits never get here,
 * they are answered even earlier by the HTTP server (fast-path.ts). Misses go
 * through Strapi unchanged and are stored when they are reads of content (see
 * `storable`). Every other request passes through, and is answered only after
 * the invalidations its writes caused have reached every process.
 */
export function createCacheMiddleware(options: CacheMiddlewareOptions) {
  const { strapi, store, bus, readTags, graphqlReads, aliases, peers, dependencies } = options;
  const flights = new SingleFlights(store);
  const unstoredPublicCacheControl = withoutSharedFreshness(options.publicCacheControl);

  const describeRead = async (ctx: Context): Promise<Read | null | 'answered'> => {
    const isRestRead = (ctx.method === 'GET' || ctx.method === 'HEAD') && ctx.path.startsWith(`${options.restPrefix}/`);
    const isGraphqlPost =
      ctx.method === 'POST' && ctx.path === options.graphqlPath && (ctx.is('application/json') === 'application/json' || hasReadBody(ctx.req));
    if (!isRestRead && !isGraphqlPost) return null;

    const principal = await principalOf(strapi, ctx.get('authorization') || undefined);
    if (principal === null) return null;
    // The CORS decision for the Origin and every other header that changes the answer (request-keys.ts).
    const variant = variantOf(ctx.req.headers, isRestRead ? 'rest' : 'graphql', options.cors, ctx.path);

    if (isRestRead) {
      const alias = { principal, variant, raw: ctx.url };
      const known = aliases.get(principal, variant, ctx.url);
      if (known) return { principal, variant, key: known, alias };
      const key = restKey(principal, variant, ctx.path, queryKey(ctx.query));
      aliases.set(principal, variant, ctx.url, key);
      return { principal, variant, key, alias };
    }

    const body = await bodyOf(ctx.req);
    if (!body.ok) {
      ctx.status = body.status;
      ctx.body = { data: null, errors: [{ message: body.message, extensions: { code: body.status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST' } }] };
      return 'answered';
    }
    ctx.request.body = body.value;
    const graphql = asGraphqlBody(body.value);
    const graphqlTypes = graphql && graphqlReads.dependenciesOf(graphql.query, graphql.operationName);
    if (!graphql || !graphqlTypes) return null;
    // Public answers read published rows (src/access/draft-access); a `status` argument anywhere may read drafts.
    const graphqlTags = readTags.forTypes(graphqlTypes, principal === 'public' && !/\bstatus\b/.test(graphql.query));
    const key = graphqlKey(principal, variant, graphql);
    let alias: SharedAlias | undefined;
    if (principal === 'public') {
      // For the HTTP server's fast path, which finds public reads by their bytes (already read: no waiting here).
      const raw = await rawBodyOf(ctx.req);
      if (raw.ok) {
        alias = { principal, variant, raw: rawGraphqlRequest(ctx.url, raw.text) };
        aliases.set(principal, variant, alias.raw, key);
      }
    }
    return { principal, variant, graphqlTags, key, alias };
  };

  /** Answers with a stored answer: `hit` from the store, `coalesced` from an identical read's computation, `miss` from its own. */
  const answerFromCache = (ctx: Context, read: Read, entry: CachedResponse, lookup: 'hit' | 'coalesced' | 'miss') => {
    ctx.set(answerHeaders(entry, read.principal === 'public' ? options.publicCacheControl : PRIVATE_CACHE_CONTROL, lookup === 'miss' ? 'MISS' : 'HIT'));
    if (lookup !== 'miss') {
      metrics.cacheLookups.inc({ result: lookup });
      noteRoute(ctx, entry.route);
    }
    if (matchesIfNoneMatch(ctx.get('if-none-match'), entry.etag)) {
      ctx.status = 304;
      ctx.body = null;
      return;
    }
    ctx.status = entry.status;
    ctx.body = entry.body;
  };

  /** The tags a finished response is stored under, or null when it is not a cacheable answer. */
  const storable = (ctx: Context, read: Read): readonly string[] | null => {
    if (ctx.status !== 200 || ctx.response.get('set-cookie')) return null;
    if (read.graphqlTags) {
      if (typeof ctx.body !== 'string' && !Buffer.isBuffer(ctx.body)) return null;
      return read.graphqlTags;
    }
    const route = (ctx.state as { route?: { handler?: unknown; info?: { type?: string } } }).route;
    if (route?.info?.type !== 'content-api') return null;
    if (ctx.body === null || typeof ctx.body !== 'object' || Buffer.isBuffer(ctx.body)) return null;
    const declared = (ctx.state as { cacheableRead?: DeclaredRead }).cacheableRead;
    if (declared) {
      const types = declared.types.filter((uid) => dependencies.isContentType(uid));
      if (types.length !== declared.types.length || types.length === 0) return null;
      return readTags.forTypes(types, readsPublishedScope(declared.status));
    }
    const handler = typeof route.handler === 'string' ? READ_HANDLER.exec(route.handler) : null;
    if (!handler || !dependencies.isContentType(handler[1])) return null;
    const shaped = ctx.get('strapi-response-format') !== 'v4';
    return readTags.forRest(handler[1], handler[2], ctx.query as Record<string, unknown>, (ctx.body as { data?: unknown }).data, shaped);
  };

  /** The cache entry for a finished, cacheable response. */
  const entryFor = (ctx: Context, read: Read, tags: readonly string[], body: Buffer): CachedResponse => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(ctx.response.headers)) {
      if (!PER_EXCHANGE_HEADERS.has(name) && value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
    }
    // Answers differ by credential: a shared cache must not hand one caller's answer to another.
    const vary = `Authorization, ${read.graphqlTags ? VARY_HEADERS.graphql : VARY_HEADERS.rest}`;
    headers.vary = headers.vary ? `${headers.vary}, ${vary}` : vary;
    headers['cache-tag'] = ReadTags.cacheTagHeader(tags);
    const etag = strongEtag(body);
    headers.etag = etag;
    return { status: 200, body, headers, etag, tags, route: routeLabel(ctx) };
  };

  /** Strapi's answer to a read: stored when cacheable, and handed to the identical reads that waited for it. */
  const compute = async (ctx: Context, next: Next, read: Read): Promise<CachedResponse | null> => {
    const startEpoch = store.epoch;
    const startedAt = machineClock();
    peers?.computing(read.key);
    let stored = false;
    let entry: CachedResponse | null = null;
    try {
      entry = await computeAndStore(ctx, next, read, startEpoch);
      stored = entry !== null && store.holds(read.key, entry);
      return entry;
    } finally {
      // The peers waiting for this key take the answer, or learn there is none and compute their own.
      peers?.answered(read.key, startedAt, stored ? entry : null, read.alias);
    }
  };

  const computeAndStore = async (ctx: Context, next: Next, read: Read, startEpoch: number): Promise<CachedResponse | null> => {
    // No wait for this process's broadcasts in flight, unlike a write below: a read changes nothing, and what
    // it may store is judged by the store against the invalidations it saw (store.ts), not by their delivery.
    await next();

    const tags = storable(ctx, read);
    const body = tags && (Buffer.isBuffer(ctx.body) ? ctx.body : Buffer.from(typeof ctx.body === 'string' ? ctx.body : JSON.stringify(ctx.body)));
    // GraphQL reports resolver errors (a forbidden field, say) with status 200: those answers are not kept.
    const graphqlErrors = read.graphqlTags && body && body.includes('"errors"') && 'errors' in (JSON.parse(body.toString('utf8')) as object);
    if (!tags || !body || graphqlErrors) {
      ctx.set('X-Cache', 'BYPASS');
      metrics.cacheLookups.inc({ result: 'bypass' });
      return null;
    }
    metrics.cacheLookups.inc({ result: 'miss' });
    const entry = entryFor(ctx, read, tags, body);
    const stored = bus.ready && store.set(read.key, startEpoch, entry);
    answerFromCache(ctx, read, entry, 'miss');
    // Not stored: it was read across an invalidation, or while fenced, so it may predate a write whose CDN
    // purge is already done. A shared cache must not keep it past that ban.
    if (!stored && read.principal === 'public') ctx.set('Cache-Control', unstoredPublicCacheControl);
    return entry;
  };

  return async function responseCache(ctx: Context, next: Next) {
    const read = await describeRead(ctx);
    if (read === 'answered') return;
    if (read === null) {
      // Anything not cacheable may write: its answer waits until no process can serve what it changed.
      await bus.acknowledge(next);
      return;
    }

    if (!bus.ready) {
      await computeAndStore(ctx, next, read, store.epoch);
      return;
    }
    const entry = store.get(read.key);
    if (entry) return answerFromCache(ctx, read, entry, 'hit');

    // An identical read already being computed: its answer, when it holds for this request (single-flight.ts).
    const shared = await flights.join(read.key);
    if (shared) {
      answerFromCache(ctx, read, shared, 'coalesced');
      // The same rule for an answer shared from a computation whose answer was not stored.
      if (!store.holds(read.key, shared) && read.principal === 'public') ctx.set('Cache-Control', unstoredPublicCacheControl);
      return;
    }
    // Another worker computing the same read: its answer, once stored here (peer-answers.ts), is a hit like any other.
    if (peers?.isComputing(read.key)) {
      await peers.waitFor(read.key);
      const fromPeer = store.get(read.key);
      if (fromPeer) return answerFromCache(ctx, read, fromPeer, 'coalesced');
    }
    await flights.lead(read.key, () => compute(ctx, next, read));
  };
}
