import type { Core } from '@strapi/strapi';
import { createDatabaseFaultMiddleware } from '../platform/database-faults';

/** `global::database-faults`, listed right after strapi::errors in config/middlewares.ts (src/platform/database-faults). */
export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) => createDatabaseFaultMiddleware(strapi);
