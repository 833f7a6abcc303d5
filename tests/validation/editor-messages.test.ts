import { adminLogin, graphql, useStrapi } from '../helpers/strapi';

const suite = useStrapi();
const DATES_MESSAGE = /The end date \(1 July 2022\) is before the start date \(10 July 2022\): set an end date on or after the start date/;

const rest = (method: 'post' | 'put', url: string) =>
  suite.app.http()[method](url).set('Authorization', `Bearer ${suite.token}`);

async function createEvent(slug: string, data: Record<string, unknown> = {}) {
  const response = await rest('post', '/api/events')
    .send({ data: { title: `Event ${slug}`, slug, startDate: '2022-07-10', endDate: '2022-07-12', ...data } })
    .expect(201);
  return response.body.data.documentId as string;
}

describe('an event that ends before it starts', () => {
  it('is refused over REST with a 400 naming the end date', async () => {
    const response = await rest('post', '/api/events')
      .send({ data: { title: 'Backwards', slug: 'backwards', startDate: '2022-07-10', endDate: '2022-07-01' } })
      .expect(400);
    expect(response.body.error.name).toBe('ValidationError');
    expect(response.body.error.message).toMatch(DATES_MESSAGE);
    expect(response.body.error.details.errors[0].path).toEqual(['endDate']);
    expect(await suite.app.strapi.db.query('api::event.event').count({ where: { slug: 'backwards' } })).toBe(0);
  });

  it('is refused when an update sends only the end date, or only the start date', async () => {
    const documentId = await createEvent('partial-update');
    const onlyEnd = await rest('put', `/api/events/${documentId}`).send({ data: { endDate: '2022-07-01' } }).expect(400);
    expect(onlyEnd.body.error.message).toMatch(DATES_MESSAGE);
    const onlyStart = await rest('put', `/api/events/${documentId}`).send({ data: { startDate: '2022-07-20' } }).expect(400);
    expect(onlyStart.body.error.message).toMatch(/The end date \(12 July 2022\) is before the start date \(20 July 2022\)/);

    // Valid changes still go through, and clearing the end date is always allowed.
    await rest('put', `/api/events/${documentId}`).send({ data: { endDate: '2022-07-10' } }).expect(200);
    const cleared = await rest('put', `/api/events/${documentId}`).send({ data: { startDate: '2022-08-01', endDate: null } }).expect(200);
    expect(cleared.body.data).toMatchObject({ startDate: '2022-08-01', endDate: null });
  });

  it('is refused over GraphQL, on create and on a partial update', async () => {
    const created = await graphql(
      suite.app,
      'mutation { createEvent(data: { title: "Backwards GQL", slug: "backwards-gql", startDate: "2022-07-10", endDate: "2022-07-01" }) { documentId } }',
      {},
      suite.token,
    );
    expect(created.errors?.[0].message).toMatch(DATES_MESSAGE);
    expect(created.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');

    const documentId = await createEvent('partial-update-gql');
    const updated = await graphql(
      suite.app,
      'mutation ($id: ID!) { updateEvent(documentId: $id, data: { endDate: "2022-07-01" }) { endDate } }',
      { id: documentId },
      suite.token,
    );
    expect(updated.errors?.[0].message).toMatch(DATES_MESSAGE);
  });

  it('is refused in the admin panel, with the message on the end date field', async () => {
    const jwt = await adminLogin(suite.app);
    const response = await suite.app
      .http()
      .post('/content-manager/collection-types/api::event.event')
      .set('Authorization', `Bearer ${jwt}`)
      .send({ title: 'Backwards admin', slug: 'backwards-admin', startDate: '2022-07-10', endDate: '2022-07-01', datePrecision: 'day' })
      .expect(400);
    expect(response.body.error.message).toMatch(DATES_MESSAGE);
    expect(response.body.error.details.errors[0]).toMatchObject({ path: ['endDate'] });
  });
});

describe('messages that say what to fix', () => {
  it('a slug that is taken names the slug and the type', async () => {
    const response = await rest('post', '/api/people').send({ data: { name: 'Another Putin', slug: 'vladimir-putin' } }).expect(400);
    const message = 'Slug "vladimir-putin" is already used by another person: choose a different slug.';
    expect(response.body.error.message).toBe(message);
    expect(response.body.error.details.errors[0]).toMatchObject({ path: ['slug'], message });
  });

  it('a missing required field is named by the label editors see', async () => {
    const response = await rest('post', '/api/articles')
      .send({ data: { slug: 'no-title', publishedDate: '2022-07-23', body: [{ type: 'paragraph', children: [{ type: 'text', text: 'x' }] }] } })
      .expect(400);
    expect(response.body.error.message).toBe('Title is required: fill it in before saving.');
    expect(response.body.error.details.errors[0].path).toEqual(['title']);
  });

  it('several problems are listed together', async () => {
    const response = await rest('post', '/api/events').send({ data: { location: 'Nowhere' } }).expect(400);
    expect(response.body.error.message).toMatch(/^Fix 3 fields: /);
    for (const label of ['Title', 'Slug', 'Start date']) expect(response.body.error.message).toContain(`${label} is required`);
  });
});
