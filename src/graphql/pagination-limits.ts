import { GraphQLError } from 'graphql';
import { PAGE_SIZE } from '../api-limits';

interface PaginationArgs {
  page?: number | null;
  pageSize?: number | null;
  start?: number | null;
  limit?: number | null;
}

/**
 * The plugin quietly cuts an oversized `limit` or `pageSize` down to maxLimit
 * (and treats `limit: -1` as "everything"): a client then receives fewer rows
 * than it asked for without knowing. Here such a request is refused with a
 * 400 naming the argument and the allowed range, as REST does.
 */
export function paginationArgsProblem(pagination: PaginationArgs | null | undefined): string | null {
  if (!pagination) return null;
  const ranges: Array<[keyof PaginationArgs, number, number | undefined]> = [
    ['page', 1, undefined],
    ['pageSize', 1, PAGE_SIZE.max],
    ['start', 0, undefined],
    ['limit', 1, PAGE_SIZE.max],
  ];
  for (const [key, min, max] of ranges) {
    const value = pagination[key];
    if (value === undefined || value === null) continue;
    if (value < min || (max !== undefined && value > max)) {
      const range = max === undefined ? `at least ${min}` : `from ${min} to ${max}`;
      return `pagination.${key} must be ${range}; got ${value}`;
    }
  }
  if ((pagination.page != null || pagination.pageSize != null) && (pagination.start != null || pagination.limit != null)) {
    return 'pagination takes either page and pageSize, or start and limit, not both';
  }
  return null;
}

export function paginationError(problem: string): GraphQLError {
  return new GraphQLError(problem, {
    extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
  });
}
