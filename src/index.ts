import type { Core } from '@strapi/strapi';
import { applyAdminLayouts } from './admin-layout';
import { registerContentValidation } from './content-validation';
import { createDevAdmin } from './dev-admin';
import { registerDraftAccess } from './draft-access';
import { registerQueryParamChecks } from './limits/query-params';
import { registerGraphqlExtensions } from './graphql';
import { registerGraphqlBatching } from './graphql-batching';
import { grantPublicRead } from './permissions/grant-public-read';
import { registerReaderPages } from './reader';
import { sanitizeOutputInOnePass } from './output-sanitizing';
import { registerPublishedCounters } from './published-counts';
import { registerReadIndexes } from './read-indexes';
import { runReadsWithoutTransactions } from './read-transactions';
import { seedDatabase } from './seed';
import { runStartupChecks } from './startup-checks';
import { registerStatementCounter } from './sql-statements';
import { registerResponseCache, startResponseCache, stopResponseCache } from './response-cache';
import { registerRateLimits, startRateLimits, stopRateLimits } from './limits/rate-limits';
import { registerCorsPolicy } from './access/cors';
import { registerPlatform, startPlatform } from './platform';

/** SEED_ON_BOOTSTRAP=false turns the bootstrap seed off; `npm run seed` still works. */
const seedOnBootstrap = () => process.env.SEED_ON_BOOTSTRAP?.trim().toLowerCase() !== 'false';

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
