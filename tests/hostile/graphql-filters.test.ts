import { asAnswer, assertSafeAnswer } from '../helpers/hostile';
import { useStrapi } from '../helpers/strapi';

/**
 * GraphQL filters, generated: every filter operator × every field type × bad
 * value shapes, written as a literal in the document and sent as a variable.
 * The expected answer follows from two sets of rules a caller can know:
 * - GraphQL's own typing: a value the operator's argument type cannot take is
 *   refused before anything runs (a literal: GRAPHQL_VALIDATION_FAILED; a
 *   variable: BAD_USER_INPUT), with a 400;
 * - the project's filter rules (README, "Limits and errors"), the same as over
 *   REST: each field type takes a fixed set of operators (text: all; an
 *   enumeration: equality with one of its values, the text operators and
 *   presence; a date or date-time: equality, ordering and presence; the blocks
 *   `body`: presence only); `null` is an operand only for eq, ne, eqi, nei
 *   ("is null" / "is not null"); `null` / `notNull` take true or false;
 *   `between` takes exactly two values; `and` / `or` belong around whole
 *   filters. Anything else is refused as BAD_USER_INPUT with a 400 and a
 *   message in the project's words;
 * everything else is answered (200, a list, no error).
 */

const suite = useStrapi();

type Scalar = 'String' | 'ID' | 'Date' | 'DateTime' | 'JSON';
/** The field type's row in the README's table of operators. */
type Column = 'text' | 'enumeration' | 'date' | 'datetime' | 'blocks';

interface FieldCase {
  /** The field's Strapi type, as the family names it. */
  kind: string;
  root: 'articles' | 'events' | 'people';
  /** The filter path: a field, or a relation then a field of its target. */
  path: string[];
  scalar: Scalar;
  column: Column;
  /** An enumeration's values. */
  values?: string[];
}

const FIELDS: FieldCase[] = [
  { kind: 'string', root: 'articles', path: ['title'], scalar: 'String', column: 'text' },
  { kind: 'text', root: 'articles', path: ['summary'], scalar: 'String', column: 'text' },
  { kind: 'uid', root: 'articles', path: ['slug'], scalar: 'String', column: 'text' },
  { kind: 'blocks (JSON)', root: 'articles', path: ['body'], scalar: 'JSON', column: 'blocks' },
  { kind: 'date', root: 'events', path: ['startDate'], scalar: 'Date', column: 'date' },
  { kind: 'datetime', root: 'articles', path: ['updatedAt'], scalar: 'DateTime', column: 'datetime' },
  { kind: 'documentId', root: 'people', path: ['documentId'], scalar: 'ID', column: 'text' },
  { kind: 'enumeration', root: 'events', path: ['datePrecision'], scalar: 'String', column: 'enumeration', values: ['day', 'month', 'year'] },
  { kind: 'relation → date', root: 'articles', path: ['events', 'startDate'], scalar: 'Date', column: 'date' },
];

const TEXT_OPERATORS = ['startsWith', 'endsWith', 'contains', 'notContains', 'eqi', 'nei', 'containsi', 'notContainsi'];
const EQUALITY = ['eq', 'ne'];
const ORDERING = ['gt', 'gte', 'lt', 'lte'];
const SCALAR_OPERATORS = [...EQUALITY, ...ORDERING, ...TEXT_OPERATORS];
const LIST_OPERATORS = ['in', 'notIn', 'between'];
/** `and` / `or` inside a field's filter: typed as lists of values by the schema, refused by the project (src/limits/graphql-filters). */
const FIELD_LEVEL_LOGIC = ['and', 'or'];
const BOOLEAN_OPERATORS = ['null', 'notNull'];
const OPERATORS = [...SCALAR_OPERATORS, ...LIST_OPERATORS, ...FIELD_LEVEL_LOGIC, ...BOOLEAN_OPERATORS, 'not'];

/** The README's table: the operators each field type takes (`not: value` is `not: { eq: value }`). */
const OPERATORS_OF_COLUMN: Record<Column, string[]> = {
  text: [...EQUALITY, ...ORDERING, ...TEXT_OPERATORS, ...LIST_OPERATORS, ...BOOLEAN_OPERATORS, 'not'],
  enumeration: [...EQUALITY, ...TEXT_OPERATORS, 'in', 'notIn', ...BOOLEAN_OPERATORS, 'not'],
  date: [...EQUALITY, ...ORDERING, ...LIST_OPERATORS, ...BOOLEAN_OPERATORS, 'not'],
  datetime: [...EQUALITY, ...ORDERING, ...LIST_OPERATORS, ...BOOLEAN_OPERATORS, 'not'],
  blocks: [...BOOLEAN_OPERATORS],
};
/** Operators that read `null` as "is null" / "is not null". */
const NULL_OPERATORS = ['eq', 'ne', 'eqi', 'nei', 'not'];
/** An enumeration's equality operators take one of its values (the text operators take any text). */
const VALUE_OPERATORS = ['eq', 'ne', 'in', 'notIn'];

