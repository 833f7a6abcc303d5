import { asAnswer, assertSafeAnswer } from '../helpers/hostile';
import { useStrapi } from '../helpers/strapi';

/**
 * GraphQL filters, generated: every filter operator × every field type × bad
 * value shapes, written as a literal in the document and sent as a variable.
 * The expected answer follows from two rules a caller can know:
 * - GraphQL's own typing: a value the operator's argument type cannot take is
 *   refused before anything runs (a literal: GRAPHQL_VALIDATION_FAILED; a
 *   variable: BAD_USER_INPUT), with a 400;
 * - the column's type: a text operator (contains, startsWith, eqi, ...) on a
 *   date, datetime or JSON column, or a value PostgreSQL cannot read as JSON
 *   for the blocks `body`, is refused as BAD_USER_INPUT with a 400 and a
 *   message in the project's words;
 * everything else is answered (200, a list, no error).
 */

const suite = useStrapi();

type Scalar = 'String' | 'ID' | 'Date' | 'DateTime' | 'JSON';
type Column = 'text' | 'date' | 'datetime' | 'json';

interface FieldCase {
  /** The field's Strapi type, as the family names it. */
  kind: string;
  root: 'articles' | 'events' | 'people';
  /** The filter path: a field, or a relation then a field of its target. */
  path: string[];
  scalar: Scalar;
  column: Column;
}

const FIELDS: FieldCase[] = [
  { kind: 'string', root: 'articles', path: ['title'], scalar: 'String', column: 'text' },
  { kind: 'text', root: 'articles', path: ['summary'], scalar: 'String', column: 'text' },
  { kind: 'uid', root: 'articles', path: ['slug'], scalar: 'String', column: 'text' },
  { kind: 'blocks (JSON)', root: 'articles', path: ['body'], scalar: 'JSON', column: 'json' },
  { kind: 'date', root: 'events', path: ['startDate'], scalar: 'Date', column: 'date' },
  { kind: 'datetime', root: 'articles', path: ['updatedAt'], scalar: 'DateTime', column: 'datetime' },
  { kind: 'documentId', root: 'people', path: ['documentId'], scalar: 'ID', column: 'text' },
  { kind: 'enumeration', root: 'events', path: ['datePrecision'], scalar: 'String', column: 'text' },
  { kind: 'relation → date', root: 'articles', path: ['events', 'startDate'], scalar: 'Date', column: 'date' },
];

/** Operators whose SQL is an uncast LIKE: date, datetime and JSON columns lack it (the case-insensitive ones cast to text). */
const LIKE_OPERATORS = ['startsWith', 'endsWith', 'contains', 'notContains'];
const CASE_INSENSITIVE_OPERATORS = ['eqi', 'nei', 'containsi', 'notContainsi'];
/** Operators that compare the column itself with the value: a JSON column reads the value as JSON text. */
const COMPARISONS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte'];
const SCALAR_OPERATORS = [...COMPARISONS, ...LIKE_OPERATORS, ...CASE_INSENSITIVE_OPERATORS];
const LIST_OPERATORS = ['in', 'notIn', 'between'];
/** `and` / `or` inside a field's filter: typed as lists of values by the schema, refused by the project (src/limits/graphql-filters). */
const FIELD_LEVEL_LOGIC = ['and', 'or'];
const BOOLEAN_OPERATORS = ['null', 'notNull'];
const OPERATORS = [...SCALAR_OPERATORS, ...LIST_OPERATORS, ...FIELD_LEVEL_LOGIC, ...BOOLEAN_OPERATORS, 'not'];

type Shape = 'typed' | 'malformed' | 'number' | 'boolean' | 'object' | 'list' | 'null';
const SHAPES: Shape[] = ['typed', 'malformed', 'number', 'boolean', 'object', 'list', 'null'];

/** A value of each shape for a field: `typed` is what its scalar accepts. */
function valueOf(scalar: Scalar, shape: Shape): unknown {
  const typed = { String: 'x', ID: 'x', Date: '2022-07-23', DateTime: '2022-07-23T08:00:00.000Z', JSON: 'x' }[scalar];
  switch (shape) {
    case 'typed': return typed;
    case 'malformed': return 'not-a-date-2022-99-99';
    case 'number': return 5;
    case 'boolean': return true;
    case 'object': return { a: 1 };
    case 'list': return [typed, typed];
    case 'null': return null;
  }
}

/** Whether GraphQL's scalar accepts one (non-list) value. */
function scalarAccepts(scalar: Scalar, value: unknown): boolean {
  if (value === null) return true;
  switch (scalar) {
    case 'JSON': return true;
    case 'String': return typeof value === 'string';
    case 'ID': return typeof value === 'string' || Number.isInteger(value);
    case 'Date': return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value));
    case 'DateTime': return typeof value === 'string' && !Number.isNaN(Date.parse(value)) && /T/.test(value);
  }
}

