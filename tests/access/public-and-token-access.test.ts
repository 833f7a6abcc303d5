import { seededArticle } from '../helpers/seed-fixture';
import { bootStrapi, createApiToken, graphql, stopStrapi, type TestApp } from '../helpers/strapi';

let app: TestApp;
let fullAccess: string;
let readOnly: string;
const draftSlug = `draft-only-${Date.now()}`;
let draftDocumentId: string;

beforeAll(async () => {
  app = await bootStrapi();
  fullAccess = await createApiToken(app.strapi, 'full-access');
  readOnly = await createApiToken(app.strapi, 'read-only');

  // REST publishes on create unless asked for a draft.
  const created = await app
    .http()
    .post('/api/articles')
    .query({ status: 'draft' })
    .set('Authorization', `Bearer ${fullAccess}`)
    .send({
      data: {
        title: 'An unpublished story',
        slug: draftSlug,
        publishedDate: '2026-11-30',
        body: [{ type: 'paragraph', children: [{ type: 'text', text: 'Not for readers yet.' }] }],
      },
    })
    .expect(201);
  draftDocumentId = created.body.data.documentId;
  expect(created.body.data.publishedAt).toBeNull();
});

afterAll(async () => {
  if (draftDocumentId) {
    await app.http().delete(`/api/articles/${draftDocumentId}`).set('Authorization', `Bearer ${fullAccess}`);
  }
  await stopStrapi(app);
});

