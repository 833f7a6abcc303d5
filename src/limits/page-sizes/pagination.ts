import { PAGE_SIZE } from './index';

export interface PaginationNumbers {
  page?: number | null;
  pageSize?: number | null;
  start?: number | null;
  limit?: number | null;
}

type PaginationKey = keyof PaginationNumbers;

/** What each pagination parameter accepts, in REST and GraphQL alike. */
/** Pages and offsets beyond these hold nothing; larger numbers lose precision and were read as the first page. */
const MAX_PAGE = 1_000_000;
const MAX_START = 100_000_000;

const RANGES: Record<PaginationKey, { min: number; max?: number }> = {
  page: { min: 1, max: MAX_PAGE },
  pageSize: { min: 1, max: PAGE_SIZE.max },
  start: { min: 0, max: MAX_START },
  limit: { min: 1, max: PAGE_SIZE.max },
};

export const PAGINATION_KEYS = Object.keys(RANGES) as PaginationKey[];

/** "an integer from 1 to 100", "an integer of at least 0" */
export function describeRange(key: PaginationKey): string {
  const { min, max } = RANGES[key];
  return max === undefined ? `an integer of at least ${min}` : `an integer from ${min} to ${max}`;
}

/**
 * Strapi quietly cuts an oversized page down to its maximum (and reads
 * `limit: -1` as "everything"), so a caller gets fewer rows than it asked for
 * without knowing. Both APIs refuse such a request instead, naming the
 * parameter as the caller wrote it (`label`) and the range it accepts.
 *
 * Returns the problem, or null when the numbers are fine.
 */
export function paginationRangeProblem(pagination: PaginationNumbers, label: (key: PaginationKey) => string): string | null {
  for (const key of PAGINATION_KEYS) {
    const value = pagination[key];
    if (value === undefined || value === null) continue;
    const { min, max } = RANGES[key];
    if (!Number.isInteger(value) || value < min || (max !== undefined && value > max)) {
      return `${label(key)} must be ${describeRange(key)}; got ${value}`;
    }
  }
  const has = (key: PaginationKey) => pagination[key] !== undefined && pagination[key] !== null;
  if ((has('page') || has('pageSize')) && (has('start') || has('limit'))) {
    return 'pagination takes either page and pageSize, or start and limit, not both';
  }
  return null;
}
