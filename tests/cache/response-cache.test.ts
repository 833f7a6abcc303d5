import { seed } from '../helpers/seed-fixture';
import { adminLogin, bootStrapi, createApiToken, stopStrapi, type TestApp } from '../helpers/strapi';

/**
 * The response cache answers repeated reads from memory and never serves an
 * answer that a write has changed, whichever path the write took.
 */
let app: TestApp;
let fullAccess: string;
let readOnly: string;
let adminToken: string;
const stamp = Date.now();
const created: Array<{ type: string; documentId: string }> = [];

const personSlug = `cache-person-${stamp}`;
let personId: string;

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const get = (url: string, headers: Record<string, string> = {}) => app.http().get(url).set(headers);
const gql = (query: string, headers: Record<string, string> = {}) =>
  app.http().post('/graphql').set('Content-Type', 'application/json').set(headers).send({ query });

/** Reads the person by slug over REST; the answer's name and whether it came from the cache. */
async function personOverRest() {
  const response = await get(`/api/people?filters[slug][$eq]=${personSlug}&fields[0]=name`).expect(200);
  return { name: response.body.data[0]?.name as string | undefined, cache: response.headers['x-cache'] };
}

async function personOverGraphql() {
  const response = await gql(`{ people(filters: { slug: { eq: "${personSlug}" } }) { name } }`).expect(200);
  return { name: response.body.data.people[0]?.name as string | undefined, cache: response.headers['x-cache'] };
}

/** Warms both APIs' entries for the person and checks they are served from memory. */
async function warm() {
  await personOverRest();
  await personOverGraphql();
  expect((await personOverRest()).cache).toBe('HIT');
  expect((await personOverGraphql()).cache).toBe('HIT');
}

beforeAll(async () => {
  app = await bootStrapi();
  fullAccess = await createApiToken(app.strapi, 'full-access');
  readOnly = await createApiToken(app.strapi, 'read-only');
  adminToken = await adminLogin(app);
  const response = await app
    .http()
    .post('/api/people')
    .set(bearer(fullAccess))
    .send({ data: { name: 'Cache Person', slug: personSlug, role: 'Spokesperson' } })
    .expect(201);
  personId = response.body.data.documentId;
  created.push({ type: 'people', documentId: personId });
});

afterAll(async () => {
  for (const { type, documentId } of created) await app?.http().delete(`/api/${type}/${documentId}`).set(bearer(fullAccess));
  await stopStrapi(app);
});

