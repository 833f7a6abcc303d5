import type { Core } from '@strapi/strapi';
import { addGlobalMiddlewares } from '../platform/global-middlewares';
import graphqlRequestGuard from './graphql-bounds/middleware';
import queryGuard from './query-guard/middleware';
import rateLimit from './rate-limits/middleware';

/**
 * Every limit in one place: page sizes, body size, the REST query guard, GraphQL arguments and
 * bounds, rate limits. In `register`.
 */
export function registerLimits(strapi: Core.Strapi): void {
  // The `global::` middlewares config/middlewares.ts places in the chain.
  addGlobalMiddlewares(strapi, {
    'graphql-request-guard': graphqlRequestGuard,
    'rate-limit': rateLimit,
    'query-guard': queryGuard,
  });
}
