import type { Core } from '@strapi/strapi';
import type { Context, Next } from 'koa';
import { databaseFaultOf, describeForLog, type DatabaseFault } from './classify';
import { metrics } from '../metrics';
import { guardPatch } from '../../performance/registry/guard';
import { PATCHES } from '../../performance/registry/patches';

export { DATABASE_UNREACHABLE, databaseFaultOf, describeForLog, type DatabaseFault, type DatabaseFaultCause } from './classify';

/**
 * While the database is unreachable, restarting or blocked, every request that
 * needed it answers `503` with `Retry-After` and an error naming the cause,
 * never a 401 or a 500.
 *
 * Some of Strapi's code catches database errors and answers something else:
 * users-permissions, failing to read the public role, treats the caller as
 * unauthenticated (401). So the faults are also noted where they happen: every
 * failed statement (knex's `query-error` event) and every failed connection
 * checkout is recorded on the request it ran for (Strapi's request context),
 * and an error answer to a request that met one becomes the 503.
 */

interface FaultState {
  databaseFault?: DatabaseFault;
}

/** During an outage every request meets the fault: one log line per cause every LOG_EVERY_MS, with a count. */
const LOG_EVERY_MS = 10_000;
const lastLogged = new Map<string, { at: number; suppressed: number }>();

function logFault(strapi: Core.Strapi, cause: string, line: string): void {
  const now = Date.now();
  const entry = lastLogged.get(cause);
  if (entry && now - entry.at < LOG_EVERY_MS) {
    entry.suppressed += 1;
    return;
  }
  const suppressed = entry?.suppressed ?? 0;
  lastLogged.set(cause, { at: now, suppressed: 0 });
  strapi.log.warn(`${line}${suppressed ? ` (${suppressed} more since the last report)` : ''}`);
}

/** The response a request that met a database fault gets. */
export function answerDatabaseFault(ctx: Context, fault: DatabaseFault, graphqlPath = '/graphql'): void {
  metrics.databaseFaults.inc({ cause: fault.cause });
  ctx.status = 503;
  ctx.set('Retry-After', String(fault.retryAfter));
  ctx.set('Cache-Control', 'no-store');
  const error = { status: 503, name: 'ServiceUnavailableError', message: fault.message, details: { cause: fault.cause } };
  ctx.body =
    ctx.path === graphqlPath
      ? { data: null, errors: [{ message: fault.message, extensions: { code: 'SERVICE_UNAVAILABLE', error: { name: error.name, details: error.details } } }] }
      : { data: null, error };
}

/** Whether a finished answer reports a failure (REST error status, or GraphQL errors under a 200). */
function isErrorAnswer(ctx: Context, graphqlPath: string): boolean {
  if (ctx.status >= 400) return true;
  if (ctx.path !== graphqlPath) return false;
  const body: unknown = ctx.body;
  if (typeof body === 'string') return body.includes('"errors"');
  if (Buffer.isBuffer(body)) return body.includes('"errors"');
  return body !== null && typeof body === 'object' && 'errors' in body;
}

/**
 * The Koa middleware: placed right after `strapi::errors` (so database errors
 * are answered here, and their SQL never reaches Strapi's error log) and once
 * more ahead of the response cache, which reads API tokens before any other
 * middleware runs.
 */
export function createDatabaseFaultMiddleware(strapi: Core.Strapi) {
  const graphqlPath = strapi.config.get<string>('plugin::graphql.endpoint', '/graphql');
  return async function databaseFaults(ctx: Context, next: Next) {
    try {
      await next();
    } catch (error) {
      const fault = databaseFaultOf(error) ?? (ctx.state as FaultState).databaseFault;
      if (!fault) throw error;
      logFault(strapi, fault.cause, `database fault on ${ctx.method} ${ctx.path}: ${describeForLog(error)}; answered 503`);
      answerDatabaseFault(ctx, fault, graphqlPath);
      return;
    }
    const noted = (ctx.state as FaultState).databaseFault;
    if (noted && ctx.status !== 503 && isErrorAnswer(ctx, graphqlPath)) {
      logFault(strapi, noted.cause, `database fault on ${ctx.method} ${ctx.path} (${noted.cause}); answered 503 instead of ${ctx.status}`);
      answerDatabaseFault(ctx, noted, graphqlPath);
    }
  };
}

interface KnexClientLike {
  acquireConnection?: () => Promise<unknown>;
  on?: (event: string, listener: (...args: unknown[]) => void) => void;
}

const observed = new WeakSet<object>();

/**
 * Notes every database fault on the request it happened for. Called at
 * bootstrap, once Strapi's connection exists.
 */
export function observeDatabaseFaults(strapi: Core.Strapi): void {
  const knex = strapi.db.connection as unknown as { on: (event: string, listener: (error: unknown) => void) => void; client: KnexClientLike };
  if (observed.has(knex)) return;
  observed.add(knex);
  const note = (error: unknown) => {
    const fault = databaseFaultOf(error);
    if (!fault) return;
    const ctx = strapi.requestContext.get() as { state?: FaultState } | undefined;
    if (ctx?.state && !ctx.state.databaseFault) ctx.state.databaseFault = fault;
  };
  // Failed statements: a public knex event, emitted in the async context of the query.
  knex.on('query-error', note);
  // Failed checkouts (server unreachable, pool timeout) emit no event; wrap the client's checkout.
  // Off (with a warning) when the client has no acquireConnection(): failed checkouts then answer as Strapi would.
  if (!guardPatch(strapi, PATCHES.faultCheckouts, knex)) return;
  const client = knex.client;
  const acquire = client.acquireConnection as () => Promise<unknown>;
  client.acquireConnection = async function acquireConnection(this: unknown) {
    try {
      return await acquire.call(this);
    } catch (error) {
      note(error);
      throw error;
    }
  };
}
