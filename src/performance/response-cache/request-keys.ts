import type { IncomingMessage } from 'node:http';
import { LRUCache } from 'lru-cache';
import { allowedOrigin, type CorsPolicy } from '../../access/cors';
import { BODY_LIMIT_BYTES } from '../../limits/page-sizes';
import { canonicalJson } from '../../platform/values';

/**
 * Cache keys. A key holds everything that can change an answer: the caller
 * (`public` or `token:<id>`), the request headers that change it (`variantOf`:
 * the CORS decision for the Origin, and the headers Strapi and Apollo read),
 * and for REST the path and the parsed query, for GraphQL the operation name,
 * document and variables.
 */

type Headers = IncomingMessage['headers'];
const header = (headers: Headers, name: string): string => {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value ?? '';
};

/**
 * What the CORS policy (src/access/cors) answers this Origin on this path: `''` for no CORS headers
 * (no Origin, or one the policy does not allow), `*` for the public surface's wildcard, or the
 * listed origin itself, echoed with credentials. Keyed by this rather than the raw Origin, every
 * unlisted origin shares the entries of its decision: a caller sending endless distinct Origins
 * cannot flush the cache, while each answer still carries the CORS headers of its own request
 * (the stored headers are those of one request with the same decision, which are the same).
 */
export function corsDecision(policy: CorsPolicy, origin: string, path: string): string {
  if (origin === '') return '';
  return allowedOrigin(policy, origin, path)?.value ?? '';
}

/**
 * The request headers Strapi 5.54 and Apollo read when answering a content read, as they read them:
 * - `strapi-response-format: v4` (exactly) turns REST answers into v4's `attributes` shape
 *   (core-api controller `transformResponse`);
 * - `strapi-encode-source-maps: true` (exactly) adds encoded source maps to REST answers;
 * - `Accept` picks the media type of a GraphQL answer (`application/json` or
 *   `application/graphql-response+json`, Apollo's content negotiation);
 * - `Origin` decides the CORS headers, through the CORS policy (`corsDecision`).
 * Every other header is either the caller (Authorization, in the principal) or read by no content
 * read: `Accept-Language` and cookies are not (locales come from the `locale` parameter), and the
 * admin's headers only reach admin routes, which are never cached.
 * Names listed in `VARY_HEADERS` are added to the answers' `Vary` for shared caches (the CORS
 * middleware adds `Origin` itself). `path` is the request's path, without its query string.
 */
export function variantOf(headers: Headers, kind: 'rest' | 'graphql', cors: CorsPolicy, path: string): string {
  const format = header(headers, 'strapi-response-format') === 'v4' ? 'v4' : '';
  const sourceMaps = header(headers, 'strapi-encode-source-maps') === 'true' ? 'sm' : '';
  const accept = kind === 'graphql' ? header(headers, 'accept').trim().toLowerCase() : '';
  return `${corsDecision(cors, header(headers, 'origin'), path)}\t${format}\t${sourceMaps}\t${accept}`;
}

export const VARY_HEADERS = {
  rest: 'strapi-response-format, strapi-encode-source-maps',
  graphql: 'strapi-response-format, strapi-encode-source-maps, Accept',
};

export const restKey = (principal: string, variant: string, path: string, canonicalQuery: string) =>
  `${principal}\n${variant}\nrest\n${path}\n${canonicalQuery}`;

export const graphqlKey = (principal: string, variant: string, body: GraphqlBody) =>
  `${principal}\n${variant}\ngraphql\n${body.operationName ?? ''}\n${body.query}\n${JSON.stringify(body.variables ?? {})}`;

/**
 * Object keys sorted at every level, so `?b=1&a=2` and `?a=2&b=1` share an
 * entry (Strapi sees the same parsed query for both); arrays keep their order.
 *
 * Except under `sort`, at any level (`sort`, `populate[people][sort]`): there
 * the order of the keys is the order of the sort (`sort[country]=asc&sort[name]=desc`
 * sorts by country first; Strapi's convertSortQueryParams walks the object's keys
 * in order), so it is kept, and each order has its own entry.
 */
export const queryKey = (query: unknown): string => canonicalJson(query, ORDERED_QUERY_KEYS);

const ORDERED_QUERY_KEYS: ReadonlySet<string> = new Set(['sort']);

/**
 * A raw request (a REST URL, or a GraphQL path and body as sent) → its cache
 * key, learnt on the first request, so later requests find their entry
 * without parsing the query string or the JSON body again. The mapping
 * depends on nothing but the raw request, so it never goes stale. Bounded by
 * size as well as count: URLs and bodies are the caller's to make long.
 */
