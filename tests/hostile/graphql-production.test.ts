import { asAnswer, assertSafeAnswer } from '../helpers/hostile';
import { useProductionStrapi } from '../helpers/strapi';

/**
 * GraphQL as a production start serves it (NODE_ENV=production, read by
 * config/plugins.ts when Strapi loads): introspection refused in every
 * spelling, no "Did you mean …" in any error (it would spell out the schema
 * that introspection hides), and the same safety as in development.
 */

const suite = useProductionStrapi();

interface Case {
  label: string;
  query: string;
  variables?: Record<string, unknown>;
  status: number;
  code: string;
  /** What the message still says. */
  message: RegExp;
}

const INTROSPECTION = /introspection is not allowed/;
const introspection: Case[] = [
  ['__schema', '{ __schema { types { name } } }'],
  ['__type', '{ __type(name: "Article") { fields { name } } }'],
  ['an aliased __schema', '{ s: __schema { queryType { name } } }'],
  ['__schema in a fragment on Query', '{ ...I } fragment I on Query { __schema { types { name } } }'],
  ['__type beside a real field', '{ articles { title } __type(name: "Person") { name } }'],
  ['__schema in a named operation', 'query IntrospectionQuery { __schema { directives { name } } }'],
].map(([what, query]) => ({ label: `introspection: ${what}`, query, status: 400, code: 'GRAPHQL_VALIDATION_FAILED', message: INTROSPECTION }));

/** Misspellings close enough to a real name that graphql-js would suggest it. */
const suggestions: Case[] = [
  ['a field of Article', '{ articles { titl } }', /Cannot query field "titl" on type "Article"\.$/],
  ['a field of Person', '{ people { nme } }', /Cannot query field "nme" on type "Person"\.$/],
  ['a field of Event', '{ events { startdate } }', /Cannot query field "startdate" on type "Event"\.$/],
  ['a relation', '{ articles { peple { name } } }', /Cannot query field "peple" on type "Article"\.$/],
  ['a root field', '{ artcles { title } }', /Cannot query field "artcles" on type "Query"\.$/],
  ['an argument', '{ articles(filtrs: {}) { title } }', /Unknown argument "filtrs" on field "Query\.articles"\.$/],
  ['a filter field', '{ articles(filters: { tilte: { eq: "x" } }) { title } }', /Field "tilte" is not defined by type "ArticleFiltersInput"\.$/],
  ['a filter operator', '{ articles(filters: { title: { eqq: "x" } }) { title } }', /Field "eqq" is not defined by type "StringFilterInput"\.$/],
  ['an enum value', '{ articles(status: PUBLISHD) { title } }', /Value "PUBLISHD" does not exist in "PublicationStatus" enum\.$/],
  ['a type in a variable', 'query ($f: ArticleFilterInput) { articles(filters: $f) { title } }', /Unknown type "ArticleFilterInput"\.$/],
  ['a type in a fragment', '{ articles { ...A } } fragment A on Articl { title }', /Unknown type "Articl"\.$/],
].map(([what, query, message]) => ({ label: `no suggestion: ${what}`, query: query as string, status: 400, code: 'GRAPHQL_VALIDATION_FAILED', message: message as RegExp }));
suggestions.push(
  {
    label: 'no suggestion: an input field in a variable',
    query: 'query ($p: PaginationArg) { articles(pagination: $p) { title } }',
    variables: { p: { pagesize: 5 } },
    status: 400,
    code: 'BAD_USER_INPUT',
    message: /Field "pagesize" is not defined by type "PaginationArg"\.$/,
  },
  {
    label: 'no suggestion: an enum value in a variable',
    query: 'query ($s: PublicationStatus) { articles(status: $s) { title } }',
    variables: { s: 'PUBLISHD' },
    status: 400,
    code: 'BAD_USER_INPUT',
    message: /Value "PUBLISHD" does not exist in "PublicationStatus" enum\.$/,
  },
);

const safety: Case[] = [
  { label: 'a text operator on the blocks body', query: '{ articles(filters: { body: { contains: "x" } }) { title } }', status: 400, code: 'BAD_USER_INPUT', message: /\$contains does not apply to body, a rich-text \(blocks\) field/ },
  { label: 'a text operator on a date', query: '{ events(filters: { startDate: { startsWith: "2022-07-23" } }) { title } }', status: 400, code: 'BAD_USER_INPUT', message: /\$startsWith does not apply to startDate, a date field/ },
  { label: 'a value that is not JSON for the blocks body', query: '{ articles(filters: { body: { eq: "x" } }) { title } }', status: 400, code: 'BAD_USER_INPUT', message: /\$eq does not apply to body, a rich-text \(blocks\) field; it takes \$null, \$notNull/ },
  { label: 'a fragment cycle', query: '{ articles { ...F } } fragment F on Article { ...F }', status: 400, code: 'GRAPHQL_VALIDATION_FAILED', message: /spreads itself/ },
  { label: 'a subscription', query: 'subscription { articles { title } }', status: 400, code: 'BAD_REQUEST', message: /Subscriptions are not supported/ },
];

describe('GraphQL in production', () => {
  it.each([...introspection, ...suggestions, ...safety].map((testCase) => [testCase.label, testCase] as const))('%s', async (label, testCase) => {
    const response = await suite.app.http().post('/graphql').send({ query: testCase.query, variables: testCase.variables ?? {} });
    assertSafeAnswer(label, asAnswer(response), { isPublic: true });
    expect({ label, status: response.status }).toEqual({ label, status: testCase.status });
    const errors = response.body.errors as Array<{ message: string; extensions: Record<string, unknown> }>;
    expect(errors[0].extensions.code).toBe(testCase.code);
    expect(errors[0].message).toMatch(testCase.message);
    expect(response.text).not.toMatch(/Did you mean/);
    expect(response.text).not.toMatch(/stacktrace/);
  });

  it('still answers __typename and queries', async () => {
    const response = await suite.app.http().post('/graphql').send({ query: '{ __typename people(filters: { slug: { eq: "vladimir-putin" } }) { name } }' });
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ __typename: 'Query', people: [{ name: 'Vladimir Putin' }] });
  });
});
