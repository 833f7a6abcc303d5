#!/usr/bin/env node
// @ts-check
/**
 * The production server behind `npm start` (scripts/launch.js runs it).
 *
 * With one worker (WORKERS=1, or STOCK_STRAPI=true) this is Strapi's own
 * `strapi start`: one process. With more, the primary process first runs one
 * preparing worker, which boots Strapi once (schema sync, migrations, seed, dev
 * admin) and exits; only then are WORKERS serving workers started, sharing the
 * port, so no two processes ever migrate the same schema at once.
 *
 * A worker that dies is replaced, after a pause that doubles with each death in
 * a row (1 s up to 30 s; back to 1 s once a worker has served a minute): the
 * primary never gives up while a worker can serve. SIGINT or SIGTERM drain
 * every process: no new connections, requests in flight finish (at most
 * SHUTDOWN_TIMEOUT_MS, default 10 s), then the process exits.
 *
 * `GET /metrics` on any worker answers for all of them: the primary collects
 * and sums every worker's registry (src/platform/metrics/cluster.ts).
 *
 * Workers learn of each other's writes through the response cache's
 * LISTEN/NOTIFY channel (src/performance/response-cache), so no other service is needed,
 * and hand each other the answers they compute through this process (`relayPeerAnswers`).
 */
// The module itself is the cluster object; its typings describe it as a default export.
const cluster = /** @type {import('node:cluster').Cluster} */ (/** @type {unknown} */ (require('node:cluster')));
const path = require('node:path');
const { createStrapi } = require('@strapi/strapi');

const APP_ROOT = path.resolve(__dirname, '..');
const DIST_DIR = path.join(APP_ROOT, 'dist');
const ROLE = process.env.SERVE_ROLE ?? '';
/** Pause before replacing a dead worker: doubles with each death in a row, up to the maximum. */
const FIRST_RESTART_DELAY_MS = 1_000;
const MAX_RESTART_DELAY_MS = 30_000;
/** A worker that served this long resets the pause. */
const HEALTHY_UPTIME_MS = 60_000;
/** How long the primary waits for a worker's metrics when aggregating a scrape. */
const METRICS_COLLECT_TIMEOUT_MS = 2_000;

/** @param {string} message */
const say = (message) => console.log(`[serve] ${message}`);

/** The compiled switches from src/platform/settings (`strapi build` writes them to dist/). */
function workerCount() {
  if (!require('node:fs').existsSync(path.join(DIST_DIR, 'src', 'index.js'))) {
    console.error('[serve] no build in dist/: run `npm run build` first');
    process.exit(1);
  }
  /** @type {{ workerCount: () => number }} */
  const settings = require(path.join(DIST_DIR, 'src', 'platform', 'settings'));
  return settings.workerCount();
}

/**
 * Boots Strapi in this process; `serve` also listens, and SIGINT/SIGTERM shut it down cleanly.
 * @param {boolean} serve
 */
async function runStrapi(serve) {
  const signals = /** @type {const} */ (['SIGTERM', 'SIGINT']);
  const listenersBefore = Object.fromEntries(signals.map((signal) => [signal, process.listeners(signal)]));
  const strapi = createStrapi({ appDir: APP_ROOT, distDir: DIST_DIR });
  if (!serve) {
    await strapi.load();
    /** @type {{ waitForDatabaseIdle: (strapi: unknown) => Promise<void> }} */
    const { waitForDatabaseIdle } = require(path.join(DIST_DIR, 'src', 'platform', 'shutdown', 'database-idle'));
    await waitForDatabaseIdle(strapi);
    await strapi.destroy();
    return;
  }
  // createStrapi() listens for SIGTERM/SIGINT itself and destroys at once, cutting requests in flight:
  // this process drains first instead. Strapi's listeners are removed through the patch guard
  // (src/performance/registry); when they are not the one each it expects, they stay, with a warning.
  const added = Object.fromEntries(
    signals.map((signal) => [signal, process.listeners(signal).filter((listener) => !listenersBefore[signal].includes(listener))]),
  );
  /** @type {{ guardPatch: (host: unknown, patch: unknown, target: unknown) => boolean, PATCHES: { drainOnSignal: unknown } }} */
  const { guardPatch, PATCHES } = require(path.join(DIST_DIR, 'src', 'performance', 'registry'));
  if (guardPatch(strapi, PATCHES.drainOnSignal, added)) {
    for (const signal of signals) for (const listener of added[signal]) process.removeListener(signal, listener);
  }
  let stopping = false;
  const stop = async (/** @type {NodeJS.Signals} */ signal) => {
    if (stopping) return;
    stopping = true;
    /** @type {{ drainHttpServer: (server: unknown, timeoutMs: number) => Promise<{ unfinished: number }> }} */
    const { drainHttpServer } = require(path.join(DIST_DIR, 'src', 'platform', 'shutdown'));
    /** @type {{ shutdownTimeoutMs: () => number }} */
    const { shutdownTimeoutMs } = require(path.join(DIST_DIR, 'src', 'platform', 'settings'));
    const timeoutMs = shutdownTimeoutMs();
    say(`${signal}: draining (pid ${process.pid}, at most ${timeoutMs} ms)`);
    const { unfinished } = await drainHttpServer(strapi.server.httpServer, timeoutMs).catch((error) => {
      console.error(error);
      return { unfinished: -1 };
    });
    if (unfinished > 0) say(`${unfinished} requests still running after ${timeoutMs} ms; closing them`);
    await strapi.destroy().catch((error) => console.error(error));
    process.exit(0);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
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
  /** Deaths in a row (reset by a worker that served HEALTHY_UPTIME_MS). */
  let deathsInARow = 0;
  const start = () => {
    if (stopping) return;
    // The preparing worker has seeded; serving workers need not look again.
    const worker = cluster.fork({ SERVE_ROLE: 'serve', SEED_ON_BOOTSTRAP: 'false' });
    const startedAt = Date.now();
    worker.on('exit', (/** @type {number | null} */ code, /** @type {string | null} */ signal) => {
      if (stopping) {
        if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
        return;
      }
      if (Date.now() - startedAt >= HEALTHY_UPTIME_MS) deathsInARow = 0;
      deathsInARow += 1;
      const delay = Math.min(FIRST_RESTART_DELAY_MS * 2 ** (deathsInARow - 1), MAX_RESTART_DELAY_MS);
      const serving = Object.keys(cluster.workers ?? {}).length;
      console.error(
        `[serve] worker ${worker.process.pid} stopped (${signal ?? `exit code ${code}`}); ` +
          `starting another in ${delay} ms (${deathsInARow} in a row, ${serving} still serving)`,
      );
      setTimeout(start, delay);
    });
  };
  /** @param {NodeJS.Signals} signal */
  const stopAll = (signal) => {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {});
    if (workers.length === 0) process.exit(process.exitCode ?? 0);
    for (const worker of workers) worker?.process.kill(signal);
    // Workers drain for at most SHUTDOWN_TIMEOUT_MS; one that is still there well after is stuck.
    const bound = (Number(process.env.SHUTDOWN_TIMEOUT_MS) || 10_000) + 15_000;
    setTimeout(() => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
      process.exit(1);
    }, bound).unref();
  };
  serveClusterMetrics();
  relayPeerAnswers();
  process.on('SIGINT', () => stopAll('SIGINT'));
  process.on('SIGTERM', () => stopAll('SIGTERM'));
  let listening = 0;
  cluster.on('listening', () => {
    listening += 1;
    if (listening === count) say(`all ${count} workers are listening`);
  });
  for (let index = 0; index < count; index += 1) start();
}

