import type { Core } from '@strapi/strapi';
import { createRequestLog } from '../platform/request-log';

/** `global::request-log`, listed in config/middlewares.ts in place of strapi::logger. */
export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) => createRequestLog(strapi);
