/**
 * Operational settings read from the environment. An unreadable value stops the
 * start with a message naming the variable, instead of being guessed.
 */

type Env = Record<string, string | undefined>;

/** A duration in milliseconds; 0 is accepted where it means "off". */
export function readMilliseconds(name: string, fallback: number, options: { allowZero?: boolean; env?: Env } = {}): number {
  const raw = (options.env ?? process.env)[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  const minimum = options.allowZero ? 0 : 1;
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < minimum) {
    throw new Error(`${name} must be a whole number of milliseconds${options.allowZero ? ' (0 turns it off)' : ' of at least 1'}, not "${raw}"`);
  }
  return value;
}

/** The database settings the operations concern decides (config/database.ts reads them). */
export function databaseTimeouts(env: Env = process.env) {
  // DATABASE_CONNECTION_TIMEOUT is the older name of DATABASE_ACQUIRE_TIMEOUT_MS; the new name wins.
  const acquireName = env.DATABASE_ACQUIRE_TIMEOUT_MS?.trim() ? 'DATABASE_ACQUIRE_TIMEOUT_MS' : 'DATABASE_CONNECTION_TIMEOUT';
  return {
    /** Longest a statement may run (PostgreSQL's statement_timeout, set on every pool connection). */
    statementTimeoutMs: readMilliseconds('DATABASE_STATEMENT_TIMEOUT_MS', 5_000, { allowZero: true, env }),
    /**
     * Longest a session may sit inside a transaction doing nothing: a request that never finished its
     * transaction (a rejection nobody awaited) would otherwise hold its locks for good.
     */
    idleInTransactionTimeoutMs: readMilliseconds('DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS', 30_000, { allowZero: true, env }),
    /** Longest a request waits for a free pool connection (knex's acquireConnectionTimeout). */
    acquireTimeoutMs: readMilliseconds(acquireName, 5_000, { env }),
  };
}

/** How long SIGTERM waits for requests in flight before closing what is left. */
export const shutdownTimeoutMs = (env: Env = process.env): number => readMilliseconds('SHUTDOWN_TIMEOUT_MS', 10_000, { env });

export * from './performance';
