import type { Context, Next } from 'koa';
import { metrics } from './index';

/**
 * Requests by route pattern and status, and their latency. The route label is
 * the pattern Strapi's router matched (`/api/articles/:id`), so labels stay
 * few whatever the URLs; a request no route matched is counted as
 * `(unmatched)`, and a response-cache hit under the pattern of the answer it
 * replays.
 */
export const UNMATCHED_ROUTE = '(unmatched)';

interface MetricsState {
  metricsRoute?: string;
}

/** The route pattern a finished request matched. */
export function routeLabel(ctx: Context): string {
  const matched = (ctx as unknown as { _matchedRoute?: unknown })._matchedRoute;
  // Strapi's static-file fallback matches anything as `([^/]*)`: that is no route.
  if (typeof matched === 'string' && matched.startsWith('/')) return matched;
  const noted = (ctx.state as MetricsState).metricsRoute;
  return typeof noted === 'string' ? noted : UNMATCHED_ROUTE;
}

/** Lets a middleware that answers before the router (a cache hit) name the route it answered for. */
export function noteRoute(ctx: Context, route: string | undefined): void {
  if (route) (ctx.state as MetricsState).metricsRoute = route;
}

/** Counts one answered request; `startedAt` from process.hrtime.bigint(). */
export function countRequest(method: string, route: string, status: number, startedAt: bigint): void {
  metrics.requests.inc({ method, route, status: String(status) });
  metrics.requestDuration.observe({ method, route }, Number(process.hrtime.bigint() - startedAt) / 1e9);
}

/** First Koa middleware of all: sees the final status of every request Koa answers. */
export function createRequestMetricsMiddleware() {
  return async function requestMetrics(ctx: Context, next: Next) {
    const startedAt = process.hrtime.bigint();
    try {
      await next();
    } catch (error) {
      // Escaping every middleware, it is answered by Koa itself: its status, or 500.
      const status = (error as { status?: unknown }).status;
      countRequest(ctx.method, routeLabel(ctx), typeof status === 'number' && status >= 400 && status < 600 ? status : 500, startedAt);
      throw error;
    }
    countRequest(ctx.method, routeLabel(ctx), ctx.status, startedAt);
  };
}
