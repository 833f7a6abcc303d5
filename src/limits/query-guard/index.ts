import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { bodyProblem } from '../request-body';
import { callerDatabaseProblem } from './database-errors';
import { filtersProblem, populateFiltersProblem } from './filters';
import { paginationProblem } from './pagination';

/**
 * Guards the REST content API (`/api/...`) against malformed query strings
 * that Strapi would pass on to the database or silently reinterpret: the
 * request is answered with a 400 naming the parameter and what it accepts.
 * It must sit after `strapi::errors` (which formats the 400) and
 * `strapi::query` (which parses the query string).
 *
 * Every JSON body, on any path, is first checked for depth, prototype keys and
 * NUL characters (src/limits/request-body), after strapi::body parsed it and
 * before anything recurses into it.
 */
export function createQueryGuard(prefix: string): Core.MiddlewareHandler {
  const isContentApi = (path: string) => path === prefix || path.startsWith(`${prefix}/`);

  return async (ctx, next) => {
    const body = (ctx.request as { body?: unknown }).body;
    const shapeProblem = bodyProblem(body);
    if (shapeProblem) throw new errors.ValidationError(shapeProblem, { source: 'body' });

    if (!isContentApi(ctx.path)) return next();

    const query = ctx.query as Record<string, unknown>;
    const problem = paginationProblem(query.pagination) ?? filtersProblem(query.filters) ?? populateFiltersProblem(query.populate);
    if (problem) throw new errors.ValidationError(problem, { source: 'query' });

    try {
      await next();
    } catch (error) {
      const valueProblem = callerDatabaseProblem(error);
      if (valueProblem) throw new errors.ValidationError(valueProblem, { source: 'query' });
      throw error;
    }
  };
}
