import { timingSafeEqual, createHash } from 'node:crypto';
import type { Context } from 'koa';
import { metricsContentType, serverMetrics } from './cluster';

/**
 * `GET /metrics`: Prometheus text. With METRICS_TOKEN set, only with
 * `Authorization: Bearer <METRICS_TOKEN>` (401 without credentials, 403 with
 * others); without it, only from the loopback interface, and not through a
 * proxy on it (a forwarded request comes from elsewhere).
 */

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

const digest = (value: string) => createHash('sha256').update(value).digest();

function refusal(ctx: Context, status: 401 | 403, message: string): void {
  ctx.status = status;
  if (status === 401) ctx.set('WWW-Authenticate', 'Bearer realm="metrics"');
  ctx.body = { data: null, error: { status, name: status === 401 ? 'UnauthorizedError' : 'ForbiddenError', message, details: {} } };
}

export async function answerMetrics(ctx: Context): Promise<void> {
  ctx.set('Cache-Control', 'no-store');
  const token = process.env.METRICS_TOKEN?.trim();
  if (token) {
    const presented = /^bearer\s+(\S+)$/i.exec(ctx.get('authorization').trim())?.[1];
    if (!presented) return refusal(ctx, 401, 'Metrics need Authorization: Bearer <METRICS_TOKEN>');
    if (!timingSafeEqual(digest(presented), digest(token))) return refusal(ctx, 403, 'This token may not read the metrics');
  } else {
    const forwarded = ctx.get('x-forwarded-for') || ctx.get('forwarded');
    if (!LOOPBACK.has(ctx.req.socket.remoteAddress ?? '') || forwarded) {
      return refusal(ctx, 403, 'Metrics are served to the loopback interface only; set METRICS_TOKEN to scrape from elsewhere');
    }
  }
  try {
    const text = await serverMetrics();
    ctx.status = 200;
    ctx.type = metricsContentType;
    ctx.body = text;
  } catch {
    ctx.status = 503;
    ctx.set('Retry-After', '5');
    ctx.body = { data: null, error: { status: 503, name: 'ServiceUnavailableError', message: 'The metrics could not be collected from every worker in time', details: {} } };
  }
}