/** The operator's argument type in the schema, and whether the value fits it (lists take one value as a list of one). */
function argument(field: FieldCase, operator: string, value: unknown): { type: string; fits: boolean } {
  const filterInput = `${field.scalar}FilterInput`;
  if (BOOLEAN_OPERATORS.includes(operator)) return { type: 'Boolean', fits: value === null || typeof value === 'boolean' };
  if (operator === 'not') return { type: filterInput, fits: value === null };
  if (LIST_OPERATORS.includes(operator) || FIELD_LEVEL_LOGIC.includes(operator)) {
    const items = Array.isArray(value) ? value : [value];
    return { type: `[${field.scalar}]`, fits: items.every((item) => scalarAccepts(field.scalar, item)) };
  }
  const fits = field.scalar === 'JSON' || (!Array.isArray(value) && scalarAccepts(field.scalar, value) && !(typeof value === 'object' && value !== null));
  return { type: field.scalar, fits };
}

/** Whether PostgreSQL reads the value as JSON text (what it does with a parameter compared with a jsonb column). */
function isJsonText(value: unknown): boolean {
  if (typeof value !== 'string') return true;
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
}

type Expected = { status: 200 } | { status: 400; code: string } | { either: true };

const refused = { status: 400, code: 'BAD_USER_INPUT' } as const;

function expectedAnswer(field: FieldCase, operator: string, value: unknown, delivery: 'literal' | 'variable'): Expected {
  const { fits } = argument(field, operator, value);
  if (!fits) return { status: 400, code: delivery === 'literal' ? 'GRAPHQL_VALIDATION_FAILED' : 'BAD_USER_INPUT' };
  // JSON takes any value; Strapi reads an object or a list as nested operators or a list of values.
  if (field.column === 'json' && typeof value === 'object' && value !== null) return { either: true };
  // The operator does not exist for the column's type, whatever the value.
  if (field.column !== 'text' && LIKE_OPERATORS.includes(operator)) return refused;
  // `between`, `and` and `or` need values (src/limits/graphql-filters); other operators take null as "is null".
  if (FIELD_LEVEL_LOGIC.includes(operator) || (operator === 'between' && value === null)) return refused;
  if (value === null || BOOLEAN_OPERATORS.includes(operator)) return { status: 200 };
  const items = Array.isArray(value) ? value : [value];
  if (operator === 'between' && items.length !== 2) return refused;
  if (field.column === 'json') {
    if ([...COMPARISONS, ...LIST_OPERATORS].includes(operator) && !items.every(isJsonText)) return refused;
  }
  return { status: 200 };
}

/** A GraphQL literal for a JSON value. */
function literal(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{ ${Object.entries(value).map(([key, item]) => `${key}: ${literal(item)}`).join(', ')} }`;
  }
  return JSON.stringify(value);
}

const nest = (path: string[], inner: string) => path.reduceRight((acc, key) => `{ ${key}: ${acc} }`, inner);

interface Case {
  label: string;
  query: string;
  variables: Record<string, unknown>;
  root: string;
  expected: Expected;
}

const cases: Case[] = [];
for (const field of FIELDS) {
  for (const operator of OPERATORS) {
    for (const shape of SHAPES) {
      if (shape === 'malformed' && field.scalar !== 'Date' && field.scalar !== 'DateTime') continue;
      const value = valueOf(field.scalar, shape);
      for (const delivery of ['literal', 'variable'] as const) {
        const { type } = argument(field, operator, value);
        const filters = nest(field.path, `{ ${operator}: ${delivery === 'literal' ? literal(value) : '$v'} }`);
        const query =
          delivery === 'literal'
            ? `{ ${field.root}(filters: ${filters}) { documentId } }`
            : `query ($v: ${type}) { ${field.root}(filters: ${filters}) { documentId } }`;
        cases.push({
          label: `${field.kind} ${field.path.join('.')} ${operator} ${shape} as a ${delivery}`,
          query,
          variables: delivery === 'variable' ? { v: value } : {},
          root: field.root,
          expected: expectedAnswer(field, operator, value, delivery),
        });
      }
    }
  }
}

describe(`GraphQL filters: ${FIELDS.length} field types × ${OPERATORS.length} operators × value shapes, literal and variable`, () => {
  it.each(cases.map((testCase) => [testCase.label, testCase] as const))('%s', async (label, testCase) => {
    const response = await suite.app.http().post('/graphql').send({ query: testCase.query, variables: testCase.variables });
    assertSafeAnswer(label, asAnswer(response), { isPublic: true });
    const { expected } = testCase;
    if ('either' in expected) {
      // Answered, or refused as the caller's mistake: never an internal error.
      expect({ label, status: response.status }).toEqual({ label, status: response.body.errors ? 400 : 200 });
      if (response.body.errors) expect(response.body.errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      return;
    }
    expect({ label, status: response.status }).toEqual({ label, status: expected.status });
    if (expected.status === 200) {
      expect(response.body.errors).toBeUndefined();
      expect(Array.isArray(response.body.data?.[testCase.root])).toBe(true);
    } else {
      expect(response.body.errors?.[0]?.extensions?.code).toBe(expected.code);
      expect(response.body.errors?.[0]?.message).not.toMatch(/internal server error/i);
    }
  });
});
