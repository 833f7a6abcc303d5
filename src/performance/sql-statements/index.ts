import { AsyncLocalStorage } from 'node:async_hooks';
import type { Core } from '@strapi/strapi';
import { isStatementHeaderEnabled } from '../../platform/settings';

/**
 * Counts the SQL statements each HTTP request sends to PostgreSQL and reports
 * the count in an `X-SQL-Statements` response header. It is a measuring aid
 * (benchmarks, and the tests that prove GraphQL batching), off unless
 * SQL_STATEMENT_HEADER=true.
 *
 * Knex emits `query` synchronously from the code that issued the statement,
 * so the request's async context is still current there: every statement,
 * inside a transaction or not, lands on the request that caused it.
 */
const requestCounter = new AsyncLocalStorage<{ statements: number }>();

export const STATEMENT_HEADER = 'X-SQL-Statements';

export function registerStatementCounter(strapi: Core.Strapi): void {
  if (!isStatementHeaderEnabled()) return;

  strapi.db.connection.on('query', () => {
    const counter = requestCounter.getStore();
    if (counter) counter.statements += 1;
  });

  // Registered during `register`, so it wraps every middleware and route Strapi adds later.
  strapi.server.use(async (ctx, next) => {
    const counter = { statements: 0 };
    await requestCounter.run(counter, next);
    ctx.set(STATEMENT_HEADER, String(counter.statements));
  });
}

/** The statements counted so far for the current request, or undefined outside one. */
export const statementsSoFar = (): number | undefined => requestCounter.getStore()?.statements;