/**
 * `typed` is a valid value of the field's scalar (an enumeration's: one of its values); `unlisted` is text an
 * enumeration does not list; `malformed` is text a date scalar cannot read.
 */
type Shape = 'typed' | 'unlisted' | 'malformed' | 'number' | 'boolean' | 'object' | 'list' | 'null';
const SHAPES: Shape[] = ['typed', 'unlisted', 'malformed', 'number', 'boolean', 'object', 'list', 'null'];

/** A value of each shape for a field. */
function valueOf(field: FieldCase, shape: Shape): unknown {
  const typed = field.values?.[0] ?? { String: 'x', ID: 'x', Date: '2022-07-23', DateTime: '2022-07-23T08:00:00.000Z', JSON: 'x' }[field.scalar];
  switch (shape) {
    case 'typed': return typed;
    case 'unlisted': return 'x';
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

/** `namesField`: the project's own refusal, whose message names the field (GraphQL's typing errors name the type). */
type Expected = { status: 200 } | { status: 400; code: string; namesField?: boolean };

const refused = { status: 400, code: 'BAD_USER_INPUT', namesField: true } as const;

function expectedAnswer(field: FieldCase, operator: string, value: unknown, delivery: 'literal' | 'variable'): Expected {
  const { fits } = argument(field, operator, value);
  if (!fits) return { status: 400, code: delivery === 'literal' ? 'GRAPHQL_VALIDATION_FAILED' : 'BAD_USER_INPUT' };
  // `and` / `or` take whole filters, not a field's values (src/limits/graphql-filters).
  if (FIELD_LEVEL_LOGIC.includes(operator)) return refused;
  // The operator is not in the field type's row of the table, whatever the value.
  if (!OPERATORS_OF_COLUMN[field.column].includes(operator)) return refused;
  if (value === null) return NULL_OPERATORS.includes(operator) ? { status: 200 } : refused;
  // `null` / `notNull` take a Boolean, which GraphQL has checked.
  if (BOOLEAN_OPERATORS.includes(operator)) return { status: 200 };
  const items = Array.isArray(value) ? value : [value];
  if (operator === 'between' && items.length !== 2) return refused;
  if (field.values && VALUE_OPERATORS.includes(operator) && !items.every((item) => field.values?.includes(item as string))) return refused;
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
  /** The filtered field's name, which a refusal in the project's words names. */
  field: string;
  expected: Expected;
}

const cases: Case[] = [];
for (const field of FIELDS) {
  for (const operator of OPERATORS) {
    for (const shape of SHAPES) {
      if (shape === 'malformed' && field.scalar !== 'Date' && field.scalar !== 'DateTime') continue;
      if (shape === 'unlisted' && !field.values) continue;
      const value = valueOf(field, shape);
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
          field: field.path[field.path.length - 1],
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
    expect({ label, status: response.status }).toEqual({ label, status: expected.status });
    if (expected.status === 200) {
      expect(response.body.errors).toBeUndefined();
      expect(Array.isArray(response.body.data?.[testCase.root])).toBe(true);
    } else {
      expect(response.body.errors?.[0]?.extensions?.code).toBe(expected.code);
      expect(response.body.errors?.[0]?.message).not.toMatch(/internal server error/i);
      if (expected.namesField) expect({ label, message: response.body.errors?.[0]?.message }).toEqual({ label, message: expect.stringContaining(testCase.field) });
    }
  });
});

describe('GraphQL filters: date-time lists reach the database with their values', () => {
  it.each(['in', 'notIn', 'between'] as const)('updatedAt %s, as a literal and as a variable, selects by the given instants', async (operator) => {
    const listed = await suite.app.http().post('/graphql').send({ query: '{ articles { documentId updatedAt } }' });
    const [article] = listed.body.data.articles as Array<{ documentId: string; updatedAt: string }>;
    expect(article).toBeDefined();
    const later = new Date(new Date(article.updatedAt).getTime() + 1000).toISOString();
    const values = operator === 'between' ? [article.updatedAt, later] : [article.updatedAt];
    const queries = [
      { query: `{ articles(filters: { updatedAt: { ${operator}: ${JSON.stringify(values)} } }) { documentId } }`, variables: {} },
      { query: `query ($v: [DateTime]) { articles(filters: { updatedAt: { ${operator}: $v } }) { documentId } }`, variables: { v: values } },
    ];
    for (const body of queries) {
      const response = await suite.app.http().post('/graphql').send(body);
      assertSafeAnswer(`updatedAt ${operator}`, asAnswer(response), { isPublic: true });
      expect(response.body.errors).toBeUndefined();
      const found = (response.body.data.articles as Array<{ documentId: string }>).map((row) => row.documentId);
      if (operator === 'notIn') expect(found).not.toContain(article.documentId);
      else expect(found).toContain(article.documentId);
    }
  });
});
