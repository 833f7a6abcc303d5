// @ts-check
/**
 * Starting what the benchmark measures: the CMS in each mode (through
 * `scripts/launch.js start`, the same path as `npm start`, so a multi-worker
 * start is measured as it ships), the raw baseline and the ceiling server.
 */
const path = require('node:path');
const { startProcess, processTree, residentBytes, cpuTicks, sleep } = require('./processes');
const { anyFreePort: freePort } = require('../embedded-postgres');
const { SWITCH_VARIABLES } = require('./variants');

const APP_ROOT = path.resolve(__dirname, '..', '..');
const READY_TIMEOUT_MS = 180_000;

/** The performance switches the harness sets itself (variants.js lists them); inherited values are dropped. */
const MODE_VARIABLES = ['STOCK_STRAPI', ...SWITCH_VARIABLES, 'SQL_STATEMENT_HEADER', 'DEBUG'];

/**
 * @typedef {import('./variants').Mode} Mode
 * @typedef {{ name: string, port: number, url: string, pid: number, launcher: boolean, managed: import('./processes').Managed, logFile: string }} Running
 */

/**
 * Waits for `GET /_health` to answer 2xx; fails early when the process exits.
 * @param {string} name
 * @param {string} url
 * @param {import('./processes').Managed} managed
 * @param {string} logFile
 */
async function waitUntilHealthy(name, url, managed, logFile) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (managed.hasExited()) throw new Error(`${name} exited before it was ready; see ${logFile}`);
    try {
      const response = await fetch(`${url}/_health`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`${name} was not ready after ${READY_TIMEOUT_MS / 1000} s; see ${logFile}`);
}

/**
 * @param {object} options
 * @param {string} options.name  the target's name (`schema` for the first start, that creates the tables)
 * @param {Record<string, string>} options.switches  what the target sets on top of the defaults (a mode's, a variant's)
 * @param {string} options.databaseUrl
 * @param {Record<string, string>} options.secrets
 * @param {{ email: string, password: string }} options.admin
 * @param {string} options.logDir
 * @param {string} options.envFile  an empty env file, so a developer's .env cannot change the run
 * @param {number | undefined} options.workers
 * @returns {Promise<Running>}
 */
async function startStrapi(options) {
  const port = await freePort();
  const env = { ...process.env };
  for (const name of MODE_VARIABLES) delete env[name];
  Object.assign(env, {
    ENV_PATH: options.envFile,
    NODE_ENV: 'production',
    DATABASE_URL: options.databaseUrl,
    HOST: '127.0.0.1',
    PORT: String(port),
    SEED_ON_BOOTSTRAP: 'false',
    SQL_STATEMENT_HEADER: 'true',
    STRAPI_TELEMETRY_DISABLED: 'true',
    // Strapi stores timestamps without a zone, in the process's zone; the raw baseline reads them as UTC.
    TZ: 'UTC',
    // Rate limits that no benchmark run meets, so the figures measure the server, not the budgets.
    RATE_LIMIT_PUBLIC: '1000000000/1s',
    RATE_LIMIT_TOKEN: '1000000000/1s',
    RATE_LIMIT_ADMIN_LOGIN: '1000000/1m',
    RATE_LIMIT_ADMIN_LOGIN_IDENTIFIER: '1000000/1m',
    ADMIN_EMAIL: options.admin.email,
    ADMIN_PASSWORD: options.admin.password,
    ...options.secrets,
  });
  if (options.workers !== undefined) env.WORKERS = String(options.workers);
  // Last, so a variant's WORKERS wins over --workers.
  Object.assign(env, options.switches);
  const logFile = path.join(options.logDir, `strapi-${options.name}.log`);
  const managed = startProcess(`Strapi (${options.name})`, process.execPath, [path.join(APP_ROOT, 'scripts', 'launch.js'), 'start'], {
    cwd: APP_ROOT,
    env,
    logFile,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilHealthy(`Strapi (${options.name})`, url, managed, logFile);
  return { name: options.name, port, url, pid: /** @type {number} */ (managed.child.pid), launcher: true, managed, logFile };
}

/**
 * @param {'raw' | 'ceiling'} kind
 * @param {Record<string, string>} settings  BENCH_* variables for the server
 * @param {string} logDir
 * @returns {Promise<Running>}
 */
async function startBaseline(kind, settings, logDir) {
  const port = await freePort();
  const logFile = path.join(logDir, `${kind}.log`);
  const managed = startProcess(kind, process.execPath, [path.join(__dirname, `${kind}-server.js`)], {
    cwd: APP_ROOT,
    env: { ...process.env, ...settings, BENCH_PORT: String(port), TZ: 'UTC', NODE_ENV: 'production' },
    logFile,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilHealthy(kind, url, managed, logFile);
  return { name: kind, port, url, pid: /** @type {number} */ (managed.child.pid), launcher: false, managed, logFile };
}

/**
 * Resident memory of a started target: the sum over its processes, the
 * launcher left out (it only waits for Strapi), so a cluster's primary and
 * workers are all counted.
 * @param {Running} target
 * @returns {{ bytes: number, processes: number }}
 */
function targetMemory(target) {
  const tree = processTree(target.pid).filter((pid) => !(target.launcher && pid === target.pid));
  return { bytes: tree.reduce((sum, pid) => sum + residentBytes(pid), 0), processes: tree.length };
}

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * Waits until a target has finished the work a run left it: autocannon stops
 * at its deadline, but requests already sent go on being served (stock
 * Strapi's S4 takes a second each, ten in flight), and that work must not be
 * counted against the next target. Quiet means under 5% of a core for
 * 300 ms in a row.
 * @param {Running} target
 * @param {number} [timeoutMs]
 */
async function waitUntilIdle(target, timeoutMs = 30_000) {
  const windowMs = 300;
  const deadline = Date.now() + timeoutMs;
  const used = () => processTree(target.pid).reduce((sum, pid) => sum + cpuTicks(pid), 0);
  let before = used();
  while (Date.now() < deadline) {
    await sleep(windowMs);
    const now = used();
    if (((now - before) / TICKS_PER_SECOND) * 1000 < windowMs * 0.05) return;
    before = now;
  }
  throw new Error(`${target.name} was still busy ${timeoutMs / 1000} s after a run`);
}

module.exports = { startStrapi, startBaseline, targetMemory, waitUntilIdle, freePort };
