import { databaseFaultOf } from '../../src/platform/database-faults';
import { isRequestScoped } from '../../src/platform/process-guards';
import { databaseTimeouts } from '../../src/platform/settings';

/**
 * The one place database errors become 503s: every code family an outage or a
 * blocked database produces, as pg, knex and tarn raise them, wrapped or not;
 * and the errors that must keep their own answer.
 */
const pgError = (code: string, message = 'server said no') => Object.assign(new Error(`select 1 - ${message}`), { code, severity: 'ERROR' });
const nodeError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, errno: -111, syscall: 'connect' });
const knexTimeout = () => Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), { name: 'KnexTimeoutError' });

const faults: Array<[string, () => Error, string]> = [
  ['connection refused', () => nodeError('ECONNREFUSED'), 'database_unreachable'],
  ['connection reset', () => nodeError('ECONNRESET'), 'database_unreachable'],
  ['connect timed out', () => nodeError('ETIMEDOUT'), 'database_unreachable'],
  ['host not found', () => nodeError('ENOTFOUND'), 'database_unreachable'],
  ['host unreachable', () => nodeError('EHOSTUNREACH'), 'database_unreachable'],
  ['broken pipe', () => nodeError('EPIPE'), 'database_unreachable'],
  ['pg: connection terminated', () => new Error('Connection terminated unexpectedly'), 'database_unreachable'],
  ['knex-prefixed: connection terminated', () => new Error('select "t0".* from "articles" - Connection terminated unexpectedly'), 'database_unreachable'],
  ['pg: client not queryable', () => new Error('Client has encountered a connection error and is not queryable'), 'database_unreachable'],
  ['pg: connect timeout', () => new Error('timeout expired'), 'database_unreachable'],
  ['57P01 admin shutdown', () => pgError('57P01', 'terminating connection due to administrator command'), 'database_restarting'],
  ['57P02 crash shutdown', () => pgError('57P02'), 'database_restarting'],
  ['57P03 cannot connect now', () => pgError('57P03', 'the database system is starting up'), 'database_restarting'],
  ['57014 statement timeout', () => pgError('57014', 'canceling statement due to statement timeout'), 'statement_timeout'],
  ...['08000', '08003', '08006', '08001', '08004', '08P01'].map((code): [string, () => Error, string] => [`${code} connection exception`, () => pgError(code), 'database_unreachable']),
  ['55P03 lock not available', () => pgError('55P03'), 'database_busy'],
  ['53300 too many connections', () => pgError('53300'), 'database_busy'],
  ['KnexTimeoutError', knexTimeout, 'pool_timeout'],
];

const wrappers: Array<[string, (error: Error) => unknown]> = [
  ['as raised', (error) => error],
  ['as a cause', (error) => new Error('could not load the role', { cause: error })],
  ['as a cause of a cause', (error) => new Error('outer', { cause: new Error('inner', { cause: error }) })],
  ['as originalError', (error) => Object.assign(new Error('wrapped'), { originalError: error })],
];

const cases = faults.flatMap(([label, make, cause]) => wrappers.map(([how, wrap]) => [`${label}, ${how}`, () => wrap(make()), cause] as const));

describe('databaseFaultOf', () => {
  it.each(cases)('%s is a database fault (%#)', (_label, make, cause) => {
    const fault = databaseFaultOf(make());
    expect(fault?.cause).toBe(cause);
    expect(fault?.retryAfter).toBeGreaterThan(0);
    // The message names the cause and nothing of the server or the statement.
    expect(fault?.message).toMatch(/database/i);
    expect(fault?.message).not.toMatch(/select|127\.0\.0\.1|5432|E[A-Z]{4,}/);
  });

  const notFaults: Array<[string, unknown]> = [
    ['a unique violation (23505)', pgError('23505', 'duplicate key value violates unique constraint')],
    ['a syntax error (42601)', pgError('42601')],
    ['an operator that does not exist (42883)', pgError('42883', 'operator does not exist: date ~~* unknown')],
    ['an aborted transaction (25P02)', pgError('25P02', 'current transaction is aborted')],
    ['a not-null violation (23502)', pgError('23502')],
    ['a plain error', new Error('something else')],
    ['a validation error', Object.assign(new Error('title must be a string'), { name: 'ValidationError' })],
    ['a string', 'ECONNREFUSED'],
    ['null', null],
    ['undefined', undefined],
    ['a cause cycle', (() => { const error: Error & { cause?: unknown } = new Error('loop'); error.cause = error; return error; })()],
  ];
  it.each(notFaults)('%s keeps its own answer', (_label, error) => {
    expect(databaseFaultOf(error)).toBeNull();
  });
});

describe('process guards', () => {
  it.each([
    ['a database fault', nodeError('ECONNRESET'), true],
    ['an error PostgreSQL answered', pgError('25P02'), true],
    ['a client connection reset', Object.assign(new Error('aborted'), { code: 'ECONNABORTED' }), true],
    ['a TypeError in our code', new TypeError('x is not a function'), false],
    ['a RangeError', new RangeError('Maximum call stack size exceeded'), false],
    ['an error with an unknown code', Object.assign(new Error('disk full'), { code: 'ENOSPC' }), false],
  ])('an uncaught %s is scoped to one request: %s', (_label, error, scoped) => {
    expect(isRequestScoped(error)).toBe(scoped);
  });
});

describe('database timeouts', () => {
  it('default to 5 s for statements and connection checkouts', () => {
    expect(databaseTimeouts({})).toEqual({ statementTimeoutMs: 5_000, idleInTransactionTimeoutMs: 30_000, acquireTimeoutMs: 5_000 });
  });

  it('read DATABASE_CONNECTION_TIMEOUT when DATABASE_ACQUIRE_TIMEOUT_MS is unset, and the new name first', () => {
    expect(databaseTimeouts({ DATABASE_CONNECTION_TIMEOUT: '7000' }).acquireTimeoutMs).toBe(7_000);
    expect(databaseTimeouts({ DATABASE_CONNECTION_TIMEOUT: '7000', DATABASE_ACQUIRE_TIMEOUT_MS: '3000' }).acquireTimeoutMs).toBe(3_000);
  });

  it('accept 0 to turn the statement timeout off', () => {
    expect(databaseTimeouts({ DATABASE_STATEMENT_TIMEOUT_MS: '0' }).statementTimeoutMs).toBe(0);
  });

  it.each([
    ['DATABASE_STATEMENT_TIMEOUT_MS', '5s'],
    ['DATABASE_STATEMENT_TIMEOUT_MS', '-1'],
    ['DATABASE_STATEMENT_TIMEOUT_MS', '1.5'],
    ['DATABASE_ACQUIRE_TIMEOUT_MS', '0'],
    ['DATABASE_ACQUIRE_TIMEOUT_MS', 'soon'],
    ['DATABASE_CONNECTION_TIMEOUT', '1e3'],
    ['DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS', 'x'],
  ])('refuse %s=%s, naming the variable', (name, value) => {
    expect(() => databaseTimeouts({ [name]: value })).toThrow(new RegExp(`^${name} must be a whole number of milliseconds`));
  });
});
