import os from 'node:os';
import { readFlag } from './flags';

export { assertFlags, FLAGS, flagProblems, parseFlag, readFlag, type FlagName } from './flags';

/**
 * Settings read from the environment. An unreadable value stops the start
 * with a message naming the variable, instead of being guessed. Boolean
 * switches are listed and read in ./flags.
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

/** Reads a positive integer setting; an unreadable value stops the start. */
export function readPositiveInteger(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number of at least 1, not "${raw}"`);
  return value;
}

/*
 * The switches for what this project adds to stock Strapi to make reads fast (src/performance).
 * They are read from the environment each time, so tests can flip them between boots without
 * reloading modules. STOCK_STRAPI=true turns every one of them off at once (response cache,
 * GraphQL batching, one worker per core, reads without transactions, the one-pass output
 * sanitizer, published counters), so stock Strapi can be measured from the same build and the
 * same database.
 */

export const isStockMode = (): boolean => readFlag('STOCK_STRAPI');

/** The in-memory response cache for public and token reads (src/performance/response-cache). */
export const isResponseCacheEnabled = (): boolean => !isStockMode() && readFlag('RESPONSE_CACHE');

/**
 * The response cache's fast path: public hits answered by the HTTP server before Koa
 * (src/performance/response-cache/fast-path.ts). On by default, and then required: a start where
 * it cannot install fails. `false` runs the cache without it (every hit through Koa).
 */
export const isFastPathEnabled = (): boolean => readFlag('RESPONSE_CACHE_FAST_PATH');

/** Workers hand each other the answers they compute (src/performance/response-cache/peer-answers.ts). */
export const isPeerAnswersEnabled = (): boolean => readFlag('RESPONSE_CACHE_PEER_ANSWERS');

/** Batched loading of GraphQL relation fields (src/performance/graphql-batching). */
export const isGraphqlBatchingEnabled = (): boolean => !isStockMode() && readFlag('GRAPHQL_BATCHING');

/** Document Service reads outside a transaction run without BEGIN/COMMIT (src/performance/read-transactions). */
export const isTransactionFreeReadEnabled = (): boolean => !isStockMode() && readFlag('TRANSACTION_FREE_READS');

/** REST output sanitized in one synchronous pass (src/performance/output-sanitizing). */
export const isOnePassSanitizerEnabled = (): boolean => !isStockMode() && readFlag('ONE_PASS_SANITIZER');

/** Unfiltered published counts read from trigger-maintained counters (src/performance/published-counts). */
export const isPublishedCounterEnabled = (): boolean => !isStockMode() && readFlag('PUBLISHED_COUNTERS');

/** Worker processes for `npm start`: one per core unless WORKERS says otherwise; stock Strapi runs one. */
export function workerCount(): number {
  if (isStockMode()) return 1;
  return readPositiveInteger('WORKERS', os.availableParallelism());
}

/** Adds an `X-SQL-Statements` header to every response: a measuring aid for benchmarks and tests. */
export const isStatementHeaderEnabled = (): boolean => readFlag('SQL_STATEMENT_HEADER');
