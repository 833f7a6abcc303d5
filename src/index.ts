import type { Core } from '@strapi/strapi';
import { bootstrapAccess, registerAccess } from './access';
import { bootstrapContent, registerContent } from './content';
import { bootstrapIntegrations, registerIntegrations, stopIntegrations } from './integrations';
import { registerLimits, startLimits, stopLimits } from './limits';
import { bootstrapPerformance, registerPerformance, reportPatches, stopPerformance } from './performance';
import { registerPlatform, startPlatform } from './platform';

/**
 * The app by concern (README, "Where things are"). The order matters where two concerns add to
 * the same chain: HTTP middlewares run in the order added, Document Service middlewares and
 * GraphQL extensions too.
 */
export default {
  register({ strapi }: { strapi: Core.Strapi }) {
    // Start-up checks first; then readiness, metrics and database faults, ahead of the response cache.
    registerPlatform(strapi);
    registerAccess(strapi);
    // Webhook settings checked, Strapi's runner left the entry events, the OpenAPI contract
    // served ahead of the limits and the cache.
    registerIntegrations(strapi);
    registerLimits(strapi);
    // After the limits: their GraphQL argument checks must wrap the batching's resolvers.
    registerPerformance(strapi);
    registerContent(strapi);
  },

  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    startPlatform(strapi);
    // First: reads without transactions must be the last Document Service middleware, right before the repository.
    await bootstrapPerformance(strapi);
    await startLimits(strapi);
    await bootstrapAccess(strapi);
    await bootstrapContent(strapi);
    await bootstrapIntegrations(strapi);
    // Every patch of a Strapi internal has been guarded by now: one line says which are on.
    reportPatches(strapi);
  },

  async destroy({ strapi }: { strapi: Core.Strapi }) {
    // First: deliveries in flight finish while the database is still there.
    await stopIntegrations(strapi);
    await stopPerformance();
    await stopLimits();
  },
};
