import type { Core } from '@strapi/strapi';
import { createQueryGuard } from '../query-guard';

/** `global::query-guard`, listed in config/middlewares.ts; the logic lives in src/query-guard. */
export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) =>
  createQueryGuard(strapi.config.get<string>('api.rest.prefix', '/api'));
