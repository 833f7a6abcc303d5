/**
 * Which filter operators each field type takes, and which values. PostgreSQL
 * answers a `LIKE` on a date, an id or a JSON column ("operator does not
 * exist"), a non-numeric id or an out-of-range number with an error; these
 * rules refuse such filters first, with a message naming the field, the
 * operator and what the field accepts.
 */

export interface FieldInfo {
  /** Strapi's attribute type, or 'id' for the row id. */
  type: string;
  enum?: readonly string[];
}

const TEXT_OPERATORS = [
  '$eqi', '$nei', '$contains', '$notContains', '$containsi', '$notContainsi',
  '$startsWith', '$startsWithi', '$endsWith', '$endsWithi',
] as const;
const EQUALITY = ['$eq', '$ne', '$in', '$notIn'] as const;
const ORDERING = ['$lt', '$lte', '$gt', '$gte', '$between'] as const;
const PRESENCE = ['$null', '$notNull'] as const;

export const ALL_OPERATORS = new Set<string>([...TEXT_OPERATORS, ...EQUALITY, ...ORDERING, ...PRESENCE, '$jsonSupersetOf', '$not']);

type Kind = 'text' | 'integer' | 'number' | 'date' | 'datetime' | 'time' | 'boolean' | 'enumeration' | 'blocks' | 'json';

const KIND_OF_TYPE: Record<string, Kind> = {
  string: 'text', text: 'text', richtext: 'text', email: 'text', uid: 'text', password: 'text',
  id: 'integer', integer: 'integer', biginteger: 'integer',
  float: 'number', decimal: 'number',
  date: 'date', datetime: 'datetime', timestamp: 'datetime', time: 'time',
  boolean: 'boolean', enumeration: 'enumeration', blocks: 'blocks', json: 'json',
};

const OPERATORS_OF_KIND: Record<Kind, readonly string[]> = {
  text: [...EQUALITY, ...ORDERING, ...TEXT_OPERATORS, ...PRESENCE],
  enumeration: [...EQUALITY, ...TEXT_OPERATORS, ...PRESENCE],
  integer: [...EQUALITY, ...ORDERING, ...PRESENCE],
  number: [...EQUALITY, ...ORDERING, ...PRESENCE],
  date: [...EQUALITY, ...ORDERING, ...PRESENCE],
  datetime: [...EQUALITY, ...ORDERING, ...PRESENCE],
  time: [...EQUALITY, ...ORDERING, ...PRESENCE],
  boolean: [...EQUALITY, ...PRESENCE],
  blocks: [...PRESENCE],
  json: [...PRESENCE, '$jsonSupersetOf'],
};

const KIND_WORDS: Record<Kind, string> = {
  text: 'a text field',
  enumeration: 'a list of fixed values',
  integer: 'an integer field',
  number: 'a number field',
  date: 'a date field',
  datetime: 'a date-time field',
  time: 'a time field',
  boolean: 'a true/false field',
  blocks: 'a rich-text (blocks) field',
  json: 'a JSON field',
};

/** The longest single value a filter may compare with. */
export const MAX_FILTER_VALUE_LENGTH = 2000;
const INT32_MAX = 2_147_483_647;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const TIME = /^\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?$/;
const INTEGER = /^-?\d{1,19}$/;
const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
const BOOLEAN_VALUES = new Set(['true', 'false', '1', '0', 'True', 'False', 'TRUE', 'FALSE']);

