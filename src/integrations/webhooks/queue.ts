import type { Core } from '@strapi/strapi';
import { Logger, run, runMigrations, makeWorkerUtils, type Runner, type Task } from 'graphile-worker';
import { Pool, type PoolClient, type PoolConfig } from 'pg';
import { WEBHOOK_QUEUE_LOCK_CLASS } from '../../platform/advisory-locks';
import { readPositiveInteger } from '../../platform/settings';

/**
 * The delivery queue: graphile-worker on the app's own PostgreSQL database (its tables in the
 * `graphile_worker` schema), so no other service is needed. Every CMS process that serves runs
 * a worker; PostgreSQL hands each job to exactly one of them (`FOR UPDATE SKIP LOCKED`), and new
 * jobs wake them at once (`LISTEN`).
 *
 * Order per document: every job of one webhook and one document is in one named queue, and
 * graphile-worker runs the jobs of a named queue one at a time, oldest first. A failed attempt is
 * followed by a new job for the next attempt, later; the jobs of that queue that were waiting
 * behind it are moved to just after it (delivery.ts), and a job added while one is waiting is
 * placed after it (`enqueueSql`), so no event of a document overtakes an earlier one that is
 * being retried. One advisory lock per queue keeps a writer and a retry from crossing.
 */

export const DELIVERY_TASK = 'deliver-webhook';
export const QUEUE_SCHEMA = 'graphile_worker';
/** Two-key advisory locks of this class are the queues' (src/platform/advisory-locks). */
const QUEUE_LOCK_CLASS = WEBHOOK_QUEUE_LOCK_CLASS;
/**
 * graphile-worker's own attempts of a job, which count only a task that throws (the database
 * gone while recording an attempt): a receiver's failures are retried by new jobs, on our schedule.
 */
export const JOB_MAX_ATTEMPTS = 10;

/** WEBHOOK_WORKER_CONCURRENCY: deliveries one process makes at once (default 4). */
export const workerConcurrency = (): number => readPositiveInteger('WEBHOOK_WORKER_CONCURRENCY', 4);

/** The queue of one webhook's events about one document: they are delivered in order. */
export const queueNameOf = (webhookId: number | string, uid: string, documentId: string): string => `webhook:${webhookId}:${uid}:${documentId}`;

/** Taken before a job is added to a queue or a queue's jobs are moved, held until the transaction ends. Binding: the queue name. */
export const lockQueueSql = `SELECT pg_advisory_xact_lock(${QUEUE_LOCK_CLASS}, hashtext(?::text))`;

/**
 * Adds one delivery job, in the caller's transaction (after lockQueueSql): bindings are the
 * payload (JSON) and the queue name. Its `run_at` is now, or the latest of the queue's waiting
 * jobs, so it goes behind a retry that is waiting.
 */
export const enqueueSql = `
  SELECT (${QUEUE_SCHEMA}.add_job(
    '${DELIVERY_TASK}',
    ?::json,
    queue_name => q.name,
    run_at => (SELECT greatest(now(), max(jobs.run_at)) FROM ${QUEUE_SCHEMA}.jobs AS jobs WHERE jobs.queue_name = q.name),
    max_attempts => ${JOB_MAX_ATTEMPTS}
  )).id
  FROM (SELECT ?::text AS name) AS q`;

interface ConnectionSettings extends PoolConfig {
  schema?: string;
}

/** Strapi's connection settings (config/database.ts), for the queue's own pool. */
export function connectionSettings(strapi: Core.Strapi): ConnectionSettings {
  return strapi.config.get('database.connection.connection') as ConnectionSettings;
}

/** A quoted table name in the app's schema (DATABASE_SCHEMA). */
export function tableIn(strapi: Core.Strapi, table: string): string {
  const schema = connectionSettings(strapi).schema ?? 'public';
  return `"${schema.replace(/"/g, '""')}"."${table}"`;
}

/** A pool of the queue's own: its LISTEN connection and the workers' statements stay off the request pool. */
export function createQueuePool(strapi: Core.Strapi, size: number): Pool {
  const connection = connectionSettings(strapi);
  const pool = new Pool({
    connectionString: connection.connectionString,
    ssl: connection.ssl,
    max: size,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 30_000,
  });
  // An idle connection the server drops (a restart) must not take the process down.
  pool.on('error', (error) => strapi.log.warn(`webhooks: a queue connection failed (${error.message})`));
  return pool;
}