/**
 * Passes the response cache's messages between workers: a worker computing a
 * read, then its answer, reach every other worker
 * (src/performance/response-cache/peer-answers.ts). The primary only relays;
 * each worker decides what to store.
 */
function relayPeerAnswers() {
  /** @type {{ PEER_MESSAGES: Record<string, string> }} */
  const { PEER_MESSAGES } = require(path.join(DIST_DIR, 'src', 'performance', 'response-cache', 'peer-messages'));
  const PEER_MESSAGE_TYPES = new Set(Object.values(PEER_MESSAGES));
  cluster.on('message', (sender, /** @type {{ type?: unknown }} */ message) => {
    if (typeof message?.type !== 'string' || !PEER_MESSAGE_TYPES.has(message.type)) return;
    for (const worker of Object.values(cluster.workers ?? {})) {
      // A worker that is gone or going loses the message; it would have computed its own answer.
      if (worker && worker !== sender && worker.isConnected()) worker.send(message, undefined, () => undefined);
    }
  });
}

/**
 * Answers a worker's request for the whole server's metrics: asks every
 * listening worker for its registry and sums them with prom-client's aggregator.
 * A worker that does not answer in time (still booting, stuck) is left out.
 */
function serveClusterMetrics() {
  const { AggregatorRegistry } = require('prom-client');
  const MESSAGES = {
    collect: 'news-cms:metrics:collect',
    report: 'news-cms:metrics:report',
    ask: 'news-cms:metrics:ask',
    answer: 'news-cms:metrics:answer',
  };
  /** @type {Set<number>} */
  const listening = new Set();
  cluster.on('listening', (worker) => listening.add(worker.id));
  cluster.on('exit', (worker) => listening.delete(worker.id));
  /** @type {Map<string, { reports: unknown[][], pending: Set<number>, finish: () => void }>} */
  const collections = new Map();
  let sequence = 0;

  cluster.on('message', (worker, /** @type {{ type?: string, id?: string, metrics?: unknown[] }} */ message) => {
    if (message?.type === MESSAGES.report && typeof message.id === 'string') {
      const collection = collections.get(message.id);
      if (!collection || !collection.pending.delete(worker.id)) return;
      collection.reports.push(Array.isArray(message.metrics) ? message.metrics : []);
      if (collection.pending.size === 0) collection.finish();
      return;
    }
    if (message?.type !== MESSAGES.ask || typeof message.id === 'undefined') return;
    const askId = message.id;
    const id = `c${(sequence += 1)}`;
    /** @type {{ reports: unknown[][], pending: Set<number>, finish: () => void }} */
    const collection = {
      reports: [],
      pending: new Set(),
      finish: () => {
        if (!collections.delete(id)) return;
        clearTimeout(timer);
        /** @type {string | undefined} */
        let text;
        Promise.resolve()
          .then(() => AggregatorRegistry.aggregate(collection.reports).metrics())
          .then((/** @type {string} */ aggregated) => {
            text = aggregated;
          })
          .catch((/** @type {unknown} */ error) => console.error(`[serve] could not aggregate metrics: ${String(error)}`))
          .finally(() => {
            if (worker.isConnected()) worker.send({ type: MESSAGES.answer, id: askId, text });
          });
      },
    };
    const timer = setTimeout(() => collection.finish(), METRICS_COLLECT_TIMEOUT_MS);
    collections.set(id, collection);
    for (const other of Object.values(cluster.workers ?? {})) {
      if (!other || !listening.has(other.id) || !other.isConnected()) continue;
      collection.pending.add(other.id);
      other.send({ type: MESSAGES.collect, id });
    }
    if (collection.pending.size === 0) collection.finish();
  });
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
