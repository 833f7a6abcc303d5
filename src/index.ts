import type { Core } from '@strapi/strapi';
import { applyAdminLayouts } from './admin-layout';
import { registerContentValidation } from './content-validation';
import { createDevAdmin } from './dev-admin';
import { registerDraftAccess } from './draft-access';
import { registerQueryParamChecks } from './limits/query-params';
import { registerGraphqlExtensions } from './graphql';
import { grantPublicRead } from './permissions/grant-public-read';
import { registerReaderPages } from './reader';
import { seedDatabase } from './seed';
import { runStartupChecks } from './startup-checks';
import { bootstrapPerformance, registerPerformance, reportPatches, stopPerformance } from './performance/registry';
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
    // Before performance: its GraphQL checks must wrap the batching's resolvers.
    registerGraphqlExtensions(strapi);
    registerPerformance(strapi);
    registerDraftAccess(strapi);
    registerQueryParamChecks(strapi);
    registerContentValidation(strapi);
    registerReaderPages(strapi);
    registerCorsPolicy(strapi);
    registerRateLimits();
  },

  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    startPlatform(strapi);
    await bootstrapPerformance(strapi);
    await startRateLimits(strapi);
    await grantPublicRead(strapi);
    await createDevAdmin(strapi);
    await applyAdminLayouts(strapi);
    // Every patch of a Strapi internal has been guarded by now: one line says which are on.
    reportPatches(strapi);
    if (seedOnBootstrap()) await seedDatabase(strapi);
  },

  async destroy() {
    await stopPerformance();
    await stopRateLimits();
  },
};
