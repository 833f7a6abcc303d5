import type { Core } from '@strapi/strapi';
import { createQueryGuard } from './index';

/** `global::query-guard`, registered by src/limits/index.ts and listed in config/middlewares.ts; the logic lives in src/limits/query-guard. */
export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) =>
  createQueryGuard(strapi.config.get<string>('api.rest.prefix', '/api'));
