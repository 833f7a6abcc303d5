import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { graphql, useStrapi } from '../helpers/strapi';

const suite = useStrapi();

async function counts() {
  return {
    articles: await suite.app.strapi.db.query('api::article.article').count(),
    people: await suite.app.strapi.db.query('api::person.person').count(),
    events: await suite.app.strapi.db.query('api::event.event').count(),
  };
}

describe('malformed REST query strings get a 400 naming the problem', () => {
  it.each([
    ['an unknown operator', '/api/articles?filters[title][$eqq]=x', /Invalid key \$eqq/],
    ['an unknown filter field', '/api/articles?filters[nope][$eq]=x', /Invalid key nope/],
    ['filters that are not an object', '/api/articles?filters=oops', /filters must be an object of fields and operators/],
    ['$or that is not a list', '/api/articles?filters[$or]=x', /filters\[\$or\] must be a list of conditions/],
    ['$not that is not an object', '/api/articles?filters[$not]=x', /filters\[\$not\] must be an object/],
    ['$between with one value', '/api/events?filters[startDate][$between]=2022-01-01', /\$between\] must be a list of exactly 2/],
    ['$null that is not a boolean', '/api/articles?filters[summary][$null]=maybe', /\$null\] must be true or false/],
    ['a non-numeric id', '/api/articles?filters[id][$eq]=abc', /^filters\[id\]\[\$eq\]: id is an integer field and takes an integer, such as 42; got "abc"$/],
    ['a non-numeric id in a relation', '/api/articles?filters[people][id][$in][0]=1&filters[people][id][$in][1]=x', /^filters\[people\]\[id\]\[\$in\]: id is an integer field and takes an integer, such as 42; got "x"$/],
    ['a malformed date', '/api/events?filters[startDate][$lt]=soon', /^filters\[startDate\]\[\$lt\]: startDate is a date field and takes a date such as 2022-07-23; got "soon"$/],
    ['an id out of range', '/api/articles?filters[id][$gt]=99999999999', /id is an integer field and takes an integer between -2147483648 and 2147483647/],
    ['a text operator on a date', '/api/events?filters[startDate][$contains]=2022', /\$contains does not apply to startDate, a date field/],
    ['an unknown sort field', '/api/articles?sort=nope:asc', /Invalid key nope/],
    ['a bad sort order', '/api/articles?sort=title:sideways', /^sort: the order of title must be asc or desc$/],
    ['an unknown populate key', '/api/articles?populate=nope', /Invalid key nope/],
    ['an unknown nested populate key', '/api/articles?populate[people][populate][nope]=true', /Invalid key nope/],
    ['an unknown field', '/api/articles?fields=nope', /Invalid key nope/],
    ['a relation asked for as a field', '/api/articles?fields[0]=people', /Invalid key people/],
    ['a non-numeric page size', '/api/articles?pagination[pageSize]=ten', /pagination\[pageSize\] must be an integer from 1 to 100; got "ten"/],
    ['page zero', '/api/articles?pagination[page]=0', /pagination\[page\] must be an integer from 1 to 1000000; got 0/],
    ['a negative start', '/api/articles?pagination[start]=-5', /pagination\[start\] must be an integer from 0 to 100000000; got -5/],
    ['mixed page and offset pagination', '/api/articles?pagination[page]=1&pagination[limit]=5', /either page and pageSize, or start and limit/],
    ['an unknown pagination key', '/api/articles?pagination[size]=5', /pagination\[size\] is not a pagination parameter/],
    ['an unknown top-level parameter', '/api/articles?colour=red', /Invalid key colour/],
    ['an unknown status', '/api/articles?status=maybe', /status must be 'published' or left out/],
  ])('%s', async (_label, url, message) => {
    const response = await suite.app.http().get(url).expect(400);
    expect(response.headers['content-type']).toMatch(/application\/json/);
    expect(response.body.error.status).toBe(400);
    expect(response.body.error.message).toMatch(message);
  });

  it('an unknown document id is a 404, not a 500', async () => {
    const response = await suite.app.http().get('/api/articles/no-such-document').expect(404);
    expect(response.body.error.name).toBe('NotFoundError');
  });
});

