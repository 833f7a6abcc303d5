import path from 'node:path';
import type { Core } from '@strapi/strapi';

type ReadIndexes = {
  createReadIndexes: (knex: unknown) => Promise<string[]>;
};

/**
 * Creates the read-path indexes of database/read-indexes.js after every
 * schema sync, when the tables exist: Strapi runs project migrations before
 * it creates tables, so on a fresh database the migration alone would leave
 * them out. Only missing indexes are created, so a boot normally does
 * nothing here but four catalog lookups.
 */
export function registerReadIndexes(strapi: Core.Strapi): void {
  strapi.hook('strapi::content-types.afterSync').register(async () => {
    // Plain JavaScript shared with the migration; read from the app root because compiled code runs from dist/.
    const { createReadIndexes } = require(path.join(strapi.dirs.app.root, 'database', 'read-indexes.js')) as ReadIndexes;
    const created = await strapi.db.transaction(({ trx }) => createReadIndexes(trx));
    if (created.length > 0) strapi.log.info(`Created read indexes: ${created.join(', ')}`);
  });
}
