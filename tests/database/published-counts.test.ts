import { waitForDatabaseIdle } from '../../src/platform/shutdown/database-idle';
import { COUNTER_SLOTS, installPublishedCounters, readPublishedCount } from '../../src/performance/published-counts/counter-schema';
import { seededArticle } from '../helpers/seed-fixture';
import { bootStrapi, stopStrapi, type TestApp } from '../helpers/strapi';

/**
 * The published-article counter (src/performance/published-counts) must equal what
 * `count(*) WHERE published_at IS NOT NULL` says after every kind of write,
 * inside and outside transactions, and REST must answer the same totals with
 * it as without it.
 */

const ARTICLE = 'api::article.article';

let app: TestApp;
const savedResponseCache = process.env.RESPONSE_CACHE;
beforeAll(async () => {
  // Every list request must reach the database, so its statements can be read.
  process.env.RESPONSE_CACHE = 'false';
  app = await bootStrapi();
});
afterAll(async () => {
  await stopStrapi(app);
  if (savedResponseCache === undefined) delete process.env.RESPONSE_CACHE;
  else process.env.RESPONSE_CACHE = savedResponseCache;
});

type Knex = TestApp['strapi']['db']['connection'];
const knex = (): Knex => app.strapi.db.connection;

const countedByQuery = async (connection: Knex = knex()) =>
  Number((await connection.raw('SELECT count(*) AS n FROM articles WHERE published_at IS NOT NULL')).rows[0].n);

/** What the counter says and what counting says, side by side. */
const bothCounts = async (connection: Knex = knex()) => ({
  counter: await readPublishedCount(connection, 'articles'),
  query: await countedByQuery(connection),
});

let sequence = 0;
const newArticle = () => {
  sequence += 1;
  return {
    title: `Counter check ${sequence}`,
    slug: `counter-check-${sequence}-${Date.now()}`,
    body: [{ type: 'paragraph', children: [{ type: 'text', text: 'Counted.' }] }],
    publishedDate: '2026-12-02',
  };
};

