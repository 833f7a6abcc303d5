import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { seedDatabase } from '../../src/content/seed';
import { loadSeedContent } from '../../src/content/seed/seed-content';
import { APP_ROOT } from '../helpers/paths';
import { seed, seededArticle } from '../helpers/seed-fixture';
import { useStrapi } from '../helpers/strapi';

const suite = useStrapi();

/** Rows per table: documents are counted with their draft and published versions. */
async function rowCounts() {
  const count = (uid: 'api::article.article' | 'api::person.person' | 'api::event.event') => suite.app.strapi.db.query(uid).count();
  const links = async (table: string) => Number((await suite.app.strapi.db.connection(table).count({ n: '*' }))[0].n);
  return {
    articles: await count('api::article.article'),
    people: await count('api::person.person'),
    events: await count('api::event.event'),
    articlePeople: await links('articles_people_lnk'),
    articleEvents: await links('articles_events_lnk'),
    participants: await links('events_participants_lnk'),
  };
}

const auth = () => `Bearer ${suite.token}`;

async function findOne(collection: string, slug: string, status?: 'draft') {
  const call = suite.app.http().get(`/api/${collection}`).query({ filters: { slug }, populate: '*', ...(status ? { status } : {}) });
  const response = await (status ? call.set('Authorization', auth()) : call).expect(200);
  return response.body.data[0];
}

