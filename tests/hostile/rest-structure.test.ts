import { asAnswer, assertSafeAnswer } from '../helpers/hostile';
import { useStrapi } from '../helpers/strapi';

/**
 * Structure and parameter abuse on the REST content API: operators at the root, lists where
 * objects belong, prototype names, repeated and unknown parameters, huge pagination, bad sort,
 * fields and populate, on every collection. Each case states its answer; none may be a 5xx.
 */
const suite = useStrapi();

type Expectation = [status: number, message: RegExp];

const ROOT_OPERATORS = ['$eq', '$ne', '$in', '$contains', '$null', '$between', '$jsonSupersetOf', '$startsWith'];
const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'prototype'];

/** Cases that apply to any collection; `{f}` is a text field of it and `{r}` one of its relations. */
const TEMPLATES: Array<[string, string, Expectation]> = [
  ...ROOT_OPERATORS.map((operator): [string, string, Expectation] => [`an operator at the root (${operator})`, `filters[${operator}]=x`, [400, /must follow a field|must be/]]),
  ...ROOT_OPERATORS.map((operator): [string, string, Expectation] => [`a list under a root operator (${operator})`, `filters[${operator}][0]=1`, [400, /must follow a field|must be/]]),
  ['a field used as an operator', 'filters[{f}][{f}]=x', [400, /is a field, not a relation/]],
  ['a list at the top of filters', 'filters[0][{f}][$eq]=x', [400, /not a list/]],
  ['a list of lists at the top of filters', 'filters[0][0][{f}][$eq]=x', [400, /not a list|must be an object of fields/]],
  ['$and that is not a list', 'filters[$and]=x', [400, /\$and\] must be a list of conditions/]],
  ['$or holding a text', 'filters[$or][0]=x', [400, /must be an object of fields and operators/]],
  ['$not holding a list', 'filters[$not][0][{f}][$eq]=x', [400, /not a list|must be an object/]],
  ['$or nesting an operator at its root', 'filters[$or][0][$eq]=x', [400, /must follow a field/]],
  ['$not nesting a root operator', 'filters[$not][$in][0]=1', [400, /must follow a field/]],
  ['an unknown operator', 'filters[{f}][$like]=x', [400, /Invalid key \$like|not a filter operator/]],
  ['an operator on a relation', 'filters[{r}][$contains]=x', [400, /is a relation/]],
  ['$eq on a relation', 'filters[{r}][$eq]=1', [400, /is a relation/]],
  ['$in on a relation', 'filters[{r}][$in][0]=1', [400, /is a relation/]],
  ['a relation given a text', 'filters[{r}]=x', [400, /is a relation|Invalid/]],
  // qs reads a bare key as an empty value, which Strapi drops: no filter.
  ['a bare filter key (no filter)', 'filters[{f}]', [200, /./]],
  ...PROTOTYPE_NAMES.map((name): [string, string, Expectation] => [`${name} as a field`, `fields[0]=${name}`, [400, /is not a field|Invalid key/]]),
  // qs drops keys that are Object.prototype's own (__proto__, constructor): nothing is filtered.
  ['__proto__ as a filter key (dropped by the parser)', 'filters[__proto__][$eq]=x', [200, /./]],
  ['constructor as a filter key (dropped by the parser)', 'filters[constructor][$eq]=x', [200, /./]],
  ['prototype as a filter key', 'filters[prototype][$eq]=x', [400, /is not a field|Invalid key/]],
  ...PROTOTYPE_NAMES.map((name): [string, string, Expectation] => [`${name} as a sort key`, `sort=${name}:asc`, [400, /is not a field|Invalid key|cannot be sorted/]]),
  ...PROTOTYPE_NAMES.map((name): [string, string, Expectation] => [`${name} as a populate key`, `populate=${name}`, [400, /is not a relation|Invalid key/]]),
  ...PROTOTYPE_NAMES.map((name): [string, string, Expectation] => [`${name} inside populate`, `populate[{r}][fields][0]=${name}`, [400, /is not a field|Invalid key/]]),
  ['_q as a list', '_q[0]=a&_q[1]=b', [400, /_q must be a single search text/]],
  ['_q as an object', '_q[a]=b', [400, /_q must be a single search text/]],
  ['_q huge', `_q=${'x'.repeat(300)}`, [400, /_q may be at most 200 characters/]],
  ['_q with a NUL byte', '_q=a%00b', [400, /_q must not contain NUL/]],
  ['sort on a relation inside populate', 'populate[{r}][sort]=articles.title:asc', [400, /not possible inside populate|cannot be sorted|Invalid key/]],
  ['sort inside populate on a missing field', 'populate[{r}][sort]=nope:asc', [400, /Invalid key|not a field/]],
  ['a bad sort order', 'sort={f}:sideways', [400, /Invalid order|asc or desc/]],
  ['sort on an unknown field', 'sort=nope:asc', [400, /Invalid key nope/]],
  ['sort as an object of objects', 'sort[{f}][x]=asc', [400, /Invalid|cannot be sorted|asc or desc/]],
  ['sort on the blocks-free id, descending', 'sort=id:desc', [200, /./]],
  ['fields as an object', 'fields[a]=title', [400, /Invalid|must be a list of field names|not a field/]],
  ['a relation asked for as a field', 'fields[0]={r}', [400, /Invalid key|not a field/]],
  ['populate of an unknown relation', 'populate=nope', [400, /Invalid key nope|not a relation/]],
  ['populate with bad options', 'populate[{r}][nope]=1', [400, /Invalid key|must be/]],
  ['populate nested under a field', 'populate[{f}][populate]=*', [400, /Invalid key|not a relation/]],
  ['populate filters with a root operator', 'populate[{r}][filters][$eq]=x', [400, /must follow a field/]],
  ['populate filters on a relation directly', 'populate[{r}][filters][articles][$contains]=x', [400, /is a relation|Invalid key/]],
  ['an unknown parameter', 'colour=red', [400, /Invalid key colour/]],
  ['an unknown parameter shaped like a filter', 'filter[title][$eq]=x', [400, /Invalid key filter/]],
  ['huge pagination', 'pagination[pageSize]=100000', [400, /pagination\[pageSize\] must be an integer from 1 to 100/]],
  ['negative pagination', 'pagination[limit]=-1', [400, /pagination\[limit\]/]],
  ['a page number too large to be exact', 'pagination[page]=99999999999999999999', [400, /pagination\[page\] must be an integer from 1 to 1000000/]],
  ['an offset too large', 'pagination[start]=999999999999', [400, /pagination\[start\] must be an integer from 0 to 100000000/]],
  ['a page far past the end (empty)', 'pagination[page]=1000000', [200, /./]],
  ['pagination as a list', 'pagination[0]=1', [400, /pagination must be an object/]],
  ['pagination as text', 'pagination=all', [400, /pagination must be an object/]],
  ['repeated pageSize', 'pagination[pageSize]=5&pagination[pageSize]=10', [400, /pagination\[pageSize\] must be/]],
  ['repeated filter values (ORed)', 'filters[id][$eq]=1&filters[id][$eq]=2', [200, /./]],
  ['a locale on types without i18n', 'locale[a]=b', [400, /locale/]],
];

const COLLECTIONS: Array<[string, { f: string; r: string }]> = [
  ['articles', { f: 'title', r: 'people' }],
  ['people', { f: 'name', r: 'articles' }],
  ['events', { f: 'title', r: 'participants' }],
];

const cases = COLLECTIONS.flatMap(([collection, names]) =>
  TEMPLATES.map(([label, query, expectation]) => {
    const filled = query.replace(/\{f\}/g, names.f).replace(/\{r\}/g, names.r);
    return [`${collection}: ${label}`, `/api/${collection}?${filled}`, expectation] as const;
  }),
);

describe('REST structure and parameter abuse', () => {
  it.each(cases)('%s', async (label, url, [status, message]) => {
    const response = await suite.app.http().get(url);
    assertSafeAnswer(label, asAnswer(response), { isPublic: true });
    expect({ label, status: response.status }).toEqual({ label, status });
    if (status >= 400) expect(response.body.error.message).toMatch(message);
    else expect(Array.isArray(response.body.data)).toBe(true);
    if (label.includes('(empty)')) expect(response.body.data).toEqual([]);
  });
});
