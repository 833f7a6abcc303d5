import { asAnswer, assertSafeAnswer } from '../helpers/hostile';
import { useStrapi } from '../helpers/strapi';

/**
 * REST filters × every operator × every field type, at the top level and inside populate, then
 * × bad value shapes. Each case states its answer: 200 with a list where the operator fits the
 * field and the value fits its type, otherwise a 400 naming the field; never a 5xx or SQL.
 */
const suite = useStrapi();

type Kind = 'text' | 'enumeration' | 'integer' | 'date' | 'datetime' | 'blocks' | 'relation';

const EQUALITY = ['$eq', '$ne', '$in', '$notIn'];
const ORDERING = ['$lt', '$lte', '$gt', '$gte', '$between'];
const TEXT = ['$eqi', '$nei', '$contains', '$notContains', '$containsi', '$notContainsi', '$startsWith', '$startsWithi', '$endsWith', '$endsWithi'];
const PRESENCE = ['$null', '$notNull'];
const OPERATORS = [...EQUALITY, ...ORDERING, ...TEXT, ...PRESENCE, '$jsonSupersetOf'];

/** Which operators each kind of field takes (the README's table). */
const ALLOWED: Record<Kind, string[]> = {
  text: [...EQUALITY, ...ORDERING, ...TEXT, ...PRESENCE],
  enumeration: [...EQUALITY, ...TEXT, ...PRESENCE],
  integer: [...EQUALITY, ...ORDERING, ...PRESENCE],
  date: [...EQUALITY, ...ORDERING, ...PRESENCE],
  datetime: [...EQUALITY, ...ORDERING, ...PRESENCE],
  blocks: PRESENCE,
  relation: PRESENCE,
};

/** A value of the right type for each kind (what a careful caller sends). */
const GOOD: Record<Kind, [string, string]> = {
  text: ['iran', 'russia'],
  enumeration: ['day', 'year'],
  integer: ['1', '5'],
  date: ['2022-07-23', '2023-01-01'],
  datetime: ['2022-07-23T10:00:00Z', '2030-01-01T00:00:00.000Z'],
  blocks: ['x', 'y'],
  relation: ['1', '2'],
};

const ARTICLE_FIELDS: Array<[string, Kind]> = [
  ['title', 'text'], ['summary', 'text'], ['slug', 'text'], ['documentId', 'text'], ['body', 'blocks'],
  ['publishedDate', 'date'], ['createdAt', 'datetime'], ['updatedAt', 'datetime'], ['publishedAt', 'datetime'],
  ['id', 'integer'], ['people', 'relation'], ['events', 'relation'],
];
const EVENT_FIELDS: Array<[string, Kind]> = [
  ['title', 'text'], ['description', 'text'], ['startDate', 'date'], ['endDate', 'date'], ['datePrecision', 'enumeration'],
  ['id', 'integer'], ['createdAt', 'datetime'], ['participants', 'relation'],
];

const enc = encodeURIComponent;

function operatorQuery(base: string, operator: string, kind: Kind): string {
  const [first, second] = GOOD[kind];
  if (operator === '$in' || operator === '$notIn') return `${base}[${operator}][0]=${enc(first)}`;
  if (operator === '$between') return `${base}[${operator}][0]=${enc(first)}&${base}[${operator}][1]=${enc(second)}`;
  if (operator === '$null' || operator === '$notNull') return `${base}[${operator}]=true`;
  return `${base}[${operator}]=${enc(first)}`;
}

interface Case {
  label: string;
  url: string;
  status: 200 | 400;
  /** For a 400: the message must name the field (its path, or Strapi's "Invalid key … at <field>"). */
  names?: string;
  field?: string;
}

const operatorCases: Case[] = [];
for (const [field, kind] of ARTICLE_FIELDS) {
  for (const operator of OPERATORS) {
    const ok = ALLOWED[kind].includes(operator);
    operatorCases.push({
      label: `articles ${field} (${kind}) ${operator}`,
      url: `/api/articles?fields[0]=title&${operatorQuery(`filters[${field}]`, operator, kind)}`,
      status: ok ? 200 : 400,
      names: `filters[${field}]`,
    });
  }
}
for (const [field, kind] of EVENT_FIELDS) {
  for (const operator of OPERATORS) {
    const ok = ALLOWED[kind].includes(operator);
    operatorCases.push({
      label: `populate[events] ${field} (${kind}) ${operator}`,
      url: `/api/articles?fields[0]=title&${operatorQuery(`populate[events][filters][${field}]`, operator, kind)}`,
      status: ok ? 200 : 400,
      names: `populate[events][filters][${field}]`,
    });
  }
}

