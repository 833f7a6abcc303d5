/**
 * Which errors mean "the database is in trouble" rather than "this request is
 * wrong": the one place PostgreSQL, pg, knex and tarn errors are mapped to a
 * 503. Everything else keeps its own answer.
 */

export type DatabaseFaultCause = 'database_unreachable' | 'database_restarting' | 'statement_timeout' | 'pool_timeout' | 'database_busy';

export interface DatabaseFault {
  cause: DatabaseFaultCause;
  /** Safe to show to any caller: names the cause, never the statement or the server. */
  message: string;
  /** Seconds a client should wait before trying again (the Retry-After header). */
  retryAfter: number;
}

const FAULTS: Record<DatabaseFaultCause, DatabaseFault> = {
  database_unreachable: { cause: 'database_unreachable', message: 'The database is unreachable; try again shortly', retryAfter: 2 },
  database_restarting: { cause: 'database_restarting', message: 'The database is restarting; try again shortly', retryAfter: 2 },
  statement_timeout: { cause: 'statement_timeout', message: 'The database did not answer in time; try again shortly', retryAfter: 5 },
  pool_timeout: { cause: 'pool_timeout', message: 'No database connection became free in time; try again shortly', retryAfter: 5 },
  database_busy: { cause: 'database_busy', message: 'The database is overloaded; try again shortly', retryAfter: 5 },
};

/** What a request that needs an unreachable database is told, whatever the error said. */
export const DATABASE_UNREACHABLE: DatabaseFault = FAULTS.database_unreachable;

/** Socket-level errors from Node when the server cannot be reached or drops the connection. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNABORTED']);
/** pg's own messages when its connection is gone (no code; knex puts the statement before them). */
const LOST_CONNECTION = /(^| - )(Connection terminated|Client has encountered a connection error|Connection ended unexpectedly|timeout expired|timeout exceeded when trying to connect|Query read timeout)/;

function faultOfOne(error: unknown): DatabaseFault | null {
  if (error === null || typeof error !== 'object') return null;
  const { code, name, message } = error as { code?: unknown; name?: unknown; message?: unknown };
  if (name === 'KnexTimeoutError') return FAULTS.pool_timeout;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code)) return FAULTS.database_unreachable;
    // Class 57: operator intervention. 57014 is a cancelled statement (statement_timeout).
    if (code === '57014') return FAULTS.statement_timeout;
    if (code === '57P01' || code === '57P02' || code === '57P03') return FAULTS.database_restarting;
    // Class 08: connection exception.
    if (/^08[0-9A-Z]{3}$/.test(code)) return FAULTS.database_unreachable;
    // Lock not available, too many connections, out of memory / disk.
    if (code === '55P03' || code === '53300' || code === '53200' || code === '53100') return FAULTS.database_busy;
  }
  if (typeof message === 'string' && LOST_CONNECTION.test(message) && !('severity' in error)) return FAULTS.database_unreachable;
  return null;
}

/**
 * The database fault an error stands for, or null when it is not one. Follows
 * `cause` (and `originalError`, as some wrappers name it) a few levels down.
 */
export function databaseFaultOf(error: unknown): DatabaseFault | null {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth += 1) {
    const fault = faultOfOne(current);
    if (fault) return fault;
    const next = (current as { cause?: unknown; originalError?: unknown }).cause ?? (current as { originalError?: unknown }).originalError;
    if (next === current) break;
    current = next;
  }
  return null;
}

/** A one-line description for logs: the code and cause only (the message may hold SQL and values). */
export function describeForLog(error: unknown): string {
  if (error === null || typeof error !== 'object') return String(error).slice(0, 200);
  const { code, name } = error as { code?: unknown; name?: unknown };
  const fault = databaseFaultOf(error);
  return [typeof name === 'string' ? name : 'Error', typeof code === 'string' ? `code ${code}` : '', fault ? `(${fault.cause})` : '']
    .filter(Boolean)
    .join(' ');
}
