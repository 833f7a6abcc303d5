// @ts-check
/**
 * `npm run seed`: compiles the app, loads Strapi without an HTTP server, runs
 * the same seedDatabase() as bootstrap, and exits non-zero if it fails.
 * Run through scripts/launch.js, which provides the database.
 */
const path = require('node:path');
const { compileStrapi, createStrapi } = require('@strapi/strapi');

const APP_ROOT = path.resolve(__dirname, '..');

async function main() {
  // Bootstrap would seed too; here the seed runs once, explicitly, and its report is printed.
  process.env.SEED_ON_BOOTSTRAP = 'false';
  const { appDir, distDir } = await compileStrapi({ appDir: APP_ROOT });
  const strapi = await createStrapi({ appDir, distDir, autoReload: false, serveAdminPanel: false }).load();
  try {
    const compiled = path.join(/** @type {string} */ (distDir), 'src');
    /** @type {{ seedDatabase: (strapi: unknown) => Promise<unknown> }} */
    const seed = require(path.join(compiled, 'content', 'seed'));
    /** @type {{ waitForDatabaseIdle: (strapi: unknown) => Promise<void> }} */
    const idle = require(path.join(compiled, 'platform', 'shutdown', 'database-idle'));
    const report = await seed.seedDatabase(strapi);
    console.log(JSON.stringify(report));
    await idle.waitForDatabaseIdle(strapi);
  } finally {
    await strapi.destroy();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