describe('bad REST bodies get a 4xx, and nothing is written', () => {
  const post = (collection: string) => suite.app.http().post(`/api/${collection}`).set('Authorization', `Bearer ${suite.token}`);
  let before: Awaited<ReturnType<typeof counts>>;
  beforeAll(async () => {
    before = await counts();
  });
  afterAll(async () => {
    expect(await counts()).toEqual(before);
  });

  it('malformed JSON', async () => {
    const response = await post('people').set('Content-Type', 'application/json').send('{"data": {"name": ').expect(400);
    expect(response.body.error.message).toMatch(/JSON/);
  });

  it('no data wrapper', async () => {
    const response = await post('people').send({ name: 'No Wrapper' }).expect(400);
    expect(response.body.error.message).toBe('Missing "data" payload in the request body');
  });

  it('an unknown field', async () => {
    const response = await post('people').send({ data: { name: 'Unknown Field', slug: 'unknown-field', shoeSize: 44 } }).expect(400);
    expect(response.body.error.message).toBe('Invalid key shoeSize');
  });

  it('a wrong type', async () => {
    const response = await post('people').send({ data: { name: 42, slug: 'wrong-type' } }).expect(400);
    expect(response.body.error.message).toMatch(/name must be a `string` type/);
  });

  it('missing required fields, each named', async () => {
    const response = await post('events').send({ data: { location: 'Nowhere' } }).expect(400);
    const paths = response.body.error.details.errors.map((error: { path: string[] }) => error.path.join('.')).sort();
    expect(paths).toEqual(['slug', 'startDate', 'title']);
  });

  it('a slug that is taken', async () => {
    const response = await post('people').send({ data: { name: 'Another Putin', slug: 'vladimir-putin' } }).expect(400);
    expect(response.body.error.details.errors[0]).toMatchObject({
      path: ['slug'],
      message: 'Slug "vladimir-putin" is already used by another person: choose a different slug.',
    });
  });

  it('a malformed date and an unknown precision', async () => {
    const date = await post('events').send({ data: { title: 'Bad date', slug: 'bad-date', startDate: 'last tuesday' } }).expect(400);
    expect(date.body.error.message).toMatch(/Invalid format, expected yyyy-MM-dd/);
    const precision = await post('events').send({ data: { title: 'Bad precision', slug: 'bad-precision', startDate: '2020-01-01', datePrecision: 'century' } }).expect(400);
    expect(precision.body.error.message).toMatch(/datePrecision must be one of the following values: day, month, year/);
  });

  it('a relation to a document that does not exist', async () => {
    const response = await post('events').send({ data: { title: 'Ghost', slug: 'ghost', startDate: '2020-01-01', participants: ['no-such-person'] } }).expect(400);
    expect(response.body.error.message).toMatch(/Document with id "no-such-person".*not found/);
  });

  it('an oversize body', async () => {
    const response = await post('people').send({ data: { name: 'Big', slug: 'big', bio: 'x'.repeat(2 * 1024 * 1024) } }).expect(413);
    expect(response.body.error).toMatchObject({ status: 413, name: 'PayloadTooLargeError' });
  });
});

describe('bad GraphQL gets a 400 naming the problem', () => {
  it.each([
    ['a syntax error', '{ articles { title ', 'GRAPHQL_PARSE_FAILED', /Syntax Error/],
    ['an unknown field', '{ articles { shoeSize } }', 'GRAPHQL_VALIDATION_FAILED', /Cannot query field "shoeSize" on type "Article"/],
    ['an unknown filter', '{ articles(filters: { nope: { eq: "x" } }) { title } }', 'GRAPHQL_VALIDATION_FAILED', /"nope" is not defined by type "ArticleFiltersInput"/],
    ['a malformed date', '{ events(filters: { startDate: { lt: "soon" } }) { title } }', 'GRAPHQL_VALIDATION_FAILED', /Date/],
  ])('%s', async (_label, query, code, message) => {
    const result = await graphql(suite.app, query);
    expect(result.status).toBe(400);
    expect(result.errors?.[0].extensions?.code).toBe(code);
    expect(result.errors?.[0].message).toMatch(message);
  });

  it('a variable of the wrong type', async () => {
    const result = await graphql(suite.app, 'query ($slug: String!) { articles(filters: { slug: { eq: $slug } }) { title } }', { slug: 5 });
    expect(result.status).toBe(400);
    expect(result.errors?.[0].message).toMatch(/Variable "\$slug" got invalid value 5/);
  });

  it('an oversize body, announced or not', async () => {
    const body = JSON.stringify({ query: '{ articles { title } }', variables: { padding: 'x'.repeat(2 * 1024 * 1024) } });
    const announced = await suite.app.http().post('/graphql').set('Content-Type', 'application/json').send(body).expect(413);
    expect(JSON.stringify(announced.body)).toMatch(/larger than the \d+ byte limit/);

    // Sent in chunks without a Content-Length: the limit is found while reading.
    const server = suite.app.strapi.server.httpServer;
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const chunked = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = http.request({ port, host: '127.0.0.1', method: 'POST', path: '/graphql', headers: { 'Content-Type': 'application/json' } }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      });
      request.on('error', reject);
      for (let offset = 0; offset < body.length; offset += 64 * 1024) request.write(body.slice(offset, offset + 64 * 1024));
      request.end();
    });
    expect(chunked.status).toBe(413);
    expect(chunked.text).toMatch(/larger than the \d+ byte limit/);
  });

  it('a body that is not JSON', async () => {
    const response = await suite.app.http().post('/graphql').set('Content-Type', 'application/json').send('{"query": ').expect(400);
    expect(JSON.stringify(response.body)).toMatch(/JSON/);
  });

  it('a mutation with a bad input changes nothing', async () => {
    const before = await counts();
    const result = await graphql(suite.app, 'mutation { createPerson(data: { name: "Twin", slug: "vladimir-putin" }) { documentId } }', {}, suite.token);
    expect(result.errors?.[0].message).toBe('Slug "vladimir-putin" is already used by another person: choose a different slug.');
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(await counts()).toEqual(before);
  });
});
