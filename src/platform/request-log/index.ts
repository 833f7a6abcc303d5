import type { Core } from '@strapi/strapi';
import type { Context, Next } from 'koa';

/**
 * Strapi's request log line (`GET /api/articles (12 ms) 200`, at level `http`), with the URL
 * redacted: a preview link's query string carries its token, so `/preview` URLs are logged without
 * their query, and any `token`, `secret`, `password`, `code` or `access_token` parameter anywhere is
 * logged as `[redacted]`.
 */
const SENSITIVE = /^(token|secret|password|code|access_token|refresh_token|accesskey)$/i;

export function redactUrl(url: string): string {
  const mark = url.indexOf('?');
  if (mark === -1) return url;
  const path = url.slice(0, mark);
  if (/^\/preview(\/|$)/i.test(path)) return `${path}?[redacted]`;
  const query = url
    .slice(mark + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const rawName = equals === -1 ? pair : pair.slice(0, equals);
      let name = rawName;
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      } catch {
        // Undecodable: judged as sent.
      }
      return SENSITIVE.test(name.replace(/\[.*$/, '')) ? `${rawName}=[redacted]` : pair;
    })
    .join('&');
  return `${path}?${query}`;
}

export function createRequestLog(strapi: Core.Strapi) {
  return async function requestLog(ctx: Context, next: Next) {
    const start = Date.now();
    try {
      await next();
    } finally {
      strapi.log.http(`${ctx.method} ${redactUrl(ctx.url)} (${Math.ceil(Date.now() - start)} ms) ${ctx.status}`);
    }
  };
}
