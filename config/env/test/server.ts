import type { Core } from '@strapi/strapi';

/**
 * Merged over config/server.ts when NODE_ENV=test: the suites print only
 * warnings and errors (STRAPI_LOG_LEVEL=http brings request logs back).
 */
export default ({ env }: Core.Config.Shared.ConfigParams) => ({
  logger: {
    config: { level: env('STRAPI_LOG_LEVEL', 'warn') },
    startup: { enabled: false },
  },
});
