import type { Core } from '@strapi/strapi';
import { createRateLimitMiddleware } from '../limits/rate-limits';

/** `global::rate-limit`, listed in config/middlewares.ts; the budgets live in src/limits/rate-limits. */
export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) => createRateLimitMiddleware(strapi);
