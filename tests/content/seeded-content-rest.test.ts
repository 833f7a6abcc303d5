import fs from 'node:fs';
import path from 'node:path';
import { seed, seededArticle } from '../helpers/seed-fixture';
import { APP_ROOT } from '../helpers/paths';
import { bootStrapi, stopStrapi, type TestApp } from '../helpers/strapi';

let app: TestApp;
beforeAll(async () => {
  app = await bootStrapi();
});
afterAll(() => stopStrapi(app));

const SLUG = 'iran-russia-ict-cooperation';

describe('the seeded article over REST', () => {
  it('lists the article with its people and events populated', async () => {
    const response = await app.http().get('/api/articles').query({ populate: '*' }).expect(200);
    const article = response.body.data.find((entry: { slug: string }) => entry.slug === SLUG);
    expect(article).toBeDefined();
    expect(article).toMatchObject({
      title: 'Iran and Russia expand cooperation in communication and information technology',
      dateline: 'Tehran',
      publishedDate: '2022-07-23',
      source: 'TDI',
    });
    expect(article.summary.length).toBeGreaterThan(40);
    expect(article.people.map((person: { slug: string }) => person.slug).sort()).toEqual(
      ['ebrahim-raisi', 'issa-zarepour', 'vladimir-putin'],
    );
    expect(article.events.map((event: { slug: string }) => event.slug).sort()).toEqual(
      [...seededArticle.events].sort(),
    );
    expect(response.body.meta.pagination).toMatchObject({ page: 1, pageSize: 25 });
  });

  it('holds every paragraph of the text verbatim, in order, with the section heading', async () => {
    const response = await app.http().get('/api/articles').query({ filters: { slug: SLUG } }).expect(200);
    const body = response.body.data[0].body as Array<{ type: string; level?: number; children: Array<{ text: string }> }>;

    const text = fs.readFileSync(path.join(APP_ROOT, 'database', 'seed', 'iran-russia-ict.txt'), 'utf8');
    const paragraphs = text.split(/\n\s*\n/).map((paragraph) => paragraph.trim()).filter(Boolean);
    expect(body.map((block) => block.children.map((child) => child.text).join(''))).toEqual(paragraphs);

    expect(body[0].children[0].text).toMatch(/^Tehran, 23 July 2022 \(TDI\): In a meeting with his Russian counterpart/);
    expect(body.at(-1)?.children[0].text).toMatch(/met the Iranian President\.$/);
    const headings = body.filter((block) => block.type === 'heading');
    expect(headings).toEqual([{ type: 'heading', level: 2, children: [{ type: 'text', text: 'Iran-Russia Relations' }] }]);
    expect(body.filter((block) => block.type === 'paragraph')).toHaveLength(paragraphs.length - 1);
  });

  it('finds the article by slug and returns only the asked-for fields', async () => {
    const response = await app
      .http()
      .get('/api/articles')
      .query({ filters: { slug: { $eq: SLUG } }, fields: ['title', 'publishedDate'] })
      .expect(200);
    expect(response.body.data).toHaveLength(1);
    expect(Object.keys(response.body.data[0]).sort()).toEqual(['documentId', 'id', 'publishedDate', 'title']);
  });
});

describe('the seeded people over REST', () => {
  it.each(seed.people)('has $name with role and country', async (person) => {
    const response = await app.http().get('/api/people').query({ filters: { slug: person.slug } }).expect(200);
    expect(response.body.data).toHaveLength(1);
    expect(response.body.data[0]).toMatchObject({ name: person.name, role: person.role, country: person.country });
  });

  it('has the three people of the story and links each to the article', async () => {
    const response = await app
      .http()
      .get('/api/people')
      .query({
        filters: { slug: { $in: seed.people.map((person) => person.slug) } },
        sort: 'name:asc',
        populate: { articles: { fields: ['slug'] } },
      })
      .expect(200);
    expect(response.body.data.map((person: { name: string }) => person.name)).toEqual(
      ['Ebrahim Raisi', 'Issa Zarepour', 'Vladimir Putin'],
    );
    for (const person of response.body.data) {
      expect(person.articles.map((article: { slug: string }) => article.slug)).toEqual([SLUG]);
    }
  });
});

describe('the seeded events over REST', () => {
  it('has the five events with their dates, precisions and places', async () => {
    const response = await app
      .http()
      .get('/api/events')
      .query({ filters: { slug: { $in: seed.events.map((event) => event.slug) } }, sort: 'startDate:asc', populate: 'participants' })
      .expect(200);
    const events = response.body.data.map((event: Record<string, unknown> & { participants: Array<{ slug: string }> }) => ({
      slug: event.slug,
      startDate: event.startDate,
      datePrecision: event.datePrecision,
      location: event.location,
      country: event.country,
      participants: event.participants.map((person) => person.slug).sort(),
    }));
    expect(events).toEqual([
      { slug: 'moscow-tehran-relations-begin-1521', startDate: '1521-01-01', datePrecision: 'year', location: null, country: null, participants: [] },
      { slug: 'raisi-visits-moscow-2022', startDate: '2022-01-01', datePrecision: 'month', location: 'Moscow', country: 'Russia', participants: ['ebrahim-raisi', 'vladimir-putin'] },
      { slug: 'raisi-putin-ashgabat-2022', startDate: '2022-06-01', datePrecision: 'month', location: 'Ashgabat', country: 'Turkmenistan', participants: ['ebrahim-raisi', 'vladimir-putin'] },
      // Same start date: sorted by the database, so compare these two as a set below.
      expect.objectContaining({ startDate: '2022-07-01', datePrecision: 'month' }),
      expect.objectContaining({ startDate: '2022-07-01', datePrecision: 'month' }),
    ]);
    const july = events.slice(3).sort((a: { slug: string }, b: { slug: string }) => a.slug.localeCompare(b.slug));
    expect(july).toEqual([
      { slug: 'iran-russia-ict-cooperation-documents-2022', startDate: '2022-07-01', datePrecision: 'month', location: null, country: null, participants: ['issa-zarepour'] },
      { slug: 'putin-visits-tehran-astana-talks-2022', startDate: '2022-07-01', datePrecision: 'month', location: 'Tehran', country: 'Iran', participants: ['ebrahim-raisi', 'vladimir-putin'] },
    ]);
  });

  it('filters events by participant and sorts them by start date', async () => {
    const response = await app
      .http()
      .get('/api/events')
      .query({
        filters: { participants: { slug: { $eq: 'vladimir-putin' } }, slug: { $in: seed.events.map((event) => event.slug) } },
        sort: ['startDate:asc', 'slug:asc'],
      })
      .expect(200);
    expect(response.body.data.map((event: { slug: string }) => event.slug)).toEqual([
      'raisi-visits-moscow-2022',
      'raisi-putin-ashgabat-2022',
      'putin-visits-tehran-astana-talks-2022',
    ]);
  });
});
