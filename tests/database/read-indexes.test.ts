import { createReadIndexes, readIndexesOf } from '../../src/performance/read-indexes';
import { bootStrapi, stopStrapi, type TestApp } from '../helpers/strapi';

let app: TestApp;
beforeAll(async () => {
  app = await bootStrapi();
});
afterAll(() => stopStrapi(app));

const indexDefinitions = async () => {
  const { rows } = await app.strapi.db.connection.raw(
    'SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname = ANY(?) ORDER BY indexname',
    [readIndexesOf(app.strapi).map((index) => index.name)],
  );
  return rows as Array<{ indexname: string; indexdef: string }>;
};

describe('read indexes', () => {
  it('exist after a boot, with the published-only condition on the list index', async () => {
    const indexes = await indexDefinitions();
    expect(indexes.map((index) => index.indexname)).toEqual([
      'articles_published_id_idx',
      'articles_slug_idx',
      'events_slug_idx',
      'people_slug_idx',
    ]);
    expect(indexes[0].indexdef).toBe(
      'CREATE INDEX articles_published_id_idx ON public.articles USING btree (id) WHERE (published_at IS NOT NULL)',
    );
  });

  it('are created again when missing, and left alone when present', async () => {
    await app.strapi.db.connection.raw('DROP INDEX articles_slug_idx');
    expect(await createReadIndexes(app.strapi)).toEqual(['articles_slug_idx']);
    expect(await createReadIndexes(app.strapi)).toEqual([]);
    expect(await indexDefinitions()).toHaveLength(4);
  });

  it('are what the database plans the published count and a slug lookup with', async () => {
    const plans = await app.strapi.db.connection.transaction(async (trx) => {
      // The test database is tiny: without this a sequential scan is cheaper and no index would be chosen.
      await trx.raw('SET LOCAL enable_seqscan = off');
      const plan = async (sql: string, bindings: readonly string[]) =>
        (await trx.raw(`EXPLAIN ${sql}`, bindings)).rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n');
      return {
        count: await plan('SELECT count(id) FROM articles WHERE published_at IS NOT NULL', []),
        slug: await plan('SELECT id FROM articles WHERE slug = ?', ['iran-russia-ict-cooperation']),
      };
    });
    expect(plans.count).toContain('articles_published_id_idx');
    expect(plans.slug).toContain('articles_slug_idx');
  });
});