export class RawRequestAliases {
  private readonly aliases = new LRUCache<string, string>({
    max: 20_000,
    maxSize: 16 * 1024 * 1024,
    // Two bytes a character, at most: the strings' share of memory, near enough.
    sizeCalculation: (key, rawKey) => 2 * (rawKey.length + key.length),
    maxEntrySize: 256 * 1024,
  });

  private static rawKey = (principal: string, variant: string, raw: string) => `${principal}\n${variant}\n${raw}`;

  get(principal: string, variant: string, raw: string): string | undefined {
    return this.aliases.get(RawRequestAliases.rawKey(principal, variant, raw));
  }

  set(principal: string, variant: string, raw: string, key: string): void {
    this.aliases.set(RawRequestAliases.rawKey(principal, variant, raw), key);
  }
}

/** The raw form of a GraphQL POST, as RawRequestAliases holds it (a URL always starts with `/`). */
export const rawGraphqlRequest = (url: string, body: string) => `POST ${url}\n${body}`;

export interface GraphqlBody {
  query: string;
  operationName?: string;
  variables?: unknown;
}

export type BodyFailure = { ok: false; status: 400 | 413; message: string };
export type RawBodyReading = { ok: true; text: string } | BodyFailure;
export type BodyReading = { ok: true; value: unknown } | BodyFailure;

const tooLarge = (): BodyFailure => ({ ok: false, status: 413, message: `The request body is larger than the ${BODY_LIMIT_BYTES} byte limit` });

/**
 * Reads a request body as text (at most BODY_LIMIT_BYTES). Plain stream
 * events rather than an async iterator: this runs for every GraphQL request,
 * cache hits included, and the events cost a fraction of the promises.
 */
function readRawBody(request: IncomingMessage): Promise<RawBodyReading> {
  if (Number(request.headers['content-length'] ?? 0) > BODY_LIMIT_BYTES) return Promise.resolve(tooLarge());
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= BODY_LIMIT_BYTES) {
        chunks.push(chunk);
        return;
      }
      // Answer now; the rest of the body is read and dropped so the connection stays usable.
      request.off('data', onData);
      request.resume();
      resolve(tooLarge());
    };
    request.on('data', onData);
    request.once('end', () => {
      if (size <= BODY_LIMIT_BYTES) resolve({ ok: true, text: chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8') });
    });
    request.once('error', (error) => resolve({ ok: false, status: 400, message: `The request body could not be read: ${error.message}` }));
    // A client that goes away mid-body: nobody is left to answer, but the reading must not hang (after 'end' this is a no-op).
    request.once('close', () => resolve({ ok: false, status: 400, message: 'The request body ended early' }));
  });
}

function parseJsonBody(raw: RawBodyReading): BodyReading {
  if (!raw.ok) return raw;
  try {
    return { ok: true, value: raw.text === '' ? {} : JSON.parse(raw.text) };
  } catch (error) {
    return { ok: false, status: 400, message: `The request body is not valid JSON: ${(error as Error).message}` };
  }
}

const RAW_BODY = Symbol('response-cache.raw-body');
const BODY = Symbol('response-cache.body');
type WithBody = IncomingMessage & { [RAW_BODY]?: Promise<RawBodyReading>; [BODY]?: Promise<BodyReading> };

/**
 * The request's body as text, read once however many times it is asked for.
 * The cache reads GraphQL bodies itself to find their key; what it read is
 * handed on (see `bodyOf`), and the GraphQL plugin's own parser skips a body
 * that is already there.
 */
export function rawBodyOf(request: IncomingMessage): Promise<RawBodyReading> {
  const withBody = request as WithBody;
  withBody[RAW_BODY] ??= readRawBody(request);
  return withBody[RAW_BODY];
}

/** The request's JSON body, parsed once however many times it is asked for. */
export function bodyOf(request: IncomingMessage): Promise<BodyReading> {
  const withBody = request as WithBody;
  withBody[BODY] ??= rawBodyOf(request).then(parseJsonBody);
  return withBody[BODY];
}

/** Whether the cache has already read this request's body (so nothing else may read the stream). */
export const hasReadBody = (request: IncomingMessage): boolean => (request as WithBody)[RAW_BODY] !== undefined;

/** The GraphQL request in a parsed body, or null when it is not one the cache can key. */
export function asGraphqlBody(value: unknown): GraphqlBody | null {
  if (value === null || typeof value !== 'object') return null;
  const { query, operationName, variables } = value as Record<string, unknown>;
  if (typeof query !== 'string') return null;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return null;
  return { query, operationName: operationName ?? undefined, variables };
}

/** Weak comparison (RFC 9110 13.1.2), as If-None-Match requires. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').some((candidate) => {
    const value = candidate.trim();
    return value === '*' || value.replace(/^W\//, '') === opaque;
  });
}
