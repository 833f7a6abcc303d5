import type { Core } from '@strapi/strapi';
import { createGraphqlRequestGuard } from './index';

/** `global::graphql-request-guard`, registered by src/limits/index.ts and listed in config/middlewares.ts; the logic lives in src/limits/graphql-bounds. */
export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) =>
  createGraphqlRequestGuard(strapi.config.get<string>('plugin::graphql.endpoint', '/graphql'));
