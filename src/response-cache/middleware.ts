import type { Core } from '@strapi/strapi';
import type { Context, Next } from 'koa';
import { BODY_LIMIT_BYTES } from '../api-limits';
import type { DependencyMap } from './dependencies';
import type { GraphqlReads } from './graphql-reads';
import type { InvalidationBus } from './invalidation-bus';
import { principalOf } from './principal';
import { strongEtag, type CachedResponse, type ResponseStore } from './store';

export interface CacheMiddlewareOptions {
  strapi: Core.Strapi;
  store: ResponseStore;
  bus: InvalidationBus;
  dependencies: DependencyMap;
  graphqlReads: GraphqlReads;
  restPrefix: string;
  graphqlPath: string;
  /** `Cache-Control` for public answers; answers to a token are always `private, no-cache`. */
  publicCacheControl: string;
}

/** A read the cache may answer: its key, and for GraphQL the types it depends on. */
interface Read {
  key: string;
  principal: string;
  graphqlTags?: readonly string[];
}

/** Headers that belong to one exchange, not to the answer. */
const PER_REQUEST_HEADERS = new Set([
  'content-length', 'date', 'etag', 'cache-control', 'cache-tag', 'x-cache', 'x-sql-statements',
  'connection', 'keep-alive', 'transfer-encoding', 'set-cookie', 'x-response-time',
]);
/** REST handlers whose answers are cacheable reads. */
const READ_HANDLER = /^(api::[^.]+\.[^.]+)\.(find|findOne)$/;
/** Cache-Tag values past this size are cut back to the content types (CDNs cap the header). */
const MAX_CACHE_TAG_LENGTH = 8_000;

/** Weak comparison (RFC 9110 13.1.2), as If-None-Match requires. */
function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').some((candidate) => {
    const value = candidate.trim();
    return value === '*' || value.replace(/^W\//, '') === opaque;
  });
}

/** Object keys sorted at every level, so `?b=1&a=2` and `?a=2&b=1` share an entry; arrays keep their order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record).sort().map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Reads a JSON request body; the GraphQL plugin's body parser skips a body already read. */
async function readJsonBody(ctx: Context): Promise<{ ok: true; value: unknown } | { ok: false; status: number; message: string }> {
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > BODY_LIMIT_BYTES) return { ok: false, status: 413, message: `The request body is larger than the ${BODY_LIMIT_BYTES} byte limit` };
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT_BYTES) return { ok: false, status: 413, message: `The request body is larger than the ${BODY_LIMIT_BYTES} byte limit` };
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return { ok: true, value: text === '' ? {} : JSON.parse(text) };
  } catch (error) {
    return { ok: false, status: 400, message: `The request body is not valid JSON: ${(error as Error).message}` };
  }
}

/**
 * The response cache, first in Strapi's middleware chain: a hit is answered
 * before any other middleware runs, with the headers (security, CORS) that the
 * full chain had set on the stored answer. Misses go through Strapi unchanged
 * and are stored when they are reads of content (see `storable`). Every other
 * request passes through, and is answered only after the invalidations its
 * writes caused have reached every process.
 */
export function createCacheMiddleware(options: CacheMiddlewareOptions) {
  const { strapi, store, bus, dependencies, graphqlReads } = options;

  const describeRead = async (ctx: Context): Promise<Read | null | 'answered'> => {
    const isRestRead = (ctx.method === 'GET' || ctx.method === 'HEAD') && ctx.path.startsWith(`${options.restPrefix}/`);
    const isGraphqlPost = ctx.method === 'POST' && ctx.path === options.graphqlPath && ctx.is('application/json') === 'application/json';
    if (!isRestRead && !isGraphqlPost) return null;

    const principal = await principalOf(strapi, ctx.get('authorization') || undefined);
    if (principal === null) return null;
    const origin = ctx.get('origin');

    if (isRestRead) {
      return { principal, key: `${principal}\n${origin}\nrest\n${ctx.path}\n${canonicalJson(ctx.query)}` };
    }

    const body = await readJsonBody(ctx);
    if (!body.ok) {
      ctx.status = body.status;
      ctx.body = { data: null, errors: [{ message: body.message, extensions: { code: body.status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST' } }] };
      return 'answered';
    }
    ctx.request.body = body.value;
    const { query, variables, operationName } = (body.value ?? {}) as { query?: unknown; variables?: unknown; operationName?: unknown };
    if (typeof query !== 'string' || (operationName !== undefined && operationName !== null && typeof operationName !== 'string')) return null;
    const graphqlTags = graphqlReads.dependenciesOf(query, operationName ?? undefined);
    if (!graphqlTags) return null;
    return {
      principal,
      graphqlTags,
      key: `${principal}\n${origin}\ngraphql\n${operationName ?? ''}\n${query}\n${JSON.stringify(variables ?? {})}`,
    };
  };

  const cacheControlFor = (principal: string) => (principal === 'public' ? options.publicCacheControl : 'private, no-cache');

  const answerFromCache = (ctx: Context, read: Read, entry: CachedResponse) => {
    ctx.set(entry.headers);
    ctx.set('ETag', entry.etag);
    ctx.set('Cache-Control', cacheControlFor(read.principal));
    ctx.set('Cache-Tag', entry.cacheTag);
    ctx.set('X-Cache', 'HIT');
    // Answers differ by credential: a shared cache must not hand one caller's answer to another.
    ctx.vary('Authorization');
    if (matchesIfNoneMatch(ctx.get('if-none-match'), entry.etag)) {
      ctx.status = 304;
      return;
    }
    ctx.status = entry.status;
    ctx.body = entry.body;
  };

  /** The types a finished response depends on, or null when it is not a cacheable answer. */
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
      if (entry) return answerFromCache(ctx, read, entry);
    }

    const startEpoch = store.epoch;
    await next();
    await bus.drain();

    const answer = storable(ctx, read);
    if (!answer) {
      ctx.set('X-Cache', 'BYPASS');
      return;
    }
    const body = Buffer.isBuffer(ctx.body) ? ctx.body : Buffer.from(typeof ctx.body === 'string' ? ctx.body : JSON.stringify(ctx.body));
    if (read.graphqlTags && body.includes('"errors"') && 'errors' in (JSON.parse(body.toString('utf8')) as object)) {
      ctx.set('X-Cache', 'BYPASS');
      return;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(ctx.response.headers)) {
      if (!PER_REQUEST_HEADERS.has(name) && value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
    }
    const typeTags = answer.tags.map((uid) => dependencies.tagName(uid));
    let cacheTag = [...typeTags, ...answer.documents].join(',');
    if (cacheTag.length > MAX_CACHE_TAG_LENGTH) cacheTag = typeTags.join(',');

    const entry = { status: 200, body, headers, etag: strongEtag(body), tags: answer.tags, cacheTag };
    if (bus.ready) store.set(read.key, startEpoch, entry);
    answerFromCache(ctx, read, { ...entry, tagVersions: [], allVersion: 0 });
    ctx.set('X-Cache', 'MISS');
  };
}
