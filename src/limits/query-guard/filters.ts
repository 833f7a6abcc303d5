/**
 * Checks the shape of REST `filters` before they reach the database layer,
 * which answers a malformed logical or range operator with a plain Error (and
 * so a 500). Field names and operator names are checked by Strapi itself
 * (strictParams); this covers what it lets through.
 */

import { isPlainObject } from '../../platform/values';
import { asList } from '../query-params/field-operators';

const LOGICAL_LISTS = new Set(['$and', '$or']);
/** Operators whose value is a list, and how many items it must have. */
const LIST_OPERATORS: Record<string, { min: number; max?: number }> = {
  $in: { min: 1 },
  $notIn: { min: 1 },
  $between: { min: 2, max: 2 },
};
const BOOLEAN_OPERATORS = new Set(['$null', '$notNull']);

function problemAt(value: unknown, path: string): string | null {
  if (!isPlainObject(value)) {
    return `${path} must be an object of fields and operators, such as ${path}[title][$eq]=…`;
  }
  for (const [key, child] of Object.entries(value)) {
    const childPath = `${path}[${key}]`;
    if (LOGICAL_LISTS.has(key)) {
      const list = asList(child);
      if (!list || list.length === 0) return `${childPath} must be a list of conditions, such as ${childPath}[0][title][$eq]=…`;
      for (const [index, condition] of list.entries()) {
        const problem = problemAt(condition, `${childPath}[${index}]`);
        if (problem) return problem;
      }
    } else if (key === '$not') {
      const problem = problemAt(child, childPath);
      if (problem) return problem;
    } else if (key in LIST_OPERATORS) {
      const list = Array.isArray(child) ? child : asList(child) ?? [child];
      const { min, max } = LIST_OPERATORS[key];
      const bad = list.length < min || (max !== undefined && list.length > max);
      if (bad || list.some((item) => typeof item === 'object' && item !== null)) {
        const count = max === min ? `exactly ${min}` : `at least ${min}`;
        return `${childPath} must be a list of ${count} plain values, such as ${childPath}[0]=…`;
      }
    } else if (BOOLEAN_OPERATORS.has(key)) {
      if (!['true', 'false', true, false, null].includes(child as string | boolean | null)) {
        return `${childPath} must be true or false`;
      }
    } else if (key.startsWith('$')) {
      // A comparison operator ($eq, $lt, $contains, …): a single value, or a list Strapi ORs together.
      if (isPlainObject(child)) return `${childPath} must be a value, not an object`;
    } else if (isPlainObject(child)) {
      // A field (or relation) name: its operators, or a nested relation's fields.
      const problem = problemAt(child, childPath);
      if (problem) return problem;
    }
  }
  return null;
}

/** Returns the first problem in a `filters` parameter, or null. */
export function filtersProblem(filters: unknown): string | null {
  if (filters === undefined) return null;
  // Strapi also takes a list of condition objects at the top level (joined with AND).
  if (Array.isArray(filters)) {
    for (const [index, condition] of filters.entries()) {
      const problem = problemAt(condition, `filters[${index}]`);
      if (problem) return problem;
    }
    return null;
  }
  return problemAt(filters, 'filters');
}

/** The first problem in the `filters` of any relation inside `populate` (populate[people][filters]…), or null. */
export function populateFiltersProblem(populate: unknown, path = 'populate', depth = 0): string | null {
  if (!isPlainObject(populate) || depth > 10) return null;
  for (const [name, options] of Object.entries(populate)) {
    if (!isPlainObject(options)) continue;
    const childPath = `${path}[${name}]`;
    if (options.filters !== undefined) {
      const problem = Array.isArray(options.filters)
        ? `${childPath}[filters] must be an object of fields and operators`
        : problemAt(options.filters, `${childPath}[filters]`);
      if (problem) return problem;
    }
    const nested = populateFiltersProblem(options.populate, `${childPath}[populate]`, depth + 1);
    if (nested) return nested;
  }
  return null;
}
