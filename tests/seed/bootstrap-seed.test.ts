import { seededArticle } from '../helpers/seed-fixture';
import { bootStrapi, stopStrapi, type TestApp } from '../helpers/strapi';

const SLUG = 'moscow-tehran-relations-begin-1521';
const seedSetting = process.env.SEED_ON_BOOTSTRAP;
afterAll(() => {
  process.env.SEED_ON_BOOTSTRAP = seedSetting;
});

async function withStrapi<T>(seedOnBootstrap: string, use: (app: TestApp) => Promise<T>): Promise<T> {
  process.env.SEED_ON_BOOTSTRAP = seedOnBootstrap;
  const app = await bootStrapi();
  try {
    return await use(app);
  } finally {
    await stopStrapi(app);
  }
}

const findEvent = async (app: TestApp) =>
  (await app.http().get('/api/events').query({ filters: { slug: SLUG }, populate: 'articles' }).expect(200)).body.data;

describe('seeding at bootstrap', () => {
  it('is skipped with SEED_ON_BOOTSTRAP=0 (any spelling of false) and runs by default', async () => {
    await withStrapi('true', async (app) => {
      const [event] = await findEvent(app);
      await app.strapi.documents('api::event.event').delete({ documentId: event.documentId });
    });

    await withStrapi('0', async (app) => {
      expect(await findEvent(app)).toEqual([]);
    });

    await withStrapi('true', async (app) => {
      const [event] = await findEvent(app);
      expect(event).toMatchObject({ slug: SLUG, startDate: '1521-01-01', datePrecision: 'year' });

      // Linked again on the article's draft; publishing it makes the link public.
      const article = await app.strapi.documents('api::article.article').findFirst({ filters: { slug: seededArticle.slug } });
      await app.strapi.documents('api::article.article').publish({ documentId: article!.documentId });
      const [published] = await findEvent(app);
      expect(published.articles.map((entry: { slug: string }) => entry.slug)).toEqual([seededArticle.slug]);
    });
  });
});
