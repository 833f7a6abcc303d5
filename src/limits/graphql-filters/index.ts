/**
 * Two filter operators that the GraphQL schema offers but Strapi cannot run
 * as typed, refused or rewritten before the resolver (src/limits/graphql-arguments mounts this
 * on every field with a `filters` argument):
 * - `between` takes exactly two values, from and to. Strapi drops a repeated
 *   value before knex sees it, so `between: [a, a]` (one day, say) is answered
 *   as `gte: a, lte: a`, the same rows; any other count is refused.
 * - `and` / `or` inside a field's filter are typed as lists of values by the
 *   plugin's schema, which Strapi cannot read; they belong at the top level of
 *   `filters` (or of a relation's filter), where they take filter objects.
 * - `between`, `and` and `or` set to null are refused (Strapi cannot run them).
 * - DateTime values, which GraphQL hands over as Date objects, are passed on as
 *   ISO 8601 text: Strapi's filter sanitizer drops Date objects inside a list
 *   (it takes them for empty objects), so `in`, `notIn` and `between` on a
 *   date-time lost their values and reached the query checks empty.
 * No content type here has an attribute named `between`, `and` or `or`, so the
 * names are operators wherever they appear.
 */

import { isPlainObject } from '../../platform/values';

export type FilterCheck = { ok: true; filters: unknown } | { ok: false; problem: string };

const sameValue = (a: unknown, b: unknown) =>
  (a instanceof Date ? a.getTime() : String(a)) === (b instanceof Date ? b.getTime() : String(b));

const asText = (value: unknown) => (value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : value);

export function checkGraphqlFilters(filters: unknown, path = 'filters'): FilterCheck {
  if (filters instanceof Date) return { ok: true, filters: asText(filters) };
  if (Array.isArray(filters)) {
    const items: unknown[] = [];
    for (const [index, item] of filters.entries()) {
      const checked = checkGraphqlFilters(item, `${path}[${index}]`);
      if (!checked.ok) return checked;
      items.push(checked.filters);
    }
    return { ok: true, filters: items };
  }
  if (!isPlainObject(filters)) return { ok: true, filters };

  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filters)) {
    const where = `${path}.${key}`;
    if ((key === 'and' || key === 'or' || key === 'between') && value === null) {
      return { ok: false, problem: `${where} cannot be null: leave it out instead` };
    }
    if ((key === 'and' || key === 'or') && Array.isArray(value) && value.some((item) => !isPlainObject(item))) {
      return { ok: false, problem: `${where} takes filter objects, and only at the top level of a filter: put "${key}" around whole filters, not inside a field's operators` };
    }
    if (key === 'between' && value !== undefined) {
      const values = Array.isArray(value) ? value : [value];
      if (values.length !== 2 || values.some((item) => item === null || item === undefined)) {
        return { ok: false, problem: `${where} takes exactly two values, [from, to]; got ${values.length === 2 ? 'a null' : values.length}` };
      }
      if (sameValue(values[0], values[1])) {
        if ('gte' in filters || 'lte' in filters) {
          return { ok: false, problem: `${where} with two equal values cannot be combined with gte or lte: use eq` };
        }
        result.gte = asText(values[0]);
        result.lte = asText(values[1]);
        continue;
      }
      result[key] = values.map(asText);
      continue;
    }
    const checked = checkGraphqlFilters(value, where);
    if (!checked.ok) return checked;
    result[key] = checked.filters;
  }
  return { ok: true, filters: result };
}
