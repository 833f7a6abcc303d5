import type { Core } from '@strapi/strapi';
import type { Context, Next } from 'koa';
import { answerDatabaseFault } from '../database-faults';
import type { DatabaseFault } from '../database-faults';
import { readMilliseconds } from '../settings';

/**
 * Every request gets an answer. A request still running after
 * REQUEST_TIMEOUT_MS (default 30 s; 0: off) is answered 503 with Retry-After;
 * its work goes on in the background, and whatever it sets later is ignored
 * (Koa writes nothing once the answer is out).
 *
 * A backstop, not a limit: the statement and pool timeouts answer database
 * trouble within seconds. It is there for a request stranded by a promise that
 * never settles, as Strapi's write path can leave one when its transaction's
 * connection is ended mid-write (seen in the restart-under-load fault test).
 * Uploads (multipart bodies) are left alone: they may legitimately take long.
 */
export function createRequestDeadlineMiddleware(strapi: Core.Strapi) {
  const timeoutMs = readMilliseconds('REQUEST_TIMEOUT_MS', 30_000, { allowZero: true });
  const graphqlPath = strapi.config.get<string>('plugin::graphql.endpoint', '/graphql');
  return async function requestDeadline(ctx: Context, next: Next) {
    if (timeoutMs === 0 || ctx.is('multipart')) return next();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      timer = setTimeout(() => resolve('expired'), timeoutMs);
    });
    const work = next();
    // A late failure of the abandoned work is its own business, not an unhandled rejection.
    work.catch(() => undefined);
    try {
      if ((await Promise.race([work, expired])) !== 'expired') return;
    } finally {
      clearTimeout(timer);
    }
    const noted = (ctx.state as { databaseFault?: DatabaseFault }).databaseFault;
    strapi.log.warn(`${ctx.method} ${ctx.path} did not finish in ${timeoutMs} ms${noted ? ` (database fault: ${noted.cause})` : ''}; answered 503`);
    if (noted) return answerDatabaseFault(ctx, noted, graphqlPath);
    ctx.status = 503;
    ctx.set('Retry-After', '5');
    ctx.set('Cache-Control', 'no-store');
    const message = 'The request did not finish in time; try again shortly';
    ctx.body =
      ctx.path === graphqlPath
        ? { data: null, errors: [{ message, extensions: { code: 'SERVICE_UNAVAILABLE' } }] }
        : { data: null, error: { status: 503, name: 'ServiceUnavailableError', message, details: { cause: 'request_timeout' } } };
  };
}
