import type { Core } from '@strapi/strapi';
import type { Context, Next } from 'koa';
import { createDatabaseFaultMiddleware, observeDatabaseFaults } from './database-faults';
import { confirmCommits } from './database-faults/commit-guard';
import databaseFaults from './database-faults/middleware';
import { poolUse } from './database-faults/pool';
import { measurePoolWith } from './metrics';
import { joinClusterMetrics } from './metrics/cluster';
import { answerMetrics } from './metrics/endpoint';
import { createRequestMetricsMiddleware, noteRoute } from './metrics/http';
import { addGlobalMiddlewares } from './global-middlewares';
import { guardProcess } from './process-guards';
import { answerReadiness } from './readiness';
import { createRequestDeadlineMiddleware } from './request-deadline';
import requestLog from './request-log/middleware';
import { trackRequests } from './shutdown';
import { runStartupChecks } from './startup-checks';

export { databaseFaultOf } from './database-faults';

/**
 * Running the CMS as a service: requests never kill the process, database
 * faults answer 503, readiness (`/_ready`), metrics (`/metrics`), and the
 * request count a graceful stop waits for (scripts/serve.js).
 */

/**
 * First in `register`: the start-up checks (flags, secrets, database URL), then the middlewares
 * that must run ahead of the response cache.
 */
export function registerPlatform(strapi: Core.Strapi): void {
  runStartupChecks();
  guardProcess(strapi.log);
  // The `global::` middlewares config/middlewares.ts places in the chain.
  addGlobalMiddlewares(strapi, { 'request-log': requestLog, 'database-faults': databaseFaults });
  joinClusterMetrics();
  measurePoolWith(() => poolUse(strapi));
  // Counted first, so every answer's final status is seen.
  strapi.server.use(createRequestMetricsMiddleware());
  // Ahead of the response cache and every limit: neither endpoint is cached or rate-limited.
  strapi.server.use(async (ctx: Context, next: Next) => {
    if (ctx.path === '/_ready' && (ctx.method === 'GET' || ctx.method === 'HEAD')) {
      noteRoute(ctx, '/_ready');
      return answerReadiness(strapi, ctx);
    }
    if (ctx.path === '/metrics' && ctx.method === 'GET') {
      noteRoute(ctx, '/metrics');
      return answerMetrics(ctx);
    }
    return next();
  });
  // The response cache reads API tokens before strapi::errors runs; faults there are answered here.
  strapi.server.use(createDatabaseFaultMiddleware(strapi));
  // Every request gets an answer, even one stranded by a promise that never settles.
  strapi.server.use(createRequestDeadlineMiddleware(strapi));
}

/** In `bootstrap`, once the database connection and the HTTP server's listeners are in place. */
export function startPlatform(strapi: Core.Strapi): void {
  observeDatabaseFaults(strapi);
  confirmCommits(strapi);
  trackRequests(strapi.server.httpServer);
}
