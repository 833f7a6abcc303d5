/** Small facts about plain values that several concerns need alike. */

/**
 * An object made by `{}`, JSON.parse, qs or graphql-js (whose argument objects have no prototype):
 * not an array, a Date, a Buffer or any other class instance.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * JSON with object keys sorted at every level (arrays keep their order, undefined values are left
 * out as JSON.stringify leaves them), so equal values give equal text whatever their key order.
 * Under a key named in `keepOrderUnder`, at any depth, key order is kept: there the order means
 * something (a query's `sort[country]=asc&sort[name]=desc` sorts by country first).
 */
export function canonicalJson(value: unknown, keepOrderUnder: ReadonlySet<string> = NO_KEYS, keepOrder = false): string {
  if (Array.isArray(value)) {
    return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item, keepOrderUnder, keepOrder))).join(',')}]`;
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const record = value as Record<string, unknown>;
    const present = Object.keys(record).filter((key) => record[key] !== undefined);
    const keys = keepOrder ? present : present.sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key], keepOrderUnder, keepOrder || keepOrderUnder.has(key))}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const NO_KEYS: ReadonlySet<string> = new Set();
