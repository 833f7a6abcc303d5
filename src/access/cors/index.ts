import type { Core } from '@strapi/strapi';
import type { Context, Next } from 'koa';
import { guardPatch } from '../../performance/registry/guard';
import { PATCHES } from '../../performance/registry/patches';

/**
 * Cross-origin access (`strapi::cors`, see registerCorsPolicy below), one policy for every path (`/graphql` included: the GraphQL plugin's own
 * CORS layer is turned off in config/plugins.ts).
 *
 * - An origin listed in CORS_ORIGINS gets its own origin back with credentials, on every path.
 * - With `*` in CORS_ORIGINS (the default) any other origin may read the public surface — `/api`,
 *   `/graphql`, `/read`, `/uploads`, `/_health` — as `Access-Control-Allow-Origin: *`, which browsers
 *   never combine with cookies or HTTP authentication. An Origin is never echoed with credentials
 *   unless it is listed (`Origin: null` included).
 * - Everything else (the admin panel's API at `/admin`, the plugins' admin routes such as
 *   `/content-manager`, `/upload`, `/users-permissions`, and `/preview`) answers no CORS headers to
 *   an unlisted origin, and a preflight from one is refused with a 403.
 */

const PUBLIC_PREFIXES = ['/api/', '/read/', '/uploads/'];
const PUBLIC_PATHS = new Set(['/api', '/graphql', '/_health']);

const ALLOW_METHODS = 'GET,POST,PUT,PATCH,DELETE,HEAD,OPTIONS';
const ALLOW_HEADERS = 'Content-Type,Authorization,Accept,If-None-Match,strapi-response-format,strapi-encode-source-maps';
const EXPOSE_HEADERS = 'ETag,X-Cache,Cache-Tag,Retry-After';
const MAX_AGE_SECONDS = '600';

export interface CorsPolicy {
  /** `*` was listed: the public surface is open to any origin, without credentials. */
  anyOrigin: boolean;
  /** Exact origins (scheme://host[:port], lower case) that get credentials everywhere. */
  listed: ReadonlySet<string>;
}

/** An origin as browsers send it: scheme, host and port only, lower case, no trailing slash. */
function normalizeOrigin(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) return null;
  return url.origin.toLowerCase();
}

/** CORS_ORIGINS: `*`, a comma-separated list of origins, or both (`*,https://www.example.com`). */
export function readCorsPolicy(raw: string | undefined = process.env.CORS_ORIGINS): CorsPolicy {
  const entries = (raw ?? '*').split(',').map((entry) => entry.trim()).filter(Boolean);
  const values = entries.length === 0 ? ['*'] : entries;
  const listed = new Set<string>();
  let anyOrigin = false;
  for (const value of values) {
    if (value === '*') {
      anyOrigin = true;
      continue;
    }
    const origin = normalizeOrigin(value.replace(/\/+$/, ''));
    if (!origin) throw new Error(`CORS_ORIGINS must hold origins such as https://www.example.com (or *), not "${value}"`);
    listed.add(origin);
  }
  return { anyOrigin, listed };
}

export const isPublicPath = (path: string): boolean =>
  PUBLIC_PATHS.has(path) || PUBLIC_PREFIXES.some((prefix) => path.startsWith(prefix));

/** What the policy allows this origin on this path: its own origin with credentials, `*`, or nothing. */
export function allowedOrigin(policy: CorsPolicy, origin: string, path: string): { value: string; credentials: boolean } | null {
  // Compared exactly as sent (browsers send the serialized origin): no prefix, suffix or case games.
  if (policy.listed.has(origin)) return { value: origin, credentials: true };
  if (policy.anyOrigin && isPublicPath(path)) return { value: '*', credentials: false };
  return null;
}

export function createCorsMiddleware(policy: CorsPolicy = readCorsPolicy()) {
  return async function cors(ctx: Context, next: Next) {
    const origin = ctx.get('Origin');
    // Answers differ by Origin: shared caches must keep them apart.
    ctx.vary('Origin');
    if (!origin) return next();
    const allowed = allowedOrigin(policy, origin, ctx.path);
    const isPreflight = ctx.method === 'OPTIONS' && ctx.get('Access-Control-Request-Method') !== '';

    if (isPreflight) {
      if (!allowed) {
        ctx.status = 403;
        ctx.body = {
          data: null,
          error: {
            status: 403,
            name: 'ForbiddenError',
            message: `Cross-origin requests from ${origin.slice(0, 200)} are not allowed on ${ctx.path.slice(0, 200)}: list the origin in CORS_ORIGINS`,
            details: {},
          },
        };
        return;
      }
      ctx.set('Access-Control-Allow-Origin', allowed.value);
      if (allowed.credentials) ctx.set('Access-Control-Allow-Credentials', 'true');
      ctx.set('Access-Control-Allow-Methods', ALLOW_METHODS);
      ctx.set('Access-Control-Allow-Headers', ALLOW_HEADERS);
      ctx.set('Access-Control-Max-Age', MAX_AGE_SECONDS);
      ctx.status = 204;
      return;
    }

    if (allowed) {
      ctx.set('Access-Control-Allow-Origin', allowed.value);
      if (allowed.credentials) ctx.set('Access-Control-Allow-Credentials', 'true');
      ctx.set('Access-Control-Expose-Headers', EXPOSE_HEADERS);
    }
    return next();
  };
}

/**
 * In `register`: `strapi::cors` (a middleware Strapi refuses to start without) answers with this
 * policy instead of @koa/cors', which echoes any Origin with credentials under `*`. Replaced through
 * the middleware registry's own `extend`, so config/middlewares.ts keeps its usual entry.
 */
export function registerCorsPolicy(strapi: Core.Strapi): void {
  const policy = readCorsPolicy();
  const registry = strapi.get('middlewares') as { extend(uid: string, extendFn: (current: unknown) => unknown): unknown };
  // Throws (refusing the start) when strapi::cors cannot be replaced: @koa/cors would echo any Origin with credentials.
  if (!guardPatch(strapi, PATCHES.corsPolicy, registry)) return;
  registry.extend('strapi::cors', () => () => createCorsMiddleware(policy));
}