describe('the public (no token)', () => {
  it('may call the APIs from a browser on another origin (CORS)', async () => {
    const response = await app.http().get('/api/articles').set('Origin', 'https://frontend.example').expect(200);
    expect(response.headers['access-control-allow-origin']).toMatch(/^(\*|https:\/\/frontend\.example)$/);
    const preflight = await app
      .http()
      .options('/graphql')
      .set('Origin', 'https://frontend.example')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-methods']).toMatch(/POST/);
  });

  it('gets a 204 from the health check', async () => {
    await app.http().get('/_health').expect(204);
  });

  it.each(['articles', 'people', 'events'])('may list and read %s', async (collection) => {
    const list = await app.http().get(`/api/${collection}`).expect(200);
    expect(list.body.data.length).toBeGreaterThan(0);
    const one = await app.http().get(`/api/${collection}/${list.body.data[0].documentId}`).expect(200);
    expect(one.body.data.documentId).toBe(list.body.data[0].documentId);
  });

  it.each([
    ['post', '/api/people', { data: { name: 'Anon', slug: 'anon' } }],
    ['post', '/api/articles', { data: { title: 'Anon', slug: 'anon' } }],
    ['post', '/api/events', { data: { title: 'Anon', slug: 'anon', startDate: '2020-01-01' } }],
  ] as const)('is refused a %s to %s with 403', async (method, url, body) => {
    const response = await app.http()[method](url).send(body).expect(403);
    expect(response.body.error).toMatchObject({ status: 403, name: 'ForbiddenError' });
  });

  it('is refused updates and deletes of the seeded article with 403, and the article is unchanged', async () => {
    const list = await app.http().get('/api/articles').query({ filters: { slug: seededArticle.slug } }).expect(200);
    const { documentId } = list.body.data[0];
    await app.http().put(`/api/articles/${documentId}`).send({ data: { title: 'Defaced' } }).expect(403);
    await app.http().delete(`/api/articles/${documentId}`).expect(403);
    const after = await app.http().get(`/api/articles/${documentId}`).expect(200);
    expect(after.body.data.title).toBe(seededArticle.title);
  });

  it('gets a Forbidden error for GraphQL mutations, and nothing is created', async () => {
    const result = await graphql(app, 'mutation { createPerson(data: { name: "Anon", slug: "anon-gql" }) { documentId } }');
    expect(result.errors?.[0]).toMatchObject({ message: 'Forbidden access', extensions: { code: 'FORBIDDEN' } });
    const check = await app.http().get('/api/people').query({ filters: { slug: 'anon-gql' } }).expect(200);
    expect(check.body.data).toEqual([]);
  });

  it('never sees a draft: not listed, not found by id, not over GraphQL', async () => {
    const list = await app.http().get('/api/articles').query({ filters: { slug: draftSlug } }).expect(200);
    expect(list.body.data).toEqual([]);
    await app.http().get(`/api/articles/${draftDocumentId}`).expect(404);
    const result = await graphql<{ articles: unknown[] }>(app, `{ articles(filters: { slug: { eq: "${draftSlug}" } }) { title } }`);
    expect(result.data?.articles).toEqual([]);
  });

  it('is refused drafts asked for explicitly, over REST and GraphQL, including through relations', async () => {
    const rest = await app.http().get('/api/articles').query({ status: 'draft' }).expect(403);
    expect(rest.body.error.message).toMatch(/Drafts can only be read with an API token/);
    await app.http().get('/api/people').query({ status: 'draft', populate: 'articles' }).expect(403);
    await app.http().get(`/api/articles/${draftDocumentId}`).query({ status: 'draft' }).expect(403);

    const result = await graphql(app, '{ articles(status: DRAFT) { title } }');
    expect(result.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect(result.errors?.[0].message).toMatch(/Drafts can only be read with an API token/);
  });
});

describe('an API token', () => {
  it('full access: creates, updates and deletes a person over REST', async () => {
    const auth = `Bearer ${fullAccess}`;
    const created = await app
      .http()
      .post('/api/people')
      .set('Authorization', auth)
      .send({ data: { name: 'Token Writer', slug: 'token-writer', role: 'Reporter' } })
      .expect(201);
    const { documentId } = created.body.data;

    const updated = await app
      .http()
      .put(`/api/people/${documentId}`)
      .set('Authorization', auth)
      .send({ data: { role: 'Editor' } })
      .expect(200);
    expect(updated.body.data).toMatchObject({ name: 'Token Writer', role: 'Editor' });
    const publicView = await app.http().get(`/api/people/${documentId}`).expect(200);
    expect(publicView.body.data.role).toBe('Editor');

    await app.http().delete(`/api/people/${documentId}`).set('Authorization', auth).expect(204);
    await app.http().get(`/api/people/${documentId}`).expect(404);
  });

  it('full access: creates an event with participants through a GraphQL mutation', async () => {
    const people = await app.http().get('/api/people').query({ filters: { slug: 'vladimir-putin' } }).expect(200);
    const putin = people.body.data[0].documentId;
    const result = await graphql<{ createEvent: { documentId: string; title: string; participants: Array<{ name: string }> } }>(
      app,
      `mutation ($data: EventInput!) { createEvent(data: $data) { documentId title datePrecision participants { name } } }`,
      { data: { title: 'A GraphQL-made event', slug: 'graphql-made-event', startDate: '2023-05-01', datePrecision: 'month', participants: [putin] } },
      fullAccess,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.createEvent).toMatchObject({ title: 'A GraphQL-made event', datePrecision: 'month', participants: [{ name: 'Vladimir Putin' }] });

    const removed = await graphql(app, 'mutation ($id: ID!) { deleteEvent(documentId: $id) { documentId } }', { id: result.data?.createEvent.documentId }, fullAccess);
    expect(removed.errors).toBeUndefined();
  });

  it('full access: an article created with status=published is at once public', async () => {
    const slug = `published-by-token-${Date.now()}`;
    const created = await app
      .http()
      .post('/api/articles')
      .query({ status: 'published' })
      .set('Authorization', `Bearer ${fullAccess}`)
      .send({ data: { title: 'Published by token', slug, publishedDate: '2026-12-01', body: [{ type: 'paragraph', children: [{ type: 'text', text: 'Live.' }] }] } })
      .expect(201);
    const list = await app.http().get('/api/articles').query({ filters: { slug } }).expect(200);
    expect(list.body.data.map((article: { title: string }) => article.title)).toEqual(['Published by token']);
    await app.http().delete(`/api/articles/${created.body.data.documentId}`).set('Authorization', `Bearer ${fullAccess}`).expect(204);
  });

  it('reads drafts when it asks for them (previews)', async () => {
    const response = await app
      .http()
      .get('/api/articles')
      .query({ status: 'draft', filters: { slug: draftSlug } })
      .set('Authorization', `Bearer ${readOnly}`)
      .expect(200);
    expect(response.body.data.map((article: { title: string }) => article.title)).toEqual(['An unpublished story']);
  });

  it('read-only: may read but is refused writes', async () => {
    await app.http().get('/api/people').set('Authorization', `Bearer ${readOnly}`).expect(200);
    await app
      .http()
      .post('/api/people')
      .set('Authorization', `Bearer ${readOnly}`)
      .send({ data: { name: 'Nope', slug: 'read-only-nope' } })
      .expect(403);
  });

  it('an unknown token is refused with 401', async () => {
    const response = await app.http().get('/api/articles').set('Authorization', 'Bearer not-a-real-token').expect(401);
    expect(response.body.error.name).toBe('UnauthorizedError');
  });
});
