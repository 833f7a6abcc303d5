import os from 'node:os';

/**
 * The switches for what this project adds to stock Strapi to make reads fast.
 * They are read from the environment each time, so tests can flip them
 * between boots without reloading modules.
 *
 * STOCK_STRAPI=true turns every one of them off at once (response cache,
 * GraphQL batching, one worker per core, reads without transactions, the
 * one-pass output sanitizer, published counters), so stock Strapi can be measured from the same
 * build and the same database.
 */

const TRUE = new Set(['true', '1', 'on', 'yes']);
const FALSE = new Set(['false', '0', 'off', 'no']);

/** Reads a boolean switch; an unreadable value stops the start instead of being guessed. */
export function readFlag(name: string, fallback: boolean): boolean {
  const raw = process.env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (TRUE.has(raw)) return true;
  if (FALSE.has(raw)) return false;
  throw new Error(`${name} must be true or false, not "${process.env[name]}"`);
}

/** Reads a positive integer setting; an unreadable value stops the start. */
export function readPositiveInteger(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number of at least 1, not "${raw}"`);
  return value;
}

export const isStockMode = (): boolean => readFlag('STOCK_STRAPI', false);

/** The in-memory response cache for public and token reads (src/response-cache). */
export const isResponseCacheEnabled = (): boolean => !isStockMode() && readFlag('RESPONSE_CACHE', true);

/**
 * The response cache's fast path: public hits answered by the HTTP server before Koa
 * (src/response-cache/fast-path.ts). On by default, and then required: a start where it
 * cannot install fails. `false` runs the cache without it (every hit through Koa).
 */
export const isFastPathEnabled = (): boolean => readFlag('RESPONSE_CACHE_FAST_PATH', true);

/** Batched loading of GraphQL relation fields (src/graphql-batching). */
export const isGraphqlBatchingEnabled = (): boolean => !isStockMode() && readFlag('GRAPHQL_BATCHING', true);

/** Document Service reads outside a transaction run without BEGIN/COMMIT (src/read-transactions). */
export const isTransactionFreeReadEnabled = (): boolean => !isStockMode() && !readFlag('READ_TRANSACTIONS', false);

/** REST output sanitized in one synchronous pass (src/output-sanitizing). */
export const isOnePassSanitizerEnabled = (): boolean => !isStockMode() && readFlag('ONE_PASS_SANITIZER', true);

/** Unfiltered published counts read from trigger-maintained counters (src/published-counts). */
export const isPublishedCounterEnabled = (): boolean => !isStockMode() && readFlag('PUBLISHED_COUNTERS', true);

/** Worker processes for `npm start`: one per core unless WORKERS says otherwise; stock Strapi runs one. */
export function workerCount(): number {
  if (isStockMode()) return 1;
  return readPositiveInteger('WORKERS', os.availableParallelism());
}

/** Adds an `X-SQL-Statements` header to every response: a measuring aid for benchmarks and tests. */
export const isStatementHeaderEnabled = (): boolean => readFlag('SQL_STATEMENT_HEADER', false);
