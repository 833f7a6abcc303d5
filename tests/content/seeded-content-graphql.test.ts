import { seed, seededArticle } from '../helpers/seed-fixture';
import { bootStrapi, graphql, stopStrapi, type TestApp } from '../helpers/strapi';

let app: TestApp;
beforeAll(async () => {
  app = await bootStrapi();
});
afterAll(() => stopStrapi(app));

const seededEventSlugs = seed.events.map((event) => event.slug);

describe('the seeded content over GraphQL', () => {
  it('returns the article with its people and events, each with their own relations', async () => {
    const result = await graphql<{ articles: Array<Record<string, unknown>> }>(
      app,
      `query Article($slug: String!) {
        articles(filters: { slug: { eq: $slug } }) {
          title dateline publishedDate source summary
          people(sort: "name:asc") { name role country }
          events(sort: ["startDate:asc", "slug:asc"]) { slug startDate datePrecision participants(sort: "name:asc") { name } }
        }
      }`,
      { slug: seededArticle.slug },
    );
    expect(result.status).toBe(200);
    expect(result.errors).toBeUndefined();
    expect(result.data?.articles).toEqual([
      {
        title: seededArticle.title,
        dateline: 'Tehran',
        publishedDate: '2022-07-23',
        source: 'TDI',
        summary: seededArticle.summary,
        people: [
          { name: 'Ebrahim Raisi', role: 'President of Iran', country: 'Iran' },
          { name: 'Issa Zarepour', role: 'Minister of Communication and Information Technology', country: 'Iran' },
          { name: 'Vladimir Putin', role: 'President of Russia', country: 'Russia' },
        ],
        events: [
          { slug: 'moscow-tehran-relations-begin-1521', startDate: '1521-01-01', datePrecision: 'year', participants: [] },
          { slug: 'raisi-visits-moscow-2022', startDate: '2022-01-01', datePrecision: 'month', participants: [{ name: 'Ebrahim Raisi' }, { name: 'Vladimir Putin' }] },
          { slug: 'raisi-putin-ashgabat-2022', startDate: '2022-06-01', datePrecision: 'month', participants: [{ name: 'Ebrahim Raisi' }, { name: 'Vladimir Putin' }] },
          { slug: 'iran-russia-ict-cooperation-documents-2022', startDate: '2022-07-01', datePrecision: 'month', participants: [{ name: 'Issa Zarepour' }] },
          { slug: 'putin-visits-tehran-astana-talks-2022', startDate: '2022-07-01', datePrecision: 'month', participants: [{ name: 'Ebrahim Raisi' }, { name: 'Vladimir Putin' }] },
        ],
      },
    ]);
  });

  it("returns a person's events in date order", async () => {
    const result = await graphql<{ people: Array<{ name: string; events: Array<{ title: string; startDate: string }> }> }>(
      app,
      `{ people(filters: { slug: { eq: "vladimir-putin" } }) { name events(sort: "startDate:asc") { title startDate location } } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.people).toEqual([
      {
        name: 'Vladimir Putin',
        events: [
          { title: 'Raisi visits Moscow and meets Putin', startDate: '2022-01-01', location: 'Moscow' },
          { title: 'Raisi and Putin meet in Ashgabat', startDate: '2022-06-01', location: 'Ashgabat' },
          { title: 'Putin visits Tehran for the Astana talks on Syria', startDate: '2022-07-01', location: 'Tehran' },
        ],
      },
    ]);
  });

  it('filters events by a participant and sorts them by start date', async () => {
    const result = await graphql<{ events: Array<{ slug: string }> }>(
      app,
      `query ($slugs: [String]) {
        events(filters: { participants: { slug: { eq: "ebrahim-raisi" } }, slug: { in: $slugs } }, sort: ["startDate:desc", "slug:asc"]) { slug }
      }`,
      { slugs: seededEventSlugs },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.events.map((event) => event.slug)).toEqual([
      'putin-visits-tehran-astana-talks-2022',
      'raisi-putin-ashgabat-2022',
      'raisi-visits-moscow-2022',
    ]);
  });

  it('finds one person by documentId with the articles that mention them', async () => {
    const list = await graphql<{ people: Array<{ documentId: string }> }>(
      app,
      '{ people(filters: { slug: { eq: "issa-zarepour" } }) { documentId } }',
    );
    const documentId = list.data?.people[0]?.documentId;
    expect(documentId).toEqual(expect.any(String));

    const result = await graphql<{ person: { name: string; articles: Array<{ title: string }>; events: Array<{ title: string }> } }>(
      app,
      'query ($id: ID!) { person(documentId: $id) { name articles { title } events { title } } }',
      { id: documentId },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.person).toEqual({
      name: 'Issa Zarepour',
      articles: [{ title: seededArticle.title }],
      events: [{ title: 'Iran and Russia sign ICT cooperation documents' }],
    });
  });

  it('returns the body as blocks and counts the people through the connection', async () => {
    const result = await graphql<{
      articles: Array<{ body: Array<{ type: string }> }>;
      people_connection: { pageInfo: { total: number } };
    }>(
      app,
      `query ($slug: String!, $people: [String]) {
        articles(filters: { slug: { eq: $slug } }) { body }
        people_connection(filters: { slug: { in: $people } }) { pageInfo { total } }
      }`,
      { slug: seededArticle.slug, people: seed.people.map((person) => person.slug) },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.articles[0].body).toEqual(seededArticle.body);
    expect(result.data?.people_connection.pageInfo.total).toBe(3);
  });
});

describe('GraphQL outside production', () => {
  it('answers introspection and serves the sandbox page (both are off in production)', async () => {
    const result = await graphql<{ __type: { name: string } }>(app, '{ __type(name: "Article") { name } }');
    expect(result.data?.__type).toEqual({ name: 'Article' });
    const page = await app.http().get('/graphql').set('Accept', 'text/html').expect(200);
    expect(page.text).toMatch(/<html/i);
  });
});
