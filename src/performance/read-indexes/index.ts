import type { Core, UID } from '@strapi/strapi';
import { lockUntilCommit } from '../../platform/advisory-locks';
import { addAfterSyncStep } from '../../platform/after-sync';
import { quoted } from '../../platform/sql';

/**
 * Indexes for the public read paths that Strapi 5 does not create itself.
 * Strapi indexes ids, document ids (with locale and published_at), the
 * creator columns and both sides of every link table, but nothing for:
 *
 * - the published list in its default order (`WHERE published_at IS NOT
 *   NULL ORDER BY id LIMIT n`) and its `count(id)` for
 *   `meta.pagination.total`: without an index that count is a sequential
 *   scan of every draft and published row, bodies included (about 140 ms at
 *   100,000 articles). The partial index holds only published ids, so the
 *   page is read in order without a filter and a count is an index-only scan
 *   (the unfiltered count is usually read from a counter instead, see
 *   src/performance/published-counts);
 * - slugs (`filters[slug][$eq]`, and the uniqueness check Strapi runs for a
 *   uid field on every write): a sequential scan per lookup otherwise.
 *
 * Each index is named after its table, which Strapi's metadata gives for the
 * content type (a renamed `collectionName` renames the index with it).
 */
const READ_INDEXES: ReadonlyArray<{ uid: UID.ContentType; suffix: string; definition: string }> = [
  { uid: 'api::article.article', suffix: 'published_id_idx', definition: '(id) WHERE published_at IS NOT NULL' },
  { uid: 'api::article.article', suffix: 'slug_idx', definition: '(slug)' },
  { uid: 'api::person.person', suffix: 'slug_idx', definition: '(slug)' },
  { uid: 'api::event.event', suffix: 'slug_idx', definition: '(slug)' },
];


interface Knex {
  raw: (sql: string, bindings?: readonly unknown[]) => PromiseLike<{ rows: Array<Record<string, unknown>> }>;
}

/** The read indexes with their names and tables, as Strapi's metadata names the content types' tables. */
export function readIndexesOf(strapi: Core.Strapi) {
  return READ_INDEXES.map(({ uid, suffix, definition }) => {
    const table = strapi.db.metadata.get(uid).tableName;
    return { name: `${table}_${suffix}`, table, definition };
  });
}

/**
 * Creates the indexes that are missing, on the tables that exist, and answers
 * their names. An advisory lock makes processes that boot together (cluster
 * workers) create each index once.
 */
export async function createReadIndexes(strapi: Core.Strapi): Promise<string[]> {
  const indexes = readIndexesOf(strapi);
  return strapi.db.transaction(async ({ trx }) => {
    // Strapi's transaction hands out knex's transaction object; its `raw` answers pg's result.
    const knex = trx as unknown as Knex;
    await lockUntilCommit(knex, 'readIndexes');
    const created: string[] = [];
    for (const index of indexes) {
      const { rows } = await knex.raw('SELECT to_regclass(?) IS NOT NULL AS table_exists, to_regclass(?) IS NOT NULL AS index_exists', [
        quoted(index.table),
        quoted(index.name),
      ]);
      if (!rows[0].table_exists || rows[0].index_exists) continue;
      await knex.raw(`CREATE INDEX IF NOT EXISTS ${quoted(index.name)} ON ${quoted(index.table)} ${index.definition}`);
      created.push(index.name);
    }
    return created;
  });
}

/**
 * After every schema sync: on a fresh database the tables only exist from
 * then on, and on one that has them a boot does nothing here but a few
 * catalog lookups. (An earlier migration created the same indexes on
 * databases that had the tables already; this step covers both, so the
 * migration is gone: Strapi skips a recorded migration whose file is gone.)
 */
export function registerReadIndexes(strapi: Core.Strapi): void {
  addAfterSyncStep(strapi, 'read indexes', async () => {
    const created = await createReadIndexes(strapi);
    if (created.length > 0) strapi.log.info(`Created read indexes: ${created.join(', ')}`);
  });
}
