import type { Core } from '@strapi/strapi';
import { createRateLimitMiddleware } from './index';

/** `global::rate-limit`, registered by src/limits/index.ts and listed in config/middlewares.ts; the budgets live in src/limits/rate-limits. */
export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) => createRateLimitMiddleware(strapi);
