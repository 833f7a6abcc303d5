import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { contentApiCaller } from '../../access/content-api-caller';
import { callerDatabaseProblem } from '../query-guard/database-errors';
import { readParamsProblem, type Model, type ReadParams } from './query-params';

/**
 * Checks every content-API Document Service call's `filters`, `fields`, `sort`,
 * `populate` and `_q` against the content types (field types × operators ×
 * values), REST and GraphQL alike, populated relations included. A problem is
 * a ValidationError: a 400 over REST, BAD_USER_INPUT over GraphQL. A database
 * error the caller's values caused anyway is answered the same way, in the
 * project's words.
 */
export function registerQueryParamChecks(strapi: Core.Strapi): void {
  // The cast only widens Strapi's literal UID type; getModel answers undefined for an unknown uid.
  const modelOf = (uid: string) => strapi.getModel(uid as 'api::article.article') as unknown as Model | undefined;

  strapi.documents.use(async (context, next) => {
    if (!contentApiCaller(strapi).isContentApi) return next();
    const problem = readParamsProblem(modelOf, context.uid, (context.params ?? {}) as ReadParams);
    if (problem) throw new errors.ValidationError(problem, { source: 'query' });
    try {
      return await next();
    } catch (error) {
      const databaseProblem = callerDatabaseProblem(error);
      if (databaseProblem) throw new errors.ValidationError(databaseProblem);
      throw error;
    }
  });
}
