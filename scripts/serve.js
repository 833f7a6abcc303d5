#!/usr/bin/env node
// @ts-check
/**
 * The production server behind `npm start` (scripts/launch.js runs it).
 *
 * With one worker (WORKERS=1, or STOCK_STRAPI=true) this is Strapi's own
 * `strapi start`: one process. With more, the primary process first runs one
 * preparing worker, which boots Strapi once (schema sync, migrations, seed, dev
 * admin) and exits; only then are WORKERS serving workers started, sharing the
 * port, so no two processes ever migrate the same schema at once. A worker that
 * dies is replaced; SIGINT or SIGTERM stops them all.
 *
 * Workers learn of each other's writes through the response cache's
 * LISTEN/NOTIFY channel (src/response-cache), so no other service is needed.
 */
// The module itself is the cluster object; its typings describe it as a default export.
const cluster = /** @type {import('node:cluster').Cluster} */ (/** @type {unknown} */ (require('node:cluster')));
const path = require('node:path');
const { createStrapi } = require('@strapi/strapi');

const APP_ROOT = path.resolve(__dirname, '..');
const DIST_DIR = path.join(APP_ROOT, 'dist');
const ROLE = process.env.SERVE_ROLE ?? '';
/** A worker that dies more often than this within RESTART_WINDOW_MS stops the whole server. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;

/** @param {string} message */
const say = (message) => console.log(`[serve] ${message}`);

/** The compiled switches from src/performance-settings (`strapi build` writes them to dist/). */
function workerCount() {
  if (!require('node:fs').existsSync(path.join(DIST_DIR, 'src', 'index.js'))) {
    console.error('[serve] no build in dist/: run `npm run build` first');
    process.exit(1);
  }
  /** @type {{ workerCount: () => number }} */
  const settings = require(path.join(DIST_DIR, 'src', 'performance-settings'));
  return settings.workerCount();
}

/**
 * Boots Strapi in this process; `serve` also listens, and SIGINT/SIGTERM shut it down cleanly.
 * @param {boolean} serve
 */
async function runStrapi(serve) {
  const strapi = createStrapi({ appDir: APP_ROOT, distDir: DIST_DIR });
  if (!serve) {
    await strapi.load();
    /** @type {{ waitForDatabaseIdle: (strapi: unknown) => Promise<void> }} */
    const { waitForDatabaseIdle } = require(path.join(DIST_DIR, 'src', 'database-idle'));
    await waitForDatabaseIdle(strapi);
    await strapi.destroy();
    return;
  }
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await strapi.destroy().catch((error) => console.error(error));
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await strapi.start();
}

/**
 * @param {Record<string, string>} env
 * @returns {Promise<number>} the worker's exit code
 */
const forkAndWait = (env) =>
  new Promise((resolve) => {
    cluster.fork(env).on('exit', (/** @type {number | null} */ code, /** @type {string | null} */ signal) => resolve(code ?? (signal ? 1 : 0)));
  });

/** @param {number} count */
async function primary(count) {
  say(`preparing the database, then starting ${count} workers`);
  const prepared = await forkAndWait({ SERVE_ROLE: 'prepare' });
  if (prepared !== 0) {
    console.error(`[serve] preparing the database failed (exit code ${prepared})`);
    process.exit(prepared);
  }

  let stopping = false;
  /** @type {number[]} */
  const restarts = [];
  const start = () => {
    // The preparing worker has seeded; serving workers need not look again.
    const worker = cluster.fork({ SERVE_ROLE: 'serve', SEED_ON_BOOTSTRAP: 'false' });
    worker.on('exit', (/** @type {number | null} */ code, /** @type {string | null} */ signal) => {
      if (stopping) {
        if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
        return;
      }
      const now = Date.now();
      restarts.push(now);
      while (restarts.length > 0 && restarts[0] < now - RESTART_WINDOW_MS) restarts.shift();
      if (restarts.length > MAX_RESTARTS) {
        console.error(`[serve] workers keep dying (last: ${signal ?? `exit code ${code}`}); stopping`);
        stopAll('SIGTERM');
        process.exitCode = 1;
        return;
      }
      say(`worker ${worker.process.pid} stopped (${signal ?? `exit code ${code}`}); starting another`);
      setTimeout(start, 1_000);
    });
  };
  /** @param {NodeJS.Signals} signal */
  const stopAll = (signal) => {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {});
    if (workers.length === 0) process.exit(process.exitCode ?? 0);
    for (const worker of workers) worker?.process.kill(signal);
  };
  process.on('SIGINT', () => stopAll('SIGINT'));
  process.on('SIGTERM', () => stopAll('SIGTERM'));
  let listening = 0;
  cluster.on('listening', () => {
    listening += 1;
    if (listening === count) say(`all ${count} workers are listening`);
  });
  for (let index = 0; index < count; index += 1) start();
}

async function main() {
  if (cluster.isPrimary) {
    const count = workerCount();
    if (count === 1) return runStrapi(true);
    return primary(count);
  }
  return runStrapi(ROLE === 'serve');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
