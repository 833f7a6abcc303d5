import type { Core } from '@strapi/strapi';
import { createRequestLog } from './index';

/** `global::request-log` (registered by registerPlatform), listed in config/middlewares.ts in place of strapi::logger. */
export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) => createRequestLog(strapi);
