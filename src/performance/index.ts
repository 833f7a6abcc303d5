import type { Core } from '@strapi/strapi';
import { registerGraphqlBatching } from './graphql-batching';
import { sanitizeOutputInOnePass } from './output-sanitizing';
import { registerPublishedCounters } from './published-counts';
import { registerReadIndexes } from './read-indexes';
import { runReadsWithoutTransactions } from './read-transactions';
import { registerResponseCache, startResponseCache, stopResponseCache } from './response-cache';
import { registerStatementCounter } from './sql-statements';

/**
 * What this project adds to stock Strapi to make reads fast, installed from
 * one place. Each patch of a Strapi internal among them is guarded on its way
 * in (./registry/guard.ts): its switch, the Strapi version, its target's shape.
 * STOCK_STRAPI=true turns every performance patch off.
 */

/**
 * In `register`, after the limits: the HTTP middlewares here (the statement counter wrapping the
 * response cache) still come right after the platform's, since access and limits add none, and
 * GraphQL batching's extension comes after the limits' argument checks, so they wrap its resolvers.
 */
export function registerPerformance(strapi: Core.Strapi): void {
  registerStatementCounter(strapi);
  registerResponseCache(strapi);
  registerReadIndexes(strapi);
  registerPublishedCounters(strapi);
  registerGraphqlBatching(strapi);
}

/** In `bootstrap`, before anything else registers a Document Service middleware. */
export async function bootstrapPerformance(strapi: Core.Strapi): Promise<void> {
  // Last Document Service middleware of all: it must sit right before the repository.
  await runReadsWithoutTransactions(strapi);
  sanitizeOutputInOnePass(strapi);
  await startResponseCache();
}

/** In `destroy`. */
export async function stopPerformance(): Promise<void> {
  await stopResponseCache();
}

export { reportPatches } from './registry';
