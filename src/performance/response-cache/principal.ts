import type { Core } from '@strapi/strapi';

/**
 * Who is asking, as far as the cache is concerned: `public` without an
 * Authorization header, `token:<id>` for a valid content-API token, and null
 * for anything else (an end user's JWT, an unknown or expired token), which is
 * never cached: Strapi answers it in full every time.
 *
 * Tokens are keyed one by one: a token's answers are never served to another
 * token or to the public, and any change to a token or its permissions drops
 * the whole cache (see write-watcher.ts). End-user answers are left out because
 * Strapi also checks per-user state (blocked, confirmed) on every request.
 */
interface TokenService {
  hash(accessKey: string): string;
  getByAccessKey(hash: string): Promise<{ id: number; kind?: string | null; expiresAt?: string | null } | null>;
}

export async function principalOf(strapi: Core.Strapi, authorization: string | undefined): Promise<string | null> {
  if (authorization === undefined) return 'public';
  const match = /^bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!match) return null;
  // Strapi's API tokens are hex; a value with dots is an end user's JWT, never cached: no lookup needed.
  if (match[1].includes('.')) return null;
  const tokens = strapi.service('admin::api-token-content-api') as unknown as TokenService;
  const token = await tokens.getByAccessKey(tokens.hash(match[1]));
  if (!token) return null;
  if (token.kind !== 'content-api' && token.kind !== null && token.kind !== undefined) return null;
  if (token.expiresAt && new Date(token.expiresAt) < new Date()) return null;
  return `token:${token.id}`;
}