describe('repeated reads', () => {
  it('are answered from the cache with the same body and headers', async () => {
    const url = '/api/people?sort=name:asc&pagination[pageSize]=5';
    const first = await get(url).expect(200);
    const second = await get(url).expect(200);
    expect(first.headers['x-cache']).toBe('MISS');
    expect(second.headers['x-cache']).toBe('HIT');
    expect(second.body).toEqual(first.body);
    expect(second.headers['content-type']).toBe(first.headers['content-type']);
    // Security headers set by the full middleware chain travel with the cached answer.
    expect(second.headers['x-content-type-options']).toBe('nosniff');
    expect(second.headers['content-security-policy']).toBe(first.headers['content-security-policy']);
  });

  it('over GraphQL are answered from the cache for the same body, and for a body that parses the same', async () => {
    const query = '{ events(sort: "startDate:asc") { title } }';
    const post = (body: string, headers: Record<string, string> = {}) =>
      app.http().post('/graphql').set('Content-Type', 'application/json').set(headers).send(body);
    const compact = JSON.stringify({ query, variables: {} });
    const respaced = JSON.stringify({ variables: {}, query }, null, 2);
    const first = await post(compact).expect(200);
    const again = await post(compact).expect(200);
    const reordered = await post(respaced).expect(200);
    expect([first.headers['x-cache'], again.headers['x-cache'], reordered.headers['x-cache']]).toEqual(['MISS', 'HIT', 'HIT']);
    expect(again.body).toEqual(first.body);
    expect(reordered.body).toEqual(first.body);
    expect(reordered.headers.etag).toBe(first.headers.etag);
    const notModified = await post(compact, { 'If-None-Match': first.headers.etag }).expect(304);
    expect(notModified.text).toBe('');
  });

  it('share one entry whatever the order of the query parameters', async () => {
    const first = await get('/api/events?fields[0]=title&sort=startDate:desc&pagination[pageSize]=3').expect(200);
    const reordered = await get('/api/events?pagination[pageSize]=3&sort=startDate:desc&fields[0]=title').expect(200);
    expect(reordered.headers['x-cache']).toBe('HIT');
    expect(reordered.body).toEqual(first.body);
  });

  it('carry a strong ETag and answer a matching If-None-Match with 304 and no body', async () => {
    const url = '/api/events?sort=startDate:asc';
    const first = await get(url).expect(200);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await get(url, { 'If-None-Match': etag }).expect(304);
    expect(again.text ?? '').toBe('');
    expect(again.headers.etag).toBe(etag);
    // A list of validators, and the weak form of ours, match too; another one does not.
    await get(url, { 'If-None-Match': `"other", W/${etag}` }).expect(304);
    await get(url, { 'If-None-Match': '"other"' }).expect(200);
  });

  it('name the lists and documents they hold in Cache-Tag, and are public in Cache-Control', async () => {
    const response = await get('/api/articles?populate[people][fields][0]=name').expect(200);
    const tags = String(response.headers['cache-tag']).split(',');
    // An unfiltered list can gain any article: it carries the type's tag; the people it shows are named one by one.
    expect(tags).toContain('article');
    expect(tags).not.toContain('person');
    const article = response.body.data.find((entry: { slug: string }) => entry.slug === seed.articles[0].slug);
    expect(tags).toContain(`article:${article.documentId}`);
    for (const person of article.people) expect(tags).toContain(`person:${person.documentId}`);
    expect(response.headers['cache-control']).toBe('public, max-age=0, must-revalidate');
    expect(String(response.headers.vary)).toMatch(/Authorization/);

    // A list filtered by slug holds only the documents with that slug: it carries the slug's tag, not the type's.
    const one = await get(`/api/articles?filters[slug][$eq]=${seed.articles[0].slug}&fields[0]=title`).expect(200);
    const oneTags = String(one.headers['cache-tag']).split(',');
    expect(oneTags).toContain(`article.slug=${seed.articles[0].slug}`);
    expect(oneTags).not.toContain('article');
  });

  it('are not cached when they are not a successful read of content', async () => {
    const missing = await get('/api/articles/no-such-document').expect(404);
    expect(missing.headers['x-cache']).toBe('BYPASS');
    expect((await get('/api/articles/no-such-document').expect(404)).headers['x-cache']).toBe('BYPASS');
    const bad = await get('/api/articles?pagination[pageSize]=100000').expect(400);
    expect(bad.headers['x-cache']).toBe('BYPASS');
  });
});

describe('a write is visible to the next read, whichever path it took', () => {
  it('REST', async () => {
    await warm();
    await app.http().put(`/api/people/${personId}`).set(bearer(fullAccess)).send({ data: { name: 'Renamed over REST' } }).expect(200);
    expect(await personOverRest()).toEqual({ name: 'Renamed over REST', cache: 'MISS' });
    expect((await personOverGraphql()).name).toBe('Renamed over REST');
  });

  it('GraphQL mutation', async () => {
    await warm();
    const mutation = await gql(`mutation { updatePerson(documentId: "${personId}", data: { name: "Renamed over GraphQL" }) { name } }`, bearer(fullAccess)).expect(200);
    expect(mutation.body.errors).toBeUndefined();
    expect((await personOverRest()).name).toBe('Renamed over GraphQL');
    expect((await personOverGraphql()).name).toBe('Renamed over GraphQL');
  });

  it('Document Service', async () => {
    await warm();
    await app.strapi.documents('api::person.person').update({ documentId: personId, data: { name: 'Renamed in code' } });
    expect((await personOverRest()).name).toBe('Renamed in code');
    expect((await personOverGraphql()).name).toBe('Renamed in code');
  });

  it('Query Engine', async () => {
    await warm();
    await app.strapi.db.query('api::person.person').updateMany({ where: { slug: personSlug }, data: { name: 'Renamed by query' } });
    expect((await personOverRest()).name).toBe('Renamed by query');
    expect((await personOverGraphql()).name).toBe('Renamed by query');
  });

  it("the admin panel's content manager", async () => {
    await warm();
    await app
      .http()
      .put(`/content-manager/collection-types/api::person.person/${personId}`)
      .set(bearer(adminToken))
      .send({ name: 'Renamed by an editor' })
      .expect(200);
    expect((await personOverRest()).name).toBe('Renamed by an editor');
    expect((await personOverGraphql()).name).toBe('Renamed by an editor');
  });

  it('a change to a related type reaches answers that populate it', async () => {
    const url = `/api/articles?filters[slug][$eq]=${seed.articles[0].slug}&populate[people][fields][0]=name&populate[people][fields][1]=slug`;
    const article = await get(url).expect(200);
    const person = article.body.data[0].people[0] as { documentId: string; name: string };
    expect((await get(url).expect(200)).headers['x-cache']).toBe('HIT');
    try {
      await app.strapi.documents('api::person.person').update({ documentId: person.documentId, data: { name: `${person.name} (renamed)` } });
      const after = await get(url).expect(200);
      const renamed = after.body.data[0].people.find((entry: { documentId: string }) => entry.documentId === person.documentId);
      expect(renamed.name).toBe(`${person.name} (renamed)`);
    } finally {
      await app.strapi.documents('api::person.person').update({ documentId: person.documentId, data: { name: person.name } });
    }
  });

  it('publishing a draft makes it appear in cached public lists', async () => {
    const slug = `cache-draft-${stamp}`;
    const list = () => get(`/api/articles?filters[slug][$eq]=${slug}`).expect(200);
    const draft = await app
      .http()
      .post('/api/articles?status=draft')
      .set(bearer(fullAccess))
      .send({ data: { title: 'Cache draft', slug, publishedDate: '2026-12-01', body: [{ type: 'paragraph', children: [{ type: 'text', text: 'Soon.' }] }] } })
      .expect(201);
    created.push({ type: 'articles', documentId: draft.body.data.documentId });
    expect((await list()).body.data).toEqual([]);
    expect((await list()).headers['x-cache']).toBe('HIT');
    await app
      .http()
      .post(`/content-manager/collection-types/api::article.article/${draft.body.data.documentId}/actions/publish`)
      .set(bearer(adminToken))
      .send({})
      .expect(200);
    expect((await list()).body.data.map((entry: { slug: string }) => entry.slug)).toEqual([slug]);
  });
});

