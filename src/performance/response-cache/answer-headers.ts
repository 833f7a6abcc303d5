import type { CachedResponse } from './store';

/**
 * The headers of an answer from the cache, the same whether the HTTP server's fast path or the
 * Koa middleware gives it: the stored headers, the caller's Cache-Control, and X-Cache.
 */
export function answerHeaders(entry: CachedResponse, cacheControl: string, cache: 'HIT' | 'MISS'): Record<string, string> {
  return { ...entry.headers, 'cache-control': cacheControl, 'x-cache': cache };
}
