// @ts-check
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
 * Used by the migration in database/migrations/ (databases that exist
 * already) and after every schema sync (src/performance/read-indexes): Strapi runs
 * project migrations before it creates tables, so on a fresh database the
 * migration finds nothing to index and is still recorded as done.
 *
 * Idempotent: only missing indexes are created. An advisory lock makes
 * processes that boot together (cluster workers) create each index once.
 */

/** @type {Array<{ name: string, table: string, definition: string }>} */
const READ_INDEXES = [
  { name: 'articles_published_id_idx', table: 'articles', definition: '(id) WHERE published_at IS NOT NULL' },
  { name: 'articles_slug_idx', table: 'articles', definition: '(slug)' },
  { name: 'people_slug_idx', table: 'people', definition: '(slug)' },
  { name: 'events_slug_idx', table: 'events', definition: '(slug)' },
];

/** Any fixed number: it names this lock in pg_locks. */
const READ_INDEXES_LOCK_KEY = 74042023;

/**
 * Creates the indexes that are missing on tables that exist. Call it inside
 * a transaction: the advisory lock is held until that transaction ends.
 * @param {{ raw: (sql: string, bindings?: readonly unknown[]) => PromiseLike<{ rows: Array<Record<string, unknown>> }> }} knex
 * @returns {Promise<string[]>} the names of the indexes created
 */
async function createReadIndexes(knex) {
  await knex.raw('SELECT pg_advisory_xact_lock(?)', [READ_INDEXES_LOCK_KEY]);
  const created = [];
  for (const index of READ_INDEXES) {
    const { rows } = await knex.raw('SELECT to_regclass(?) IS NOT NULL AS table_exists, to_regclass(?) IS NOT NULL AS index_exists', [
      index.table,
      index.name,
    ]);
    if (!rows[0].table_exists || rows[0].index_exists) continue;
    await knex.raw(`CREATE INDEX IF NOT EXISTS "${index.name}" ON "${index.table}" ${index.definition}`);
    created.push(index.name);
  }
  return created;
}

module.exports = { READ_INDEXES, createReadIndexes };