/** Bad value shapes, each with the kinds of field that still accept it (as $eq). */
const SHAPES: Array<{ name: string; query: (base: string) => string; acceptedBy: Kind[] }> = [
  { name: 'an object', query: (base) => `${base}[$eq][a]=b`, acceptedBy: [] },
  { name: 'a list of objects', query: (base) => `${base}[$in][0][a]=b`, acceptedBy: [] },
  { name: 'an empty value', query: (base) => `${base}[$eq]=`, acceptedBy: ['text'] },
  { name: 'a huge value', query: (base) => `${base}[$eq]=${'x'.repeat(2500)}`, acceptedBy: [] },
  { name: 'a NUL byte', query: (base) => `${base}[$eq]=a%00b`, acceptedBy: [] },
  { name: 'non-numeric text', query: (base) => `${base}[$eq]=abc`, acceptedBy: ['text'] },
  { name: 'SQL-ish text', query: (base) => `${base}[$eq]=${enc("1' OR '1'='1")}`, acceptedBy: ['text'] },
  { name: 'a 20-digit number', query: (base) => `${base}[$eq]=99999999999999999999`, acceptedBy: ['text'] },
  { name: 'a fraction', query: (base) => `${base}[$lt]=1.5`, acceptedBy: ['text'] },
  { name: 'an impossible date', query: (base) => `${base}[$gt]=2022-02-30`, acceptedBy: ['text'] },
  { name: '$null that is not a boolean', query: (base) => `${base}[$null]=maybe`, acceptedBy: [] },
  { name: 'a field used as an operator', query: (base) => `${base}[title]=x`, acceptedBy: [] },
];

const shapeCases: Case[] = [];
for (const [field, kind] of ARTICLE_FIELDS.filter(([, kind]) => kind !== 'relation')) {
  for (const shape of SHAPES) {
    const ok = shape.acceptedBy.includes(kind);
    shapeCases.push({
      label: `articles ${field} (${kind}) with ${shape.name}`,
      url: `/api/articles?fields[0]=title&${shape.query(`filters[${field}]`)}`,
      status: ok ? 200 : 400,
      names: `filters[${field}]`,
    });
  }
}
for (const [field, kind] of [['startDate', 'date'], ['datePrecision', 'enumeration'], ['id', 'integer']] as Array<[string, Kind]>) {
  for (const shape of SHAPES) {
    shapeCases.push({
      label: `populate[events] ${field} (${kind}) with ${shape.name}`,
      url: `/api/articles?fields[0]=title&${shape.query(`populate[events][filters][${field}]`)}`,
      status: shape.acceptedBy.includes(kind) ? 200 : 400,
      names: `populate[events][filters][${field}]`,
      field,
    });
  }
}

async function check({ label, url, status, names, field }: Case) {
  const response = await suite.app.http().get(url);
  assertSafeAnswer(label, asAnswer(response), { isPublic: true });
  expect({ label, status: response.status }).toEqual({ label, status });
  if (status === 200) {
    expect(Array.isArray(response.body.data)).toBe(true);
  } else {
    expect(response.body.error.name).toBe('ValidationError');
    const message = String(response.body.error.message);
    expect({ label, named: message.includes(names ?? '') || (field !== undefined && message.endsWith(` at ${field}`)) }).toEqual({ label, named: true });
  }
  return response;
}

describe('REST filters: every operator on every field type', () => {
  it.each(operatorCases.map((item) => [item.label, item] as const))('%s', async (_label, item) => {
    await check(item);
  });
});

describe('REST filters: bad value shapes on every field type', () => {
  it.each(shapeCases.map((item) => [item.label, item] as const))('%s', async (_label, item) => {
    const response = await check(item);
    // Text compared with SQL-ish text matches nothing: the value is data, never SQL.
    if (item.status === 200 && item.label.includes('SQL-ish')) expect(response.body.data).toEqual([]);
  });
});

describe('a 400 names the field, the operator and what the field takes', () => {
  it.each([
    ['/api/articles?filters[publishedDate][$contains]=2022', 'filters[publishedDate][$contains]: $contains does not apply to publishedDate, a date field; it takes $eq, $ne, $in, $notIn, $lt, $lte, $gt, $gte, $between, $null, $notNull'],
    ['/api/articles?filters[body][$startsWith]=x', 'filters[body][$startsWith]: $startsWith does not apply to body, a rich-text (blocks) field; it takes $null, $notNull'],
    ['/api/articles?filters[id][$eq]=abc', 'filters[id][$eq]: id is an integer field and takes an integer, such as 42; got "abc"'],
    ['/api/events?filters[datePrecision][$eq]=century', 'filters[datePrecision][$eq]: datePrecision is a list of fixed values and takes one of day, month, year; got "century"'],
    ['/api/articles?populate[events][filters][startDate][$contains]=2022', 'populate[events][filters][startDate][$contains]: $contains does not apply to startDate, a date field'],
  ])('%s', async (url, message) => {
    const response = await suite.app.http().get(url).expect(400);
    expect(response.body.error.message).toContain(message);
    assertSafeAnswer(url, asAnswer(response), { isPublic: true });
  });
});