describe('answers are never served to another caller', () => {
  const draftUrl = () => `/api/people?filters[slug][$eq]=${personSlug}&status=draft`;

  it('a token\'s answer is not served to the public, nor to another token', async () => {
    const withToken = await get(draftUrl(), bearer(fullAccess)).expect(200);
    expect((await get(draftUrl(), bearer(fullAccess)).expect(200)).headers['x-cache']).toBe('HIT');
    expect(withToken.headers['cache-control']).toBe('private, no-cache');

    // The public is refused drafts, cached token answer or not.
    const publicly = await get(draftUrl()).expect(403);
    expect(publicly.headers['x-cache']).toBe('BYPASS');

    const other = await get(draftUrl(), bearer(readOnly)).expect(200);
    expect(other.headers['x-cache']).toBe('MISS');
  });

  it('drafts read with a token never reach public answers of the same path', async () => {
    const slug = `cache-private-${stamp}`;
    const draft = await app
      .http()
      .post('/api/articles?status=draft')
      .set(bearer(fullAccess))
      .send({ data: { title: 'Private draft', slug, publishedDate: '2026-12-01', body: [{ type: 'paragraph', children: [{ type: 'text', text: 'Hidden.' }] }] } })
      .expect(201);
    created.push({ type: 'articles', documentId: draft.body.data.documentId });
    const url = `/api/articles/${draft.body.data.documentId}?status=draft`;
    expect((await get(url, bearer(fullAccess)).expect(200)).body.data.slug).toBe(slug);
    await get(url).expect(403);
    await get(`/api/articles/${draft.body.data.documentId}`).expect(404);
  });

  it('an unknown or revoked token is answered by Strapi, not the cache', async () => {
    await get('/api/people', bearer('not-a-token')).expect(401);
    const token = await createApiToken(app.strapi, 'read-only');
    expect((await get('/api/people?sort=slug:asc', bearer(token)).expect(200)).headers['x-cache']).toBe('MISS');
    expect((await get('/api/people?sort=slug:asc', bearer(token)).expect(200)).headers['x-cache']).toBe('HIT');
    const stored = await app.strapi.db.query('admin::api-token').findOne({ where: { accessKey: app.strapi.service('admin::api-token-content-api').hash(token) } });
    await app.strapi.service('admin::api-token-content-api').revoke(stored.id);
    await get('/api/people?sort=slug:asc', bearer(token)).expect(401);
  });
});

describe('bad GraphQL bodies', () => {
  it('get a 400 naming the problem', async () => {
    const response = await app.http().post('/graphql').set('Content-Type', 'application/json').send('{"query": ').expect(400);
    expect(response.body.errors[0].message).toMatch(/not valid JSON/);
  });
});
