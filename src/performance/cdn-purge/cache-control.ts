import { readCdnPurgeSettings } from './settings';

/** What public answers tell every cache when nothing purges a shared one: keep, but ask again each time. */
export const REVALIDATE_CACHE_CONTROL = 'public, max-age=0, must-revalidate';

/**
 * `Cache-Control` for public answers (answers to a token are always `private, no-cache`).
 *
 * CACHE_CONTROL, when set, is the operator's choice and is sent as it is. Otherwise, when a CDN is purged
 * on every write (PURGE_VARNISH_URL or PURGE_WEBHOOK_URL), a shared cache may keep a public answer for
 * CDN_MAX_AGE (a day by default): every change that could alter it bans it before the write is
 * acknowledged. Browsers are not purged, so they still revalidate each time (`max-age=0`; a 304 when
 * nothing changed). Without a purger, every cache revalidates each time.
 */
export function publicCacheControl(purging: boolean, env: Record<string, string | undefined> = process.env): string {
  const configured = env.CACHE_CONTROL?.trim();
  if (configured) return configured;
  if (!purging) return REVALIDATE_CACHE_CONTROL;
  return `public, max-age=0, s-maxage=${readCdnPurgeSettings(env).maxAgeSeconds}, must-revalidate`;
}

/**
 * The same `Cache-Control` with no freshness for shared caches (`s-maxage=0`), for a public answer that
 * may predate a write whose purge has already reached the CDN: one read across an invalidation, or by a
 * process fenced from the invalidation channel. A CDN that kept it would keep it past the ban, until its
 * TTL; with `s-maxage=0` it asks the CMS again for the next request. Browsers read `max-age` as before.
 */
export function withoutSharedFreshness(cacheControl: string): string {
  const directives = cacheControl
    .split(',')
    .map((directive) => directive.trim())
    .filter((directive) => directive !== '' && !/^s-maxage\s*=/i.test(directive));
  return [...directives, 's-maxage=0'].join(', ');
}
