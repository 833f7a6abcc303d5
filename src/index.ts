import type { Core } from '@strapi/strapi';
import { bootstrapAccess, registerAccess } from './access';
import { bootstrapContent, registerContent } from './content';
import { registerLimits, startLimits, stopLimits } from './limits';
import { registerGraphqlBatching } from './performance/graphql-batching';
import { sanitizeOutputInOnePass } from './performance/output-sanitizing';
import { registerPublishedCounters } from './performance/published-counts';
import { registerReadIndexes } from './performance/read-indexes';
import { runReadsWithoutTransactions } from './performance/read-transactions';
import { registerResponseCache, startResponseCache, stopResponseCache } from './performance/response-cache';
import { registerStatementCounter } from './performance/sql-statements';
import { registerPlatform, startPlatform } from './platform';

/**
 * The app by concern (README, "Where things are"). The order matters where two concerns add to
 * the same chain: HTTP middlewares run in the order added, Document Service middlewares too.
 */
export default {
  register({ strapi }: { strapi: Core.Strapi }) {
    // Start-up checks first; then readiness, metrics and database faults, ahead of the response cache.
    registerPlatform(strapi);
    registerStatementCounter(strapi);
    registerResponseCache(strapi);
    registerReadIndexes(strapi);
    registerPublishedCounters(strapi);
    registerAccess(strapi);
    registerLimits(strapi);
    registerGraphqlBatching(strapi);
    registerContent(strapi);
  },

  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    startPlatform(strapi);
    // Last Document Service middleware of all: it must sit right before the repository.
    await runReadsWithoutTransactions(strapi);
    sanitizeOutputInOnePass(strapi);
    await startResponseCache();
    await startLimits(strapi);
    await bootstrapAccess(strapi);
    await bootstrapContent(strapi);
  },

  async destroy() {
    await stopResponseCache();
    await stopLimits();
  },
};
