import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { errors } from '@strapi/utils';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { databaseInputProblem } from './database-input';

const { ApplicationError, ForbiddenError, HttpError, UnauthorizedError, ValidationError } = errors;

/** What the caller reads when the server failed: nothing about why. */
export const INTERNAL_ERROR_MESSAGE = 'Internal server error';

/** graphql-js's "Did you mean …?" hints, which spell out the schema's field, type and enum names. */
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

type Log = { error: (message: string) => void };

/** Strapi's logger once it is up (the GraphQL plugin reaches it the same way); the console before. */
const log = (): Log => (globalThis as { strapi?: { log?: Log } }).strapi?.log ?? console;

const strapiCode = (name: string) => `STRAPI_${name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;

/**
 * Apollo's `formatError` for the GraphQL plugin, in place of the plugin's own
 * (which copies any error's message, SQL included, into `extensions.error`):
 * - the caller's own mistakes keep their message: Strapi's ValidationError
 *   (BAD_USER_INPUT), Forbidden / Unauthorized and policy errors (FORBIDDEN),
 *   other Strapi application errors (STRAPI_<NAME>), and GraphQL's and
 *   Apollo's own request errors (parse, validation, variables, operation);
 * - a database error the caller's filters caused (a value of the wrong type,
 *   an operator the column's type lacks) becomes BAD_USER_INPUT, in the
 *   project's words (database-input.ts);
 * - anything else is logged here and answered as a bare "Internal server
 *   error", without message, stack trace or `extensions.error`.
 * Stack traces never reach a caller, in any environment. With
 * `hideSuggestions` (production, where introspection is off), "Did you mean …"
 * hints are cut from every message.
 */
export function createGraphqlErrorFormatter({ hideSuggestions }: { hideSuggestions: boolean }) {
  const words = (message: string) => (hideSuggestions ? message.replace(SUGGESTION, '') : message);
  const where = (formatted: GraphQLFormattedError) => ({
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
  });
  const strapiError = (formatted: GraphQLFormattedError, code: string, error: { name: string; message: string; details?: unknown }) => ({
    message: words(error.message),
    ...where(formatted),
    extensions: { code, error: { name: error.name, message: words(error.message), details: error.details ?? {} } },
  });

  return function formatGraphqlError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
    const original = unwrapResolverError(error);

    if (original instanceof ForbiddenError || original instanceof UnauthorizedError) return strapiError(formatted, 'FORBIDDEN', original);
    if (original instanceof ValidationError) return strapiError(formatted, 'BAD_USER_INPUT', original);
    if (original instanceof ApplicationError || original instanceof HttpError) {
      return strapiError(formatted, strapiCode(original.name), original);
    }

    const databaseProblem = databaseInputProblem(original);
    if (databaseProblem) return { message: databaseProblem, ...where(formatted), extensions: { code: 'BAD_USER_INPUT' } };

    const code = formatted.extensions?.code;
    if (original instanceof GraphQLError && typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') {
      // GraphQL's and Apollo's request errors, and the project's own GraphQLErrors (pagination limits).
      return { message: words(formatted.message), ...where(formatted), extensions: { code } };
    }

    const cause = original instanceof Error ? original.stack ?? `${original.name}: ${original.message}` : String(original);
    log().error(`GraphQL request failed: ${cause}`);
    return { message: INTERNAL_ERROR_MESSAGE, ...where(formatted), extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

/**
 * The Apollo settings that go with the formatter (config/plugins.ts spreads
 * them into `apolloServer`).
 */
export function graphqlErrorSettings({ hideSuggestions }: { hideSuggestions: boolean }) {
  return {
    formatError: createGraphqlErrorFormatter({ hideSuggestions }),
    includeStacktraceInErrorResponses: false,
  };
}

/**
 * Gives the request a 400 when a resolver refused the caller's input (a
 * Strapi ValidationError) or failed on a database error that input caused, as
 * GraphQL's own validation does: Apollo takes the HTTP status from the errors'
 * `extensions.http` before formatting, so it is set here, on the way.
 */
export const graphqlErrorPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors: found }) {
        for (const error of found) {
          const original = unwrapResolverError(error);
          if (original instanceof ValidationError || databaseInputProblem(original)) {
            (error.extensions as Record<string, unknown>).http = { status: 400 };
          }
        }
      },
    };
  },
};
