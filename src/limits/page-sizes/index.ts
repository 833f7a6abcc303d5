/**
 * The read limits every public API shares. REST (config/api.ts), GraphQL
 * (config/plugins.ts) and the query guard all read them from here, so a page
 * size allowed by one is allowed by the others.
 */
export const PAGE_SIZE = {
  /** Entries per page when a request does not ask for a size. */
  default: 25,
  /** The largest page anyone may ask for; larger requests are refused (src/limits/page-sizes/pagination.ts), not silently cut. */
  max: 100,
} as const;

/**
 * How deeply a GraphQL operation may nest fields. The deepest useful query
 * (articles → events → participants → articles → …) stays well inside it.
 */
export const GRAPHQL_DEPTH_LIMIT = 8;

/** Largest JSON or form body accepted on any endpoint. */
export const BODY_LIMIT = '1mb';
export const BODY_LIMIT_BYTES = 1024 * 1024;
