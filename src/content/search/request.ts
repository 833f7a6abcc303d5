import { errors } from '@strapi/utils';
import { publicStatusProblem } from '../../access/draft-access';
import { SEARCH_LIMITS } from '../../limits/page-sizes';
import { paginationRangeProblem } from '../../limits/page-sizes/pagination';
import { isPlainObject } from '../../platform/values';
import type { SearchRequest, SearchStatus } from './query';
import { isSearchType, SEARCH_TYPES, type SearchType } from './searched-types';

/**
 * Reading a search request, REST or GraphQL, into a SearchRequest. Every
 * mistake is a Strapi ValidationError naming the parameter (a 400, GraphQL's
 * BAD_USER_INPUT); asking for drafts without an API token is a PolicyError
 * (403, FORBIDDEN), as for every other read (src/access/draft-access).
 */

const REST_PARAMETERS = ['q', 'type', 'status', 'pagination'] as const;
const TYPE_LIST = SEARCH_TYPES.join(', ');

/** A caller's value named in a message only when it is a short plain word: anything else is not repeated back. */
const named = (value: string) => (/^[\w.-]{1,40}$/.test(value) ? `"${value}"` : 'an entry');

const invalid = (message: string, param: string): never => {
  throw new errors.ValidationError(message, { source: 'query', param });
};

/** The query text: one text, not empty, at most SEARCH_LIMITS.maxQueryLength characters, no NUL. */
export function readQueryText(value: unknown, name: string): string {
  if (value === undefined || value === null) invalid(`${name} is required: the text to search for`, name);
  if (Array.isArray(value) || typeof value !== 'string') invalid(`${name} must be one text (given once), not ${Array.isArray(value) ? 'a list' : 'an object'}`, name);
  const text = (value as string).trim();
  if (text === '') invalid(`${name} must not be empty: give the text to search for`, name);
  const length = [...text].length;
  if (length > SEARCH_LIMITS.maxQueryLength) invalid(`${name} may be at most ${SEARCH_LIMITS.maxQueryLength} characters long; got ${length}`, name);
  if (text.includes('\u0000')) invalid(`${name} must not contain a NUL character`, name);
  return text;
}

/** Searched types from names: every one known, none empty; in the API's order, each once. */
function readTypeNames(names: unknown[], name: string): SearchType[] {
  const wanted = new Set<SearchType>();
  for (const item of names) {
    if (typeof item !== 'string') invalid(`${name} takes type names (${TYPE_LIST}), not a list of lists or objects`, name);
    for (const part of (item as string).split(',')) {
      const typeName = part.trim();
      if (typeName === '') invalid(`${name} has an empty entry; it takes ${TYPE_LIST}, comma-separated or repeated`, name);
      if (!isSearchType(typeName)) invalid(`${name} has ${named(typeName)}, which is not a searchable type; use ${TYPE_LIST}`, name);
      wanted.add(typeName as SearchType);
    }
  }
  return SEARCH_TYPES.filter((type) => wanted.has(type));
}

/**
 * The status a caller may search: published by default; drafts only with an
 * API token. Without one, the public's rule applies word for word.
 */
export function readStatus(value: unknown, hasToken: boolean, name: string): SearchStatus {
  if (!hasToken) {
    const problem = publicStatusProblem(value);
    if (problem?.forbidden) throw new errors.PolicyError(problem.message);
    if (problem) invalid(problem.message, name);
    return 'published';
  }
  if (value === undefined) return 'published';
  if (value === 'published' || value === 'draft') return value;
  return invalid(`${name} must be 'published' or 'draft'`, name);
}

const INTEGER = /^\d+$/;

/** REST `pagination[page]` and `pagination[pageSize]` (the query guard has checked their ranges already). */
function readRestPagination(value: unknown): { page: number; pageSize: number } {
  if (value === undefined) return { page: 1, pageSize: SEARCH_LIMITS.defaultPageSize };
  if (!isPlainObject(value)) return invalid('pagination must be an object, such as pagination[page]=2&pagination[pageSize]=10', 'pagination');
  const numbers: { page?: number; pageSize?: number } = {};
  for (const [key, raw] of Object.entries(value)) {
    if (key !== 'page' && key !== 'pageSize') {
      invalid(`pagination has ${named(key)}, which search does not take; it pages with pagination[page] and pagination[pageSize]`, 'pagination');
    }
    if (typeof raw !== 'string' || !INTEGER.test(raw.trim())) invalid(`pagination[${key}] must be a whole number`, 'pagination');
    numbers[key as 'page' | 'pageSize'] = Number(raw);
  }
  return checkedPagination(numbers, (key) => `pagination[${key}]`);
}

function checkedPagination(numbers: { page?: number | null; pageSize?: number | null }, label: (key: 'page' | 'pageSize') => string) {
  const problem = paginationRangeProblem(numbers, (key) => label(key as 'page' | 'pageSize'));
  if (problem) invalid(problem, 'pagination');
  return { page: numbers.page ?? 1, pageSize: numbers.pageSize ?? SEARCH_LIMITS.defaultPageSize };
}

/** `GET /api/search?q=…&type=…&status=…&pagination[page]=…&pagination[pageSize]=…` */
export function readRestSearch(query: Record<string, unknown>, hasToken: boolean): SearchRequest {
  for (const key of Object.keys(query)) {
    if (!(REST_PARAMETERS as readonly string[]).includes(key)) {
      invalid(`The query has ${named(key)}, which is not a search parameter; search takes ${REST_PARAMETERS.join(', ')}`, 'query');
    }
  }
  const text = readQueryText(query.q, 'q');
  let types: SearchType[] = [...SEARCH_TYPES];
  if (query.type !== undefined) {
    if (isPlainObject(query.type)) invalid(`type takes type names (${TYPE_LIST}), comma-separated or repeated`, 'type');
    types = readTypeNames(Array.isArray(query.type) ? query.type : [query.type], 'type');
  }
  const status = readStatus(query.status, hasToken, 'status');
  return { text, types, status, ...readRestPagination(query.pagination) };
}

export interface GraphqlSearchArgs {
  q?: unknown;
  types?: unknown;
  status?: unknown;
  pagination?: { page?: number | null; pageSize?: number | null; start?: number | null; limit?: number | null } | null;
}

/** `search(q, types, pagination, status)`: GraphQL has checked the types; the values are checked here. */
export function readGraphqlSearch(args: GraphqlSearchArgs, hasToken: boolean): SearchRequest {
  const text = readQueryText(args.q, 'q');
  let types: SearchType[] = [...SEARCH_TYPES];
  if (args.types !== undefined && args.types !== null) {
    const names = Array.isArray(args.types) ? args.types : [args.types];
    if (names.length === 0) invalid(`types must name at least one type (${TYPE_LIST}), or be left out for all`, 'types');
    types = readTypeNames(names, 'types');
  }
  const status = readStatus(args.status ?? undefined, hasToken, 'status');
  const pagination = args.pagination ?? {};
  if ((pagination.start ?? null) !== null || (pagination.limit ?? null) !== null) {
    invalid('search pages with pagination.page and pagination.pageSize, not start and limit', 'pagination');
  }
  return { text, types, status, ...checkedPagination({ page: pagination.page, pageSize: pagination.pageSize }, (key) => `pagination.${key}`) };
}
