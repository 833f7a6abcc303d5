import type { Core } from '@strapi/strapi';
import { addGlobalMiddlewares } from '../platform/global-middlewares';
import { registerGraphqlExtensions } from './graphql-arguments';
import graphqlRequestGuard from './graphql-bounds/middleware';
import queryGuard from './query-guard/middleware';
import { registerQueryParamChecks } from './query-params';
import rateLimit from './rate-limits/middleware';
import { registerRateLimits, startRateLimits, stopRateLimits } from './rate-limits';

/**
 * Every limit in one place: page sizes, body size, the REST query guard, query parameters checked
 * against the content types, GraphQL arguments and bounds, rate limits.
 */

/** In `register`, after access: the query checks follow the draft rule in the Document Service. */
export function registerLimits(strapi: Core.Strapi): void {
  // The `global::` middlewares config/middlewares.ts places in the chain.
  addGlobalMiddlewares(strapi, {
    'graphql-request-guard': graphqlRequestGuard,
    'rate-limit': rateLimit,
    'query-guard': queryGuard,
  });
  registerQueryParamChecks(strapi);
  // Before GraphQL batching's extension: arguments are checked before any resolver runs.
  registerGraphqlExtensions(strapi);
  registerRateLimits();
}

/** In `bootstrap`: the rate limits' counter store. */
export const startLimits = (strapi: Core.Strapi): Promise<void> => startRateLimits(strapi);

/** In `destroy`. */
export const stopLimits = (): Promise<void> => stopRateLimits();
