import type { Core } from '@strapi/strapi';
import { applyAdminLayouts } from './content/admin-layout';
import { registerContentValidation } from './content/validation';
import { createDevAdmin } from './access/dev-admin';
import { registerDraftAccess } from './access/draft-access';
import { registerQueryParamChecks } from './limits/query-params';
import { registerGraphqlExtensions } from './limits/graphql-arguments';
import { registerGraphqlBatching } from './performance/graphql-batching';
import { grantPublicRead } from './access/public-read';
import { registerReaderPages } from './content/reader';
import { sanitizeOutputInOnePass } from './performance/output-sanitizing';
import { registerPublishedCounters } from './performance/published-counts';
import { registerReadIndexes } from './performance/read-indexes';
import { runReadsWithoutTransactions } from './performance/read-transactions';
import { seedDatabase } from './content/seed';
import { runStartupChecks } from './platform/startup-checks';
import { registerStatementCounter } from './performance/sql-statements';
import { registerResponseCache, startResponseCache, stopResponseCache } from './performance/response-cache';
import { registerRateLimits, startRateLimits, stopRateLimits } from './limits/rate-limits';
import { registerCorsPolicy } from './access/cors';
import { registerLimits } from './limits';
import { registerPlatform, startPlatform } from './platform';
import { readFlag } from './platform/settings';

/** SEED_ON_BOOTSTRAP=false turns the bootstrap seed off; `npm run seed` still works. */
const seedOnBootstrap = () => readFlag('SEED_ON_BOOTSTRAP');

export default {
  register({ strapi }: { strapi: Core.Strapi }) {
    runStartupChecks();
    // Before the response cache: readiness, metrics and database faults come first in the chain.
    registerPlatform(strapi);
    registerStatementCounter(strapi);
    registerResponseCache(strapi);
    registerReadIndexes(strapi);
    registerPublishedCounters(strapi);
    registerDraftAccess(strapi);
    registerQueryParamChecks(strapi);
    registerGraphqlExtensions(strapi);
    registerGraphqlBatching(strapi);
    registerContentValidation(strapi);
    registerReaderPages(strapi);
    registerCorsPolicy(strapi);
    registerRateLimits();
    registerLimits(strapi);
  },

  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    startPlatform(strapi);
    // Last Document Service middleware of all: it must sit right before the repository.
    await runReadsWithoutTransactions(strapi);
    sanitizeOutputInOnePass(strapi);
    await startResponseCache();
    await startRateLimits(strapi);
    await grantPublicRead(strapi);
    await createDevAdmin(strapi);
    await applyAdminLayouts(strapi);
    if (seedOnBootstrap()) await seedDatabase(strapi);
  },

  async destroy() {
    await stopResponseCache();
    await stopRateLimits();
  },
};