describe('published counters', () => {
  it('follow creating, publishing, republishing, unpublishing and deleting through the Document Service', async () => {
    const documents = app.strapi.documents(ARTICLE);
    const before = await bothCounts();
    expect(before.counter).toBe(before.query);
    expect(before.query).toBeGreaterThan(0);

    const draft = await documents.create({ data: newArticle() as never });
    expect(await bothCounts()).toEqual(before);

    await documents.publish({ documentId: draft.documentId });
    expect(await bothCounts()).toEqual({ counter: before.query + 1, query: before.query + 1 });

    // Publishing again replaces the published row (a delete and an insert): the count stays.
    await documents.update({ documentId: draft.documentId, data: { title: 'Counter check, edited' } as never });
    await documents.publish({ documentId: draft.documentId });
    expect(await bothCounts()).toEqual({ counter: before.query + 1, query: before.query + 1 });

    await documents.unpublish({ documentId: draft.documentId });
    expect(await bothCounts()).toEqual(before);

    await documents.publish({ documentId: draft.documentId });
    await documents.delete({ documentId: draft.documentId });
    expect(await bothCounts()).toEqual(before);
  });

  it('change with the transaction that wrote the rows: seen inside it, gone after a rollback', async () => {
    const before = await bothCounts();
    await knex()
      .transaction(async (trx) => {
        await trx.raw(
          `INSERT INTO articles (document_id, title, slug, published_date, published_at, created_at, updated_at)
           SELECT 'counter-bulk-' || n, 'Bulk ' || n, 'counter-bulk-' || n, '2026-12-02', now(), now(), now()
           FROM generate_series(1, 50) AS n`,
        );
        // One statement, fifty rows: counted from its transition table in one go.
        expect(await bothCounts(trx)).toEqual({ counter: before.query + 50, query: before.query + 50 });
        // Outside the transaction nothing has happened yet.
        expect(await bothCounts()).toEqual(before);

        await trx.raw("UPDATE articles SET published_at = NULL WHERE document_id LIKE 'counter-bulk-%' AND id % 2 = 0");
        expect(await bothCounts(trx)).toEqual({ counter: before.query + 25, query: before.query + 25 });

        await trx.raw('TRUNCATE articles CASCADE');
        expect(await bothCounts(trx)).toEqual({ counter: 0, query: 0 });
        throw new Error('roll back');
      })
      .catch((error: Error) => {
        if (error.message !== 'roll back') throw error;
      });
    expect(await bothCounts()).toEqual(before);
  });

  it('let two transactions publish and unpublish at once without waiting for each other, and stay exact when both commit', async () => {
    const before = await bothCounts();
    const insert = (trx: Knex, name: string) =>
      trx.raw(
        `INSERT INTO articles (document_id, title, slug, published_date, published_at, created_at, updated_at)
         VALUES (?, ?, ?, '2026-12-02', now(), now(), now())`,
        [name, name, name],
      );
    const first = await knex().transaction();
    const second = await knex().transaction();
    try {
      // The first holds its slot until it ends; with one counter row the second would queue behind it.
      await insert(first, `counter-concurrent-a-${Date.now()}`);
      await second.raw("SET LOCAL lock_timeout = '2s'");
      await insert(second, `counter-concurrent-b-${Date.now()}`);
      await second.raw("DELETE FROM articles WHERE document_id LIKE 'counter-concurrent-b-%'");
      await insert(second, `counter-concurrent-c-${Date.now()}`);
      await second.commit();
      expect(await bothCounts()).toEqual({ counter: before.query + 1, query: before.query + 1 });
      await first.commit();
    } finally {
      if (!first.isCompleted()) await first.rollback();
      if (!second.isCompleted()) await second.rollback();
    }
    expect(await bothCounts()).toEqual({ counter: before.query + 2, query: before.query + 2 });
    await knex().raw("DELETE FROM articles WHERE document_id LIKE 'counter-concurrent-%'");
    expect(await bothCounts()).toEqual(before);
  });

  it('are moved from one row per table to slots, keeping nothing but exact counts', async () => {
    const tables = (await knex().raw('SELECT DISTINCT table_name FROM published_row_counts ORDER BY table_name')).rows.map(
      (row: { table_name: string }) => row.table_name,
    );
    expect(tables).toContain('articles');
    await app.strapi.db.transaction(async ({ trx }) => {
      // The table as it was before slots, one row per table, with counts that are off.
      await trx.raw('DROP TABLE published_row_counts');
      await trx.raw('CREATE TABLE published_row_counts (table_name text PRIMARY KEY, published bigint NOT NULL)');
      for (const table of tables) await trx.raw('INSERT INTO published_row_counts VALUES (?, 123456789)', [table]);
      expect(await installPublishedCounters(trx, tables)).toEqual({ counted: tables, installed: tables });
    });
    const after = await bothCounts();
    expect(after.counter).toBe(after.query);
    const slots = await knex().raw("SELECT count(*) AS n FROM published_row_counts WHERE table_name = 'articles'");
    expect(Number(slots.rows[0].n)).toBe(COUNTER_SLOTS);
  });

  it('answer the REST list total with one lookup instead of a count, and filtered lists with a count', async () => {
    const statementsOf = async (url: string) => {
      await waitForDatabaseIdle(app.strapi);
      const statements: string[] = [];
      const listener = (query: { sql: string }) => statements.push(query.sql);
      knex().on('query', listener);
      try {
        const response = await app.http().get(url);
        expect(response.status).toBe(200);
        return { total: response.body.meta.pagination.total as number, statements };
      } finally {
        knex().off('query', listener);
      }
    };
    const countsArticles = (sql: string) => /count\(/i.test(sql) && /"articles"/.test(sql);

    const list = await statementsOf('/api/articles?pagination[pageSize]=1');
    expect(list.total).toBe(await countedByQuery());
    expect(list.statements.some((sql) => sql.includes('published_row_counts'))).toBe(true);
    expect(list.statements.filter(countsArticles)).toEqual([]);

    const filtered = await statementsOf(`/api/articles?filters[slug][$eq]=${seededArticle.slug}`);
    expect(filtered.total).toBe(1);
    expect(filtered.statements.some((sql) => sql.includes('published_row_counts'))).toBe(false);
    expect(filtered.statements.filter(countsArticles)).toHaveLength(1);
  });

  it('are recounted when a trigger went missing, and left alone when all is in place', async () => {
    await knex().raw('DROP TRIGGER articles_published_count_insert ON articles');
    await knex().raw("UPDATE published_row_counts SET published = published + 1000 WHERE table_name = 'articles'");
    const reinstalled = await app.strapi.db.transaction(({ trx }) => installPublishedCounters(trx, ['articles']));
    expect(reinstalled).toEqual({ counted: ['articles'], installed: ['articles'] });
    const after = await bothCounts();
    expect(after.counter).toBe(after.query);

    expect(await app.strapi.db.transaction(({ trx }) => installPublishedCounters(trx, ['articles']))).toEqual({ counted: ['articles'], installed: [] });
    // A table the search path does not find is left without a counter (and its counts are counted).
    expect(await app.strapi.db.transaction(({ trx }) => installPublishedCounters(trx, ['no_such_table']))).toEqual({ counted: [], installed: [] });
  });
});
