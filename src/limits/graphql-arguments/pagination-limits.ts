import { GraphQLError } from 'graphql';
import { paginationRangeProblem, type PaginationNumbers } from '../page-sizes/pagination';

/**
 * The `pagination` argument of a collection, connection or relation field,
 * checked against the same ranges as REST. A problem becomes a 400 (Apollo
 * takes the status from `extensions.http`), not a 200 with an error inside.
 */
export function assertPaginationArgs(pagination: PaginationNumbers | null | undefined): void {
  if (!pagination) return;
  const problem = paginationRangeProblem(pagination, (key) => `pagination.${key}`);
  if (problem) {
    throw new GraphQLError(problem, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
  }
}
