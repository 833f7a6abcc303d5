/**
 * How much one GraphQL request may ask for, beside the depth limit
 * (GRAPHQL_DEPTH_LIMIT in src/limits/page-sizes, enforced by the GraphQL plugin).
 * Each root field and each alias is a query of its own, so breadth is bounded
 * as well as depth. The deepest useful queries (articles → events →
 * participants → articles, 8 levels, with a dozen fields each) stay far inside
 * every bound; a request past one is refused with a 400 naming it.
 */
export const GRAPHQL_BOUNDS = {
  /** Lexical tokens in one document: graphql-js stops parsing past this, before building anything. */
  maxTokens: 3_000,
  /** Aliased fields in one operation, counted with its fragments expanded. */
  maxAliases: 30,
  /** Fields at the root of one operation, by response name (fragments expanded): each one is its own database query. */
  maxRootFields: 15,
  /** Directives (`@skip`, `@include`, ...) in one document. */
  maxDirectives: 30,
} as const;

/** Parse options for every parse of a caller's document (Apollo's and the response cache's). */
export const GRAPHQL_PARSE_OPTIONS = { maxTokens: GRAPHQL_BOUNDS.maxTokens } as const;
