import { describeRange, PAGINATION_KEYS, paginationRangeProblem, type PaginationNumbers } from '../page-sizes/pagination';

const INTEGER = /^-?\d+$/;
const label = (key: string) => `pagination[${key}]`;

/**
 * Checks REST `pagination[...]` parameters: known keys, integers in their
 * ranges (see src/limits/page-sizes/pagination.ts), and a boolean `withCount`. Strapi would
 * read a non-numeric page size as the default and cut an oversized one.
 *
 * Returns the problem, or null when the parameters are fine.
 */
export function paginationProblem(pagination: unknown): string | null {
  if (pagination === undefined) return null;
  if (pagination === null || typeof pagination !== 'object' || Array.isArray(pagination)) {
    return 'pagination must be an object, such as pagination[page]=1&pagination[pageSize]=25';
  }
  const params = pagination as Record<string, unknown>;

  const numbers: PaginationNumbers = {};
  for (const [key, raw] of Object.entries(params)) {
    if (key === 'withCount') {
      if (raw !== 'true' && raw !== 'false') return `${label(key)} must be true or false; got ${JSON.stringify(raw)}`;
      continue;
    }
    const numberKey = PAGINATION_KEYS.find((known) => known === key);
    if (!numberKey) {
      return `${label(key)} is not a pagination parameter; use page and pageSize, or start and limit`;
    }
    if (typeof raw !== 'string' || !INTEGER.test(raw.trim())) {
      return `${label(key)} must be ${describeRange(numberKey)}; got ${JSON.stringify(raw)}`;
    }
    numbers[numberKey] = Number(raw);
  }
  return paginationRangeProblem(numbers, label);
}
