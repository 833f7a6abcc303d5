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

/**
 * Search (src/content/search), over REST and GraphQL alike. Its page size ranges
 * up to PAGE_SIZE.max like every list; its default is smaller, a page of
 * results rather than a page of content.
 */
export const SEARCH_LIMITS = {
  /** Results per page when a request does not ask for a size. */
  defaultPageSize: 10,
  /** The longest query text, in characters. */
  maxQueryLength: 200,
  /**
   * The most results one search ranks and pages through. When more documents
   * match, the newest this many are ranked, and the answer says its total is
   * not exact: ranking every match of a word found in 100,000 articles would
   * read every one of them on each request.
   */
  resultWindow: 1000,
} as const;
