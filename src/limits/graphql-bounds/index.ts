/**
 * GraphQL bounds: how much one request may ask for (bounds.ts), what a
 * document may not contain (document-checks.ts), and the guard that refuses
 * both before any work is done (request-guard.ts, mounted as
 * `global::graphql-request-guard` in config/middlewares.ts).
 */
export { GRAPHQL_BOUNDS, GRAPHQL_PARSE_OPTIONS } from './bounds';
export { documentProblem, type DocumentProblem } from './document-checks';
export { createGraphqlRequestGuard } from './request-guard';
