import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { databaseFaultOf } from '../database-faults/classify';
import { isPoolExhausted, poolUse } from '../database-faults/pool';
import { invalidationChannelState } from '../../performance/response-cache';
import { patchStates } from '../../performance/registry/guard';

/**
 * `GET /_ready`: whether this process can serve requests now. 200 with each
 * check's figures, 503 naming the failing check when the database does not
 * answer or every pool connection is taken with requests queueing.
 * The invalidation channel is reported but never fails readiness: while it is
 * down the response cache serves no hits, so answers stay correct.
 * `patches` lists every patch of a Strapi internal as on, or off with the
 * reason (src/performance/registry), as this process installed them.
 * `/_health` (Strapi's) stays the bare liveness check.
 */

/** The round trip gives up after this long: a probe must answer sooner than a load balancer's timeout. */
const ROUND_TRIP_TIMEOUT_MS = 2_000;

type Check = { status: 'ok' | 'failing' | 'skipped' | 'reconnecting' } & Record<string, unknown>;

async function databaseCheck(strapi: Core.Strapi): Promise<Check> {
  const started = process.hrtime.bigint();
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('readiness round trip timed out'), { code: 'ETIMEDOUT' })), ROUND_TRIP_TIMEOUT_MS);
    });
    await Promise.race([strapi.db.connection.raw('SELECT 1'), timeout]);
    return { status: 'ok', roundTripMs: Number((process.hrtime.bigint() - started) / 1000n) / 1000 };
  } catch (error) {
    const fault = databaseFaultOf(error);
    return { status: 'failing', cause: fault?.cause ?? 'database_error', message: fault?.message ?? 'The database answered with an error' };
  } finally {
    clearTimeout(timer);
  }
}

export async function readiness(strapi: Core.Strapi): Promise<{ ready: boolean; body: Record<string, unknown> }> {
  const use = poolUse(strapi);
  const exhausted = use !== null && isPoolExhausted(use);
  const pool: Check = use
    ? { status: exhausted ? 'failing' : 'ok', used: use.used, free: use.free, pending: use.pending, max: use.max, ...(exhausted ? { cause: 'pool_exhausted' } : {}) }
    : { status: 'failing', cause: 'no_pool' };
  // With every connection taken, a round trip would only queue behind the requests already waiting.
  const database: Check = exhausted ? { status: 'skipped', reason: 'pool exhausted' } : await databaseCheck(strapi);
  const channel = invalidationChannelState();
  const invalidation: Check = channel.enabled
    ? { status: channel.listening ? 'ok' : 'reconnecting', listening: channel.listening, peers: channel.peers }
    : { status: 'skipped', reason: 'response cache off' };
  const ready = database.status === 'ok' && pool.status === 'ok';
  return { ready, body: { status: ready ? 'ok' : 'unavailable', checks: { database, pool, invalidation }, patches: patchStates(strapi) } };
}

export async function answerReadiness(strapi: Core.Strapi, ctx: Context): Promise<void> {
  const { ready, body } = await readiness(strapi);
  ctx.status = ready ? 200 : 503;
  ctx.set('Cache-Control', 'no-store');
  if (!ready) ctx.set('Retry-After', '2');
  ctx.body = body;
}