const isValidDay = (text: string) => {
  const parsed = new Date(`${text.slice(0, 10)}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === text.slice(0, 10);
};

export const kindOf = (field: FieldInfo): Kind | null => KIND_OF_TYPE[field.type] ?? null;

/** The operators that take null: `$eq`/`$eqi` as "is null", `$ne`/`$nei` as "is not null". */
const NULL_OPERATORS = new Set(['$eq', '$ne', '$eqi', '$nei']);

/** Whether one scalar value fits the field; the reason when it does not. */
function valueProblem(field: FieldInfo, kind: Kind, operator: string, value: unknown): string | null {
  // null means "is null" / "is not null" to the equality operators only; to any other it means nothing.
  if (value === null) return NULL_OPERATORS.has(operator) ? null : 'a value, not null';
  if (typeof value === 'object' && !(value instanceof Date)) return 'a single value, not an object';
  if (typeof value === 'string') {
    if (value.includes('\u0000')) return 'text without NUL characters';
    if (value.length > MAX_FILTER_VALUE_LENGTH) return `a value of at most ${MAX_FILTER_VALUE_LENGTH} characters`;
  }
  if (TEXT_OPERATORS.includes(operator as (typeof TEXT_OPERATORS)[number])) {
    return typeof value === 'string' || typeof value === 'number' ? null : 'text';
  }
  const text = value instanceof Date ? value.toISOString() : String(value).trim();
  switch (kind) {
    case 'integer': {
      if (typeof value === 'number' ? Number.isInteger(value) : INTEGER.test(text)) {
        const bound = field.type === 'biginteger' ? 9_223_372_036_854_775_807n : BigInt(INT32_MAX);
        const number = BigInt(text);
        if (number <= bound && number >= -bound - 1n) return null;
        return `an integer between ${-bound - 1n} and ${bound}`;
      }
      return 'an integer, such as 42';
    }
    case 'number':
      return (typeof value === 'number' && Number.isFinite(value)) || (NUMBER.test(text) && Number.isFinite(Number(text))) ? null : 'a number, such as 4.5';
    case 'date':
      return value instanceof Date || ((DATE.test(text) || DATE_TIME.test(text)) && isValidDay(text)) ? null : 'a date such as 2022-07-23';
    case 'datetime':
      return value instanceof Date || (typeof value === 'number' && Number.isFinite(value)) || (DATE_TIME.test(text) && isValidDay(text) && !Number.isNaN(Date.parse(text.replace(' ', 'T'))))
        ? null
        : 'a date and time such as 2022-07-23T10:00:00Z, or a date such as 2022-07-23';
    case 'time':
      return TIME.test(text) ? null : 'a time such as 14:30:00';
    case 'boolean':
      return typeof value === 'boolean' || BOOLEAN_VALUES.has(text) ? null : 'true or false';
    case 'enumeration':
      return field.enum?.includes(text) ? null : `one of ${(field.enum ?? []).join(', ')}`;
    case 'text':
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? null : 'text';
    default:
      return null;
  }
}

const LIST_OPERATORS = new Set(['$in', '$notIn', '$between']);
export const MAX_LIST_LENGTH = 1000;

/** qs turns long or sparse lists into objects with numeric keys. */
export function asList(value: unknown): unknown[] | null {
  if (Array.isArray(value)) return value;
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    const keys = Object.keys(value);
    if (keys.length > 0 && keys.every((key) => /^\d+$/.test(key))) return Object.values(value as Record<string, unknown>);
  }
  return null;
}

/**
 * The problem with `operator: value` on a field, in the caller's words, or null.
 * `$not` is handled by the caller (it nests operators).
 */
export function operatorProblem(path: string, name: string, field: FieldInfo, operator: string, value: unknown): string | null {
  const kind = kindOf(field);
  if (!kind) return `${path}: ${name} cannot be filtered on`;
  const allowed = OPERATORS_OF_KIND[kind];
  if (!ALL_OPERATORS.has(operator)) return `${path}: ${operator} is not a filter operator; ${name} takes ${allowed.join(', ')}`;
  if (!allowed.includes(operator)) {
    return `${path}: ${operator} does not apply to ${name}, ${KIND_WORDS[kind]}; it takes ${allowed.join(', ')}`;
  }
  if (operator === '$null' || operator === '$notNull') {
    return [true, false, 'true', 'false', '1', '0'].includes(value as string) ? null : `${path} must be true or false`;
  }
  if (operator === '$jsonSupersetOf') return null;

  let values: unknown[];
  if (LIST_OPERATORS.has(operator)) {
    const list = asList(value) ?? [value];
    if (operator === '$between' && list.length !== 2) return `${path} must be a list of exactly 2 values, such as ${path}[0]=…&${path}[1]=…`;
    if (list.length === 0) return `${path} must be a list of at least 1 value`;
    values = list;
  } else {
    // A list on a single-value operator means "any of these" to Strapi.
    values = asList(value) ?? [value];
  }
  if (values.length > MAX_LIST_LENGTH) return `${path} may hold at most ${MAX_LIST_LENGTH} values`;
  for (const item of values) {
    const expected = valueProblem(field, kind, operator, item);
    if (expected) {
      const shown = typeof item === 'string' ? JSON.stringify(item.length > 60 ? `${item.slice(0, 60)}…` : item).replace(/\\u0000/g, '\\0') : typeof item === 'object' && item !== null ? 'an object' : String(item);
      return `${path}: ${name} is ${KIND_WORDS[kind]} and takes ${expected}; got ${shown}`;
    }
  }
  return null;
}
