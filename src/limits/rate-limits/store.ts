import { Redis } from 'ioredis';
import { Pool, type PoolConfig } from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Budget, BudgetName } from './budgets';

/**
 * Where the budgets' counters live, shared by every worker and every instance: a table of the app's
 * own PostgreSQL database by default (`rate_limits`; no other service needed), Redis when REDIS_URL
 * is set. The table is created with `CREATE TABLE IF NOT EXISTS` at start: Strapi's schema sync only
 * drops tables its own previous schema held, so a table it never created is left alone.
 *
 * The counters use a pool of their own (a few connections, short timeouts), so a slow database
 * cannot leave a request waiting on a limit for long, and a limit never waits for Strapi's pool.
 * The table is unlogged (`makeUnlogged`).
 */

export const TABLE_NAME = 'rate_limits';

export type Consumed = { ok: true } | { ok: false; retryAfterMs: number } | { ok: 'unavailable'; error: Error };

interface Log {
  warn(message: string): void;
  info(message: string): void;
}

export interface CounterStore {
  readonly kind: 'postgres' | 'redis';
  consume(budget: Budget, key: string, points?: number): Promise<Consumed>;
  stop(): Promise<void>;
}

/** Counters per budget, keyed by its settings too: a changed budget starts from zero. */
const prefixOf = (budget: Budget) => `rl:${budget.name}:${budget.points}:${budget.durationSeconds}`;

function limitersFor(budgets: readonly Budget[], create: (budget: Budget, first: boolean) => RateLimiterAbstract) {
  const limiters = new Map<BudgetName, RateLimiterAbstract>();
  budgets.forEach((budget, index) => limiters.set(budget.name, create(budget, index === 0)));
  return limiters;
}

async function consumeWith(limiter: RateLimiterAbstract | undefined, key: string, points = 1): Promise<Consumed> {
  if (!limiter) return { ok: 'unavailable', error: new Error('no limiter for this budget') };
  try {
    await limiter.consume(key, points);
    return { ok: true };
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return { ok: false, retryAfterMs: Math.max(rejection.msBeforeNext, 1) };
    return { ok: 'unavailable', error: rejection instanceof Error ? rejection : new Error(String(rejection)) };
  }
}

export async function startPostgresStore(connection: PoolConfig & { schema?: string }, budgets: readonly Budget[], log: Log): Promise<CounterStore> {
  const pool = new Pool({
    connectionString: connection.connectionString,
    ssl: connection.ssl,
    max: 4,
    connectionTimeoutMillis: 2_000,
    idleTimeoutMillis: 10_000,
    statement_timeout: 2_000,
    query_timeout: 2_500,
    allowExitOnIdle: true,
  });
  // An idle connection the server drops (a restart) must not take the process down.
  pool.on('error', (error) => log.warn(`rate limits: a PostgreSQL connection failed (${error.message})`));
  const schema = connection.schema && connection.schema !== 'public' ? connection.schema : undefined;
  const table = schema ? `"${schema.replace(/"/g, '""')}"."${TABLE_NAME}"` : `"${TABLE_NAME}"`;
  try {
    await pool.query(`CREATE UNLOGGED TABLE IF NOT EXISTS ${table} (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)`);
  } catch (error) {
    // Two processes creating it at once: the loser sees a duplicate type; the table is there.
    if ((error as { code?: string }).code !== '23505') throw error;
  }
  await makeUnlogged(pool, table);
  const limiters = limitersFor(budgets, (budget, first) =>
    new RateLimiterPostgres({
      storeClient: pool,
      storeType: 'pool',
      tableName: TABLE_NAME,
      schemaName: schema,
      tableCreated: true,
      // One instance sweeps expired rows (every 5 minutes, rows expired an hour ago).
      clearExpiredByTimeout: first,
      keyPrefix: prefixOf(budget),
      points: budget.points,
      duration: budget.durationSeconds,
      // Once a key is over its budget this process stops asking the database until the window ends.
      inMemoryBlockOnConsumed: budget.points + 1,
    }),
  );
  return {
    kind: 'postgres',
    consume: (budget, key, points) => consumeWith(limiters.get(budget.name), key, points),
    stop: () => pool.end(),
  };
}

/**
 * The counters are unlogged: every request that spends a budget writes its counter, and a commit
 * that wrote only unlogged rows does not wait for the write-ahead log to reach the disk. Counters
 * are worth nothing after a crash of the database server, which empties an unlogged table: every
 * client then starts its window afresh. A table created logged (before this) is changed once.
 */
async function makeUnlogged(pool: Pool, table: string): Promise<void> {
  const { rows } = await pool.query<{ persistence: string }>('SELECT relpersistence AS persistence FROM pg_class WHERE oid = to_regclass($1)', [table]);
  if (rows[0]?.persistence === 'p') await pool.query(`ALTER TABLE ${table} SET UNLOGGED`);
}

export async function startRedisStore(url: string, budgets: readonly Budget[], log: Log): Promise<CounterStore> {
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000, lazyConnect: true });
  let lastError = 0;
  redis.on('error', (error: Error) => {
    if (Date.now() - lastError < 30_000) return;
    lastError = Date.now();
    log.warn(`rate limits: Redis at REDIS_URL failed (${error.message})`);
  });
  try {
    await redis.connect();
  } catch (error) {
    log.warn(`rate limits: Redis at REDIS_URL cannot be reached yet (${(error as Error).message}); sign-in budgets refuse until it can`);
  }
  const limiters = limitersFor(budgets, (budget) =>
    new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: prefixOf(budget),
      points: budget.points,
      duration: budget.durationSeconds,
      inMemoryBlockOnConsumed: budget.points + 1,
    }),
  );
  return {
    kind: 'redis',
    consume: (budget, key, points) => consumeWith(limiters.get(budget.name), key, points),
    stop: async () => {
      redis.disconnect();
    },
  };
}

/** This process's own counters, for the budgets that stay open while the shared store is down. */
export function memoryFallback(budgets: readonly Budget[]) {
  const limiters = limitersFor(budgets, (budget) =>
    new RateLimiterMemory({ keyPrefix: prefixOf(budget), points: budget.points, duration: budget.durationSeconds }),
  );
  return (budget: Budget, key: string, points?: number) => consumeWith(limiters.get(budget.name), key, points);
}
