// @ts-check
/**
 * Indexes for the published article list, its count and slug lookups on a
 * database that already has its tables (see ../read-indexes.js for what and
 * why). On a fresh database there is nothing to index yet: the same indexes
 * are created after Strapi's schema sync (src/performance/read-indexes).
 */
const { createReadIndexes } = require('../read-indexes');

module.exports = {
  /** @param {Parameters<typeof createReadIndexes>[0]} knex the migration's transaction */
  async up(knex) {
    await createReadIndexes(knex);
  },
};
