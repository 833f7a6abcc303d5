import type { Core } from '@strapi/strapi';
import { createDatabaseFaultMiddleware } from './index';

/** `global::database-faults` (registered by registerPlatform), listed right after strapi::errors in config/middlewares.ts (src/platform/database-faults). */
export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) => createDatabaseFaultMiddleware(strapi);
