import type { IncomingMessage } from 'node:http';
import { LRUCache } from 'lru-cache';
import { BODY_LIMIT_BYTES } from '../api-limits';

/**
 * Cache keys. A key holds everything that can change an answer: the caller
 * (`public` or `token:<id>`), the request's Origin (CORS headers differ by it),
 * and for REST the path and the parsed query, for GraphQL the operation name,
 * document and variables.
 */

export const restKey = (principal: string, origin: string, path: string, canonicalQuery: string) =>
  `${principal}\n${origin}\nrest\n${path}\n${canonicalQuery}`;

export const graphqlKey = (principal: string, origin: string, body: GraphqlBody) =>
  `${principal}\n${origin}\ngraphql\n${body.operationName ?? ''}\n${body.query}\n${JSON.stringify(body.variables ?? {})}`;

/**
 * Object keys sorted at every level, so `?b=1&a=2` and `?a=2&b=1` share an
 * entry (Strapi sees the same parsed query for both); arrays keep their order.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record).sort().map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Raw request URL → its REST key, learnt on the first request for that URL, so
 * later requests find their entry without parsing the query string again. The
 * mapping depends on nothing but the URL, so it never goes stale.
 */
export class RawUrlAliases {
  private readonly aliases = new LRUCache<string, string>({ max: 20_000 });

  private static rawKey = (principal: string, origin: string, url: string) => `${principal}\n${origin}\n${url}`;

  get(principal: string, origin: string, url: string): string | undefined {
    return this.aliases.get(RawUrlAliases.rawKey(principal, origin, url));
  }

  set(principal: string, origin: string, url: string, key: string): void {
    this.aliases.set(RawUrlAliases.rawKey(principal, origin, url), key);
  }
}

export interface GraphqlBody {
  query: string;
  operationName?: string;
  variables?: unknown;
}

export type BodyReading = { ok: true; value: unknown } | { ok: false; status: 400 | 413; message: string };

const tooLarge = (): BodyReading => ({ ok: false, status: 413, message: `The request body is larger than the ${BODY_LIMIT_BYTES} byte limit` });

/**
 * Reads a JSON request body (at most BODY_LIMIT_BYTES). The cache reads GraphQL
 * bodies itself to find their key; what it read is handed on (see `bodyOf`),
 * and the GraphQL plugin's own parser skips a body that is already there.
 */
export async function readJsonBody(request: IncomingMessage): Promise<BodyReading> {
  if (Number(request.headers['content-length'] ?? 0) > BODY_LIMIT_BYTES) return tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT_BYTES) return tooLarge();
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return { ok: true, value: text === '' ? {} : JSON.parse(text) };
  } catch (error) {
    return { ok: false, status: 400, message: `The request body is not valid JSON: ${(error as Error).message}` };
  }
}

const BODY = Symbol('response-cache.body');
type WithBody = IncomingMessage & { [BODY]?: Promise<BodyReading> };

/** The request's JSON body, read once however many times it is asked for. */
export function bodyOf(request: IncomingMessage): Promise<BodyReading> {
  const withBody = request as WithBody;
  withBody[BODY] ??= readJsonBody(request);
  return withBody[BODY];
}

/** Whether the cache has already read this request's body (so nothing else may read the stream). */
export const hasReadBody = (request: IncomingMessage): boolean => (request as WithBody)[BODY] !== undefined;

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
