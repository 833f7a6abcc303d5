import { PAGE_SIZE } from '../api-limits';

const PAGINATION_KEYS = new Set(['page', 'pageSize', 'start', 'limit', 'withCount']);
const INTEGER = /^-?\d+$/;

/**
 * Checks REST `pagination[...]` parameters. Strapi quietly turns a non-numeric
 * page size into the default and an oversized one into the maximum; a caller
 * then gets a different page than it asked for without knowing. Here both are
 * refused, naming the parameter and the allowed range.
 *
 * Returns the problem, or null when the parameters are fine.
 */
export function paginationProblem(pagination: unknown): string | null {
  if (pagination === undefined) return null;
  if (pagination === null || typeof pagination !== 'object' || Array.isArray(pagination)) {
    return 'pagination must be an object, such as pagination[page]=1&pagination[pageSize]=25';
  }
  const params = pagination as Record<string, unknown>;
  for (const key of Object.keys(params)) {
    if (!PAGINATION_KEYS.has(key)) {
      return `pagination[${key}] is not a pagination parameter; use page and pageSize, or start and limit`;
    }
  }

  const ranges: Record<string, { min: number; max?: number }> = {
    page: { min: 1 },
    pageSize: { min: 1, max: PAGE_SIZE.max },
    start: { min: 0 },
    limit: { min: 1, max: PAGE_SIZE.max },
  };
  for (const [key, { min, max }] of Object.entries(ranges)) {
    if (!(key in params)) continue;
    const raw = params[key];
    const range = max === undefined ? `an integer of at least ${min}` : `an integer from ${min} to ${max}`;
    if (typeof raw !== 'string' || !INTEGER.test(raw.trim())) {
      return `pagination[${key}] must be ${range}; got ${JSON.stringify(raw)}`;
    }
    const value = Number(raw);
    if (value < min || (max !== undefined && value > max)) {
      return `pagination[${key}] must be ${range}; got ${value}`;
    }
  }

  if (('page' in params || 'pageSize' in params) && ('start' in params || 'limit' in params)) {
    return 'pagination takes either page and pageSize, or start and limit, not both';
  }
  if ('withCount' in params && !['true', 'false'].includes(String(params.withCount))) {
    return `pagination[withCount] must be true or false; got ${JSON.stringify(params.withCount)}`;
  }
  return null;
}