/** What graphile-worker reports when the database goes away (a restart, a failover): it reconnects by itself. */
const CONNECTION_LOSS = /terminating connection|database system is (shutting down|starting up)|ECONNREFUSED|Connection terminated|not queryable/i;
/** One line per kind of connection loss in this long: a restart otherwise logs one per pooled connection. */
const CONNECTION_LOSS_QUIET_MS = 10_000;

/**
 * graphile-worker's log lines, through Strapi's logger; its routine chatter only at debug level. Losing the
 * database is a warning, said once per cause and quiet period, not an error per connection: the queue
 * reconnects, and the jobs wait in their table.
 */
export function queueLogger(strapi: Core.Strapi): Logger {
  const lastSaid = new Map<string, number>();
  return new Logger(() => (level, message) => {
    const loss = level === 'error' || level === 'warning' ? CONNECTION_LOSS.exec(message) : null;
    if (loss) {
      const cause = loss[0].toLowerCase();
      const now = Date.now();
      if (now - (lastSaid.get(cause) ?? -Infinity) < CONNECTION_LOSS_QUIET_MS) return;
      lastSaid.set(cause, now);
      strapi.log.warn(`webhooks queue: lost its database connection (${message}); reconnecting`);
    } else if (level === 'error') strapi.log.error(`webhooks queue: ${message}`);
    else if (level === 'warning') strapi.log.warn(`webhooks queue: ${message}`);
    else strapi.log.debug(`webhooks queue: ${message}`);
  });
}

/** Installs or upgrades the queue's schema (graphile-worker takes its own lock, so processes may race). */
export async function installQueueSchema(strapi: Core.Strapi): Promise<void> {
  const pool = createQueuePool(strapi, 2);
  try {
    await runMigrations({ pgPool: pool, schema: QUEUE_SCHEMA, logger: queueLogger(strapi) });
  } finally {
    await pool.end();
  }
}

export interface QueueWorker {
  pool: Pool;
  stop(): Promise<void>;
}

const HOUR_MS = 60 * 60 * 1000;

/**
 * Starts this process's worker. `deliver` handles one job; its pool client runs the statements
 * that record the attempt and schedule the next one.
 */
export async function startQueueWorker(
  strapi: Core.Strapi,
  deliver: (payload: unknown, job: { id: string; queueName: string | null }, withClient: <T>(fn: (client: PoolClient) => Promise<T>) => Promise<T>) => Promise<void>,
): Promise<QueueWorker> {
  const concurrency = workerConcurrency();
  // One connection per delivery at once, one for LISTEN, one for bookkeeping.
  const pool = createQueuePool(strapi, concurrency + 2);
  const withClient = async <T>(fn: (client: PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      return await fn(client);
    } finally {
      client.release();
    }
  };
  const task: Task = async (payload, helpers) => {
    const queueName = await helpers.getQueueName();
    await deliver(payload, { id: String(helpers.job.id), queueName }, withClient);
  };
  const logger = queueLogger(strapi);
  const runner: Runner = await run({
    pgPool: pool,
    schema: QUEUE_SCHEMA,
    concurrency,
    noHandleSignals: true,
    // New jobs wake the workers at once (LISTEN); this is how soon a retry that has come due is seen.
    pollInterval: 1_000,
    taskList: { [DELIVERY_TASK]: task },
    parsedCronItems: [],
    logger,
  });
  // One row per webhook and document is kept for the named queues: drop the idle ones now and then.
  const utils = await makeWorkerUtils({ pgPool: pool, schema: QUEUE_SCHEMA, logger });
  const tidy = () => utils.cleanup({ tasks: ['GC_JOB_QUEUES'] }).catch((error: Error) => strapi.log.warn(`webhooks: tidying the queues failed (${error.message})`));
  void tidy();
  const timer = setInterval(() => void tidy(), HOUR_MS);
  timer.unref();
  return {
    pool,
    async stop() {
      clearInterval(timer);
      // Deliveries in flight finish (each is bounded by WEBHOOK_TIMEOUT_MS); queued ones wait in the database.
      await runner.stop();
      await utils.release();
      await pool.end();
    },
  };
}
