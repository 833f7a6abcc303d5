import { errors } from '@strapi/utils';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { createGraphqlErrorFormatter, INTERNAL_ERROR_MESSAGE } from '../../src/platform/graphql-errors';

/**
 * The GraphQL error formatter on the errors a resolver can raise, as Apollo
 * hands them over (a GraphQLError with a path wrapping the original), in
 * development and production alike. The hostile suites show it on real
 * requests; these are the kinds no well-behaved request reaches.
 */

/** What Apollo passes as the first argument: the error as JSON, with its stack trace outside production. */
const asApollo = (error: GraphQLError): GraphQLFormattedError => ({
  ...error.toJSON(),
  extensions: { ...error.extensions, code: error.extensions.code ?? 'INTERNAL_SERVER_ERROR', stacktrace: error.stack?.split('\n') },
});

const fromResolver = (original: Error) => new GraphQLError(original.message, { path: ['articles'], originalError: original });

const databaseError = (code: string, message: string) => Object.assign(new Error(message), { name: 'error', code });

const SQL = 'select "t0"."id" from "public"."articles" as "t0" where "t0"."body" LIKE $1';

let logged: jest.SpyInstance;
beforeEach(() => {
  logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => logged.mockRestore());

describe.each([false, true])('GraphQL errors (suggestions hidden: %s)', (hideSuggestions) => {
  const format = createGraphqlErrorFormatter({ hideSuggestions });
  const formatted = (error: GraphQLError) => format(asApollo(error), error);

  it.each([
    ['a database error nobody caused on purpose', databaseError('42P01', `${SQL} - relation "articles" does not exist`)],
    ['a programming error', new TypeError("Cannot read properties of undefined (reading 'kind')")],
  ])('%s: a bare internal error, logged on the server', (_label, original) => {
    const answer = formatted(fromResolver(original));
    expect(answer).toEqual({ message: INTERNAL_ERROR_MESSAGE, path: ['articles'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(logged).toHaveBeenCalledTimes(1);
    expect(String(logged.mock.calls[0][0])).toContain(original.message);
  });

  it.each([
    ['42883', 'An operator in the filters does not apply to the type of its field'],
    ['22P02', 'A value in the filters does not fit the type of the field it is compared with'],
    ['22003', 'A value in the filters does not fit the type of the field it is compared with'],
  ])('SQLSTATE %s: BAD_USER_INPUT in the project\'s words, without the SQL', (code, message) => {
    const answer = formatted(fromResolver(databaseError(code, `${SQL} - whatever PostgreSQL said`)));
    expect(answer.message).toMatch(message);
    expect(answer.extensions).toEqual({ code: 'BAD_USER_INPUT' });
    expect(JSON.stringify(answer)).not.toMatch(/select|LIKE|PostgreSQL/);
    expect(logged).not.toHaveBeenCalled();
  });

  it('a Strapi ValidationError keeps its message and details, without a stack trace', () => {
    const answer = formatted(fromResolver(new errors.ValidationError('Slug "x" is already used', { field: 'slug' })));
    expect(answer).toEqual({
      message: 'Slug "x" is already used',
      path: ['articles'],
      extensions: { code: 'BAD_USER_INPUT', error: { name: 'ValidationError', message: 'Slug "x" is already used', details: { field: 'slug' } } },
    });
  });

  it('a Strapi ForbiddenError is FORBIDDEN', () => {
    expect(formatted(fromResolver(new errors.ForbiddenError()))).toMatchObject({ message: 'Forbidden access', extensions: { code: 'FORBIDDEN' } });
  });

  it(`a validation error ${hideSuggestions ? 'loses' : 'keeps'} its "Did you mean" hint`, () => {
    const error = new GraphQLError('Cannot query field "titl" on type "Article". Did you mean "title" or "slug"?', {
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    expect(formatted(error)).toEqual({
      message: hideSuggestions ? 'Cannot query field "titl" on type "Article".' : error.message,
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });
});