describe('seedDatabase', () => {
  it('creates nothing and links nothing when run again', async () => {
    const before = await rowCounts();
    const first = await seedDatabase(suite.app.strapi);
    const second = await seedDatabase(suite.app.strapi);
    expect(first).toEqual({ created: { people: 0, events: 0, articles: 0 }, linked: 0 });
    expect(second).toEqual(first);
    expect(await rowCounts()).toEqual(before);
  });

  it('keeps what an editor changed: a person, an event and the published article', async () => {
    const putin = await findOne('people', 'vladimir-putin');
    await suite.app.http().put(`/api/people/${putin.documentId}`).set('Authorization', auth()).send({ data: { bio: 'Edited by an editor.', role: 'Head of state' } }).expect(200);
    const ashgabat = await findOne('events', 'raisi-putin-ashgabat-2022');
    await suite.app.http().put(`/api/events/${ashgabat.documentId}`).set('Authorization', auth()).send({ data: { description: 'Summit notes.' } }).expect(200);
    const article = await findOne('articles', seededArticle.slug);
    await suite.app
      .http()
      .put(`/api/articles/${article.documentId}`)
      .query({ status: 'published' })
      .set('Authorization', auth())
      .send({ data: { summary: 'A summary rewritten by the desk.' } })
      .expect(200);

    await seedDatabase(suite.app.strapi);

    expect(await findOne('people', 'vladimir-putin')).toMatchObject({ bio: 'Edited by an editor.', role: 'Head of state' });
    expect(await findOne('events', 'raisi-putin-ashgabat-2022')).toMatchObject({ description: 'Summit notes.' });
    expect((await findOne('articles', seededArticle.slug)).summary).toBe('A summary rewritten by the desk.');

    // Put the seeded values back for the suites that check them.
    const original = seed.people.find((person) => person.slug === 'vladimir-putin');
    await suite.app.http().put(`/api/people/${putin.documentId}`).set('Authorization', auth()).send({ data: { bio: null, role: original?.role } }).expect(200);
    await suite.app.http().put(`/api/events/${ashgabat.documentId}`).set('Authorization', auth()).send({ data: { description: null } }).expect(200);
    await suite.app
      .http()
      .put(`/api/articles/${article.documentId}`)
      .query({ status: 'published' })
      .set('Authorization', auth())
      .send({ data: { summary: seededArticle.summary } })
      .expect(200);
  });

  it('links a missing participant again, without touching the others', async () => {
    const event = await findOne('events', 'raisi-visits-moscow-2022');
    const raisi = event.participants.find((person: { slug: string }) => person.slug === 'ebrahim-raisi');
    await suite.app
      .http()
      .put(`/api/events/${event.documentId}`)
      .set('Authorization', auth())
      .send({ data: { participants: { disconnect: [raisi.documentId] } } })
      .expect(200);
    expect((await findOne('events', 'raisi-visits-moscow-2022')).participants.map((p: { slug: string }) => p.slug)).toEqual(['vladimir-putin']);

    const report = await seedDatabase(suite.app.strapi);
    expect(report).toEqual({ created: { people: 0, events: 0, articles: 0 }, linked: 1 });
    const relinked = await findOne('events', 'raisi-visits-moscow-2022');
    expect(relinked.participants.map((p: { slug: string }) => p.slug).sort()).toEqual(['ebrahim-raisi', 'vladimir-putin']);
  });

  it("links a missing article relation on the draft only, leaving the published version to the editor's next publish", async () => {
    const article = await findOne('articles', seededArticle.slug, 'draft');
    const event = article.events.find((entry: { slug: string }) => entry.slug === 'moscow-tehran-relations-begin-1521');
    await suite.app
      .http()
      .put(`/api/articles/${article.documentId}`)
      .query({ status: 'published' })
      .set('Authorization', auth())
      .send({ data: { events: { disconnect: [event.documentId] } } })
      .expect(200);

    const report = await seedDatabase(suite.app.strapi);
    expect(report.linked).toBe(1);
    const draft = await findOne('articles', seededArticle.slug, 'draft');
    expect(draft.events.map((e: { slug: string }) => e.slug).sort()).toEqual([...seededArticle.events].sort());
    const published = await findOne('articles', seededArticle.slug);
    expect(published.events).toHaveLength(seededArticle.events.length - 1);

    // The editor publishes: the link is live again.
    await suite.app.http().put(`/api/articles/${article.documentId}`).query({ status: 'published' }).set('Authorization', auth()).send({ data: {} }).expect(200);
    expect((await findOne('articles', seededArticle.slug)).events).toHaveLength(seededArticle.events.length);
  });

  it('recreates a deleted person exactly once, even with two seeds at once, and links it where the seed says', async () => {
    const before = await rowCounts();
    const zarepour = await findOne('people', 'issa-zarepour');
    await suite.app.http().delete(`/api/people/${zarepour.documentId}`).set('Authorization', auth()).expect(204);

    // Without the seed's lock both would see the person missing and both would create it.
    const reports = await Promise.all([seedDatabase(suite.app.strapi), seedDatabase(suite.app.strapi)]);
    expect(reports.map((report) => report.created.people).sort()).toEqual([0, 1]);
    // The ICT documents event, and the article's draft.
    expect(reports.map((report) => report.linked).sort()).toEqual([0, 2]);

    const people = await suite.app.http().get('/api/people').query({ filters: { slug: 'issa-zarepour' }, populate: 'events' }).expect(200);
    expect(people.body.data).toHaveLength(1);
    expect(people.body.data[0]).toMatchObject({ name: 'Issa Zarepour', role: 'Minister of Communication and Information Technology' });
    expect(people.body.data[0].events.map((e: { slug: string }) => e.slug)).toEqual(['iran-russia-ict-cooperation-documents-2022']);

    // The editor publishes the article: the link is public again, and every table is as it was.
    await suite.app.http().put(`/api/articles/${(await findOne('articles', seededArticle.slug)).documentId}`).query({ status: 'published' }).set('Authorization', auth()).send({ data: {} }).expect(200);
    expect((await findOne('articles', seededArticle.slug)).people.map((p: { slug: string }) => p.slug)).toContain('issa-zarepour');
    expect(await rowCounts()).toEqual(before);
  });
});

describe('seed content', () => {
  it('refuses inconsistent seed files, naming the broken reference', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-content-'));
    const dir = path.join(root, 'database', 'seed');
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(path.join(APP_ROOT, 'database', 'seed', 'iran-russia-ict.txt'), path.join(dir, 'iran-russia-ict.txt'));
    const broken = { ...seed, articles: [{ ...seededArticle, people: ['nobody-at-all'] }] };
    fs.writeFileSync(path.join(dir, 'iran-russia-ict.json'), JSON.stringify(broken));
    expect(() => loadSeedContent(root)).toThrow(/article iran-russia-ict-cooperation: unknown person nobody-at-all/);
    fs.rmSync(root, { recursive: true, force: true });
  });
});

describe('npm run seed', () => {
  it('seeds through the CLI against DATABASE_URL, starting no embedded server, and exits 0', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(APP_ROOT, 'scripts', 'launch.js'), 'seed'], {
      cwd: APP_ROOT,
      env: { ...process.env },
      timeout: 120_000,
    });
    expect(stdout).not.toMatch(/Embedded PostgreSQL/);
    expect(stdout).toContain('{"created":{"people":0,"events":0,"articles":0},"linked":0}');
  });
});
