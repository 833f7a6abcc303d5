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
import { strongEtag, type CachedResponse, type ResponseStore } from './store';
import { metrics } from '../../platform/metrics';
import { noteRoute, routeLabel } from '../../platform/metrics/http';

export interface CacheMiddlewareOptions {
  strapi: Core.Strapi;
  store: ResponseStore;
  bus: InvalidationBus;
  dependencies: DependencyMap;
  graphqlReads: GraphqlReads;
  aliases: RawRequestAliases;
  /** The CORS policy in force: keys hold its decision for the request's Origin, not the Origin (request-keys.ts). */
  cors: CorsPolicy;
  restPrefix: string;
  graphqlPath: string;
  /** `Cache-Control` for public answers; answers to a token are always `private, no-cache`. */
  publicCacheControl: string;
}

/** A read the cache may answer: its key, and for GraphQL the types it depends on. */
interface Read {
  key: string;
  principal: string;
  variant: string;
  graphqlTags?: readonly string[];
}

/** Headers that belong to one exchange, not to the answer. */
const PER_EXCHANGE_HEADERS = new Set([
  'content-length', 'date', 'etag', 'cache-control', 'cache-tag', 'x-cache', 'x-sql-statements',
  'connection', 'keep-alive', 'transfer-encoding', 'set-cookie', 'x-response-time',
]);
/** REST handlers whose answers are cacheable reads. */
const READ_HANDLER = new RegExp(`^(api::[^.]+\\.[^.]+)\\.(${READ_HANDLERS.join('|')})$`);
/** Cache-Tag values past this size are cut back to the content types (CDNs cap the header). */
const MAX_CACHE_TAG_LENGTH = 8_000;

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
  const { strapi, store, bus, dependencies, graphqlReads, aliases } = options;
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
      const known = aliases.get(principal, variant, ctx.url);
      if (known) return { principal, variant, key: known };
      const key = restKey(principal, variant, ctx.path, queryKey(ctx.query));
      aliases.set(principal, variant, ctx.url, key);
      return { principal, variant, key };
    }

    const body = await bodyOf(ctx.req);
    if (!body.ok) {
      ctx.status = body.status;
      ctx.body = { data: null, errors: [{ message: body.message, extensions: { code: body.status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST' } }] };
      return 'answered';
    }
    ctx.request.body = body.value;
    const graphql = asGraphqlBody(body.value);
    const graphqlTags = graphql && graphqlReads.dependenciesOf(graphql.query, graphql.operationName);
    if (!graphql || !graphqlTags) return null;
    const key = graphqlKey(principal, variant, graphql);
    if (principal === 'public') {
      // For the HTTP server's fast path, which finds public reads by their bytes (already read: no waiting here).
      const raw = await rawBodyOf(ctx.req);
      if (raw.ok) aliases.set(principal, variant, rawGraphqlRequest(ctx.url, raw.text), key);
    }
    return { principal, variant, graphqlTags, key };
  };

  const answerFromCache = (ctx: Context, read: Read, entry: CachedResponse, cache: 'HIT' | 'MISS') => {
    ctx.set(answerHeaders(entry, read.principal === 'public' ? options.publicCacheControl : PRIVATE_CACHE_CONTROL, cache));
    if (cache === 'HIT') {
      metrics.cacheLookups.inc({ result: 'hit' });
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

  /** The types a finished response depends on and the documents in it, or null when it is not a cacheable answer. */
  const storable = (ctx: Context, read: Read): { tags: readonly string[]; documents: Set<string> } | null => {
    if (ctx.status !== 200 || ctx.response.get('set-cookie')) return null;
    const documents = new Set<string>();
    if (read.graphqlTags) {
      if (typeof ctx.body !== 'string' && !Buffer.isBuffer(ctx.body)) return null;
      return { tags: read.graphqlTags, documents };
    }
    const route = (ctx.state as { route?: { handler?: unknown; info?: { type?: string } } }).route;
    const handler = typeof route?.handler === 'string' ? READ_HANDLER.exec(route.handler) : null;
    if (route?.info?.type !== 'content-api' || !handler || !(handler[1] in strapi.contentTypes)) return null;
    if (ctx.body === null || typeof ctx.body !== 'object' || Buffer.isBuffer(ctx.body)) return null;
    dependencies.documentTags(handler[1], (ctx.body as { data?: unknown }).data, documents);
    return { tags: dependencies.forRestQuery(handler[1], ctx.query as Record<string, unknown>), documents };
  };

  /** The cache entry for a finished, cacheable response. */
  const entryFor = (ctx: Context, read: Read, answer: { tags: readonly string[]; documents: Set<string> }, body: Buffer) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(ctx.response.headers)) {
      if (!PER_EXCHANGE_HEADERS.has(name) && value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
    }
    // Answers differ by credential: a shared cache must not hand one caller's answer to another.
    const vary = `Authorization, ${read.graphqlTags ? VARY_HEADERS.graphql : VARY_HEADERS.rest}`;
    headers.vary = headers.vary ? `${headers.vary}, ${vary}` : vary;
    const typeTags = answer.tags.map((uid) => dependencies.tagName(uid));
    const cacheTag = [...typeTags, ...answer.documents].join(',');
    headers['cache-tag'] = cacheTag.length > MAX_CACHE_TAG_LENGTH ? typeTags.join(',') : cacheTag;
    const etag = strongEtag(body);
    headers.etag = etag;
    return { status: 200, body, headers, etag, tags: answer.tags, route: routeLabel(ctx) };
  };

  return async function responseCache(ctx: Context, next: Next) {
    const read = await describeRead(ctx);
    if (read === 'answered') return;
    if (read === null) {
      await next();
      await bus.drain();
      return;
    }

    if (bus.ready) {
      const entry = store.get(read.key);
      if (entry) return answerFromCache(ctx, read, entry, 'HIT');
    }

    const startEpoch = store.epoch;
    await next();
    await bus.drain();

    const answer = storable(ctx, read);
    const body = answer && (Buffer.isBuffer(ctx.body) ? ctx.body : Buffer.from(typeof ctx.body === 'string' ? ctx.body : JSON.stringify(ctx.body)));
    // GraphQL reports resolver errors (a forbidden field, say) with status 200: those answers are not kept.
    const graphqlErrors = read.graphqlTags && body && body.includes('"errors"') && 'errors' in (JSON.parse(body.toString('utf8')) as object);
    if (!answer || !body || graphqlErrors) {
      ctx.set('X-Cache', 'BYPASS');
      metrics.cacheLookups.inc({ result: 'bypass' });
      return;
    }
    metrics.cacheLookups.inc({ result: 'miss' });
    const entry = entryFor(ctx, read, answer, body);
    const stored = bus.ready && store.set(read.key, startEpoch, entry);
    answerFromCache(ctx, read, { ...entry, tagVersions: [], allVersion: 0 }, 'MISS');
    // Not stored: it was read across an invalidation, or while fenced, so it may predate a write whose CDN
    // purge is already done. A shared cache must not keep it past that ban.
    if (!stored && read.principal === 'public') ctx.set('Cache-Control', unstoredPublicCacheControl);
  };
}
