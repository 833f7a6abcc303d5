#!/usr/bin/env node
// @ts-check
/**
 * `npm run bench`: one command, one run, on a fresh database.
 *
 *  1. build the app (production) unless --skip-build finds a build;
 *  2. start Strapi once to create the schema, stop it, bulk-load N synthetic
 *     articles straight into its tables (load-articles.js);
 *  3. start the CMS in each mode in turn (stock: STOCK_STRAPI=true; cold:
 *     RESPONSE_CACHE=false; warm: the defaults) and each variant (a mode with
 *     more variables set, see variants.js), each on its own port and all on
 *     the same database, plus the raw baseline and the ceiling server;
 *  4. check that every target answers S1–S4 with the same JSON;
 *  5. drive each target with autocannon, scenario by scenario, the targets
 *     interleaved; then the stampede on warm (stampede.js); then, target by
 *     target, the mixed read/write loads S5 and S5@1% and the newsroom S6
 *     (newsroom.js) with its reads alone (S1-S3);
 *  6. print the table (and each variant's gain over its base) and write
 *     bench/results/latest.json and the chart beside it (latest.svg, chart.js).
 *
 * Progress (the bulk load, then every run) is a bar on a terminal and plain
 * lines otherwise (progress.js).
 *
 * Every process it starts is stopped at the end, on failure and on Ctrl-C.
 * A benchmark, not a test: it asserts answers, never timings.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { isDeepStrictEqual, parseArgs } = require('node:util');
const { Client } = require('pg');
const dotenv = require('dotenv');
const { removeCompiledServer } = require('../clean-dist');
const { fillSecrets } = require('../dev-env');
const { startEmbeddedPostgres, runningServer } = require('../embedded-postgres');
const { measureRequestCosts, cacheBound } = require('./request-costs');
const { loadArticles, articleSlug, peopleFor, eventsFor, collectionName } = require('./load-articles');
const { readScenarios } = require('./scenarios');
const { startStrapi, startBaseline, targetMemory, waitUntilIdle } = require('./targets');
const { drive, driveMixed } = require('./load');
const { driveNewsroom } = require('./newsroom');
const { measureStampede } = require('./stampede');
const { formatTable, formatGains, formatGoals, resultJson, goalsOf } = require('./report');
const { writeChart, runSubtitle } = require('./chart');
const { createProgress } = require('./progress');
const { startProcess, cleanUp, onCleanup, cleanUpOnSignals, isStopping } = require('./processes');
const { MODE_ENV, parseVariants, eachPatchVariants, effectiveSwitches, sameSwitches, keepsCache } = require('./variants');
const { frontedByVarnishEnv, checkVarnishTarget, startVarnishTarget, varnishCacheStatus } = require('./varnish');
const { measureSearch } = require('./search');

const APP_ROOT = path.resolve(__dirname, '..', '..');
const STRAPI_BIN = path.join(path.dirname(require.resolve('@strapi/strapi/package.json')), 'bin', 'strapi.js');
const ALL_TARGETS = /** @type {const} */ (['stock', 'cold', 'warm', 'varnish', 'raw', 'ceiling']);
const STRAPI_MODES = /** @type {const} */ (['stock', 'cold', 'warm']);
/** The mixed read/write scenarios and their share of writes (each write saves and publishes a title). */
const MIXED_WRITE_SHARES = /** @type {Record<string, number>} */ ({ S5: 0.05, 'S5@1%': 0.01 });
const ALL_SCENARIOS = ['S1', 'S2', 'S3', 'S4', ...Object.keys(MIXED_WRITE_SHARES), 'S6', 'stampede', 'S7'];
/** S6's editors, each saving a draft this many times a second. */
const NEWSROOM_EDITORS = 2;
const NEWSROOM_SAVES_PER_SECOND = 2;
/** S6's reads without the editors, measured on the targets with a response cache: what S6 is compared with. */
const READS_ALONE = 'S1-S3';
/** The stampede: concurrent front-page requests after each publish, and how many times (the median is reported). */
const STAMPEDE_REQUESTS = 100;
const STAMPEDE_REPEATS = 5;
/** A measured run lasts at least this many of the target's median latencies (see the rounds below). */
const RUN_LATENCIES = 20;
/** Connections the embedded server allows at least (PostgreSQL's default is 100); more with many CMS targets. */
const MAX_CONNECTIONS = 300;
/** Per CMS process: its pool (DATABASE_POOL_MAX's default) and the response cache's LISTEN connection. */
const CONNECTIONS_PER_PROCESS = 11;

/**
 * @typedef {typeof ALL_TARGETS[number]} Target
 * @typedef {import('./variants').Mode} Mode
 * @typedef {object} StrapiTarget  a CMS instance to measure: a mode, or a variant of one
 * @property {string} name
 * @property {Mode} base  the mode itself, or the variant's base
 * @property {Record<string, string>} env  a variant's own variables ({} for a mode)
 * @property {Record<string, string>} switches  everything it sets on top of the defaults
 * @property {boolean} variant
 * @property {string} [sameAs]  a variant whose switches equal another target's is that target: not started twice
 */

const USAGE = `Usage: npm run bench -- [options]

  --articles N        synthetic articles to load (default 1000)
  --duration S        seconds each measured run lasts (default 4)
  --rounds N          measured runs per target and scenario, the targets taking turns
                      run by run; each figure is the median of its runs (default 3)
  --warmup S          seconds of unmeasured load before each run (default 3)
  --connections N     concurrent connections (default 10)
  --workers N         WORKERS for the CMS, and processes of the raw and ceiling servers
                      (default: WORKERS from the environment, else one per core)
  --scenarios LIST    comma-separated, from S1,S2,S3,S4,S5,S5@1%,S6,stampede,S7 (default all):
                      S5 and S5@1% mix reads with 5% and 1% writes (published titles), S6 reads
                      while 2 editors save drafts (it also measures its reads alone, S1-S3),
                      stampede sends 100 front-page requests at once after a publish (warm),
                      S7 searches (scripts/bench/search.js)
  --targets LIST      comma-separated, from stock,cold,warm,varnish,raw,ceiling (default all;
                      varnish: Varnish in front of warm, for S1–S4, when varnishd is installed)
  --variants LIST     extra CMS targets, comma-separated name:[base+]VAR=value[+VAR=value...]: the base
                      (stock, cold or warm; warm when omitted) with those variables set, measured
                      like the others and reported with their gain, base req/s ÷ theirs
                      (e.g. "no-batching:GRAPHQL_BATCHING=false,cold-no-batching:cold+GRAPHQL_BATCHING=false")
  --each-patch        one variant per performance patch turned off, on the bases where it acts
                      (the list is PATCH_SWITCHES in scripts/bench/variants.js)
  --database-url URL  an empty PostgreSQL database to use instead of an embedded one
                      (also BENCH_DATABASE_URL); its content tables must be empty
  --keep-database     keep the embedded database's folder after the run
  --skip-build        reuse an existing production build (dist/)
  --output FILE       where to write the result (default bench/results/latest.json)
`;

/** The bench's lines, above the progress bar when there is one (on a terminal). */
const progress = createProgress();
const say = progress.say;

function readOptions() {
  const { values } = parseArgs({
    options: {
      articles: { type: 'string', default: '1000' },
      duration: { type: 'string', default: '4' },
      rounds: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '3' },
      connections: { type: 'string', default: '10' },
      workers: { type: 'string' },
      scenarios: { type: 'string', default: ALL_SCENARIOS.join(',') },
      targets: { type: 'string', default: ALL_TARGETS.join(',') },
      variants: { type: 'string', default: '' },
      'each-patch': { type: 'boolean', default: false },
      'database-url': { type: 'string' },
      'keep-database': { type: 'boolean', default: false },
      'skip-build': { type: 'boolean', default: false },
      output: { type: 'string', default: path.join('bench', 'results', 'latest.json') },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const whole = (/** @type {string} */ name, /** @type {string} */ raw, min = 1) => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be a whole number of at least ${min}, not "${raw}"`);
    return value;
  };
  const list = (/** @type {string} */ name, /** @type {string} */ raw, /** @type {readonly string[]} */ allowed) => {
    const items = raw.split(',').map((item) => item.trim()).filter(Boolean);
    const unknown = items.filter((item) => !allowed.includes(item));
    if (unknown.length > 0 || items.length === 0) throw new Error(`--${name} takes ${allowed.join(',')}; got "${raw}"`);
    return items;
  };
  const workersRaw = values.workers ?? process.env.WORKERS;
  const targets = /** @type {Target[]} */ (list('targets', values.targets, ALL_TARGETS));
  checkVarnishTarget(targets);
  const variants = [...(values['each-patch'] ? eachPatchVariants(targets) : []), ...parseVariants(values.variants)];
  /** @type {Set<string>} */
  const names = new Set(ALL_TARGETS);
  for (const variant of variants) {
    if (names.has(variant.name)) throw new Error(`variant name "${variant.name}" is taken (a target or another variant)`);
    names.add(variant.name);
    if (!targets.includes(variant.base)) throw new Error(`variant "${variant.name}" is measured against ${variant.base}: add ${variant.base} to --targets`);
  }
  return {
    articles: whole('articles', values.articles),
    duration: whole('duration', values.duration),
    rounds: whole('rounds', values.rounds),
    warmup: whole('warmup', values.warmup, 0),
    connections: whole('connections', values.connections),
    /** Passed to the CMS as WORKERS only when given; the baselines always need a number. */
    workers: values.workers === undefined ? undefined : whole('workers', values.workers),
    baselineWorkers: workersRaw === undefined ? os.availableParallelism() : whole('workers', workersRaw),
    scenarios: list('scenarios', values.scenarios, ALL_SCENARIOS),
    targets,
    variants,
    databaseUrl: values['database-url'] ?? process.env.BENCH_DATABASE_URL,
    keepDatabase: values['keep-database'],
    skipBuild: values['skip-build'],
    output: path.resolve(APP_ROOT, values.output),
  };
}

/** Fresh production secrets for this run: every `replace-me` of .env.example, filled at random. */
function randomSecrets() {
  const example = fs.readFileSync(path.join(APP_ROOT, '.env.example'), 'utf8');
  const placeholders = dotenv.parse(example);
  const filled = dotenv.parse(fillSecrets(example));
  return Object.fromEntries(Object.keys(placeholders).filter((name) => placeholders[name].includes('replace-me')).map((name) => [name, filled[name]]));
}

/** @param {string} logDir @param {boolean} skipBuild */
async function buildApp(logDir, skipBuild) {
  const built = fs.existsSync(path.join(APP_ROOT, 'dist', 'build', 'index.html')) && fs.existsSync(path.join(APP_ROOT, 'dist', 'src', 'index.js'));
  if (skipBuild && built) {
    say('--skip-build: using the existing build in dist/');
    return;
  }
  if (skipBuild) say('--skip-build, but there is no build in dist/: building');
  const logFile = path.join(logDir, 'build.log');
  say(`building the app for production (strapi build, a few minutes; log: ${path.relative(APP_ROOT, logFile)})`);
  const started = Date.now();
  const env = { ...process.env, NODE_ENV: 'production', STRAPI_TELEMETRY_DISABLED: 'true', ENV_PATH: path.join(logDir, 'empty.env') };
  removeCompiledServer(APP_ROOT);
  const build = startProcess('strapi build', process.execPath, [STRAPI_BIN, 'build'], { cwd: APP_ROOT, env, logFile });
  const code = await build.exited;
  await build.stop();
  if (code !== 0) throw new Error(`strapi build failed (exit ${code}); see ${logFile}`);
  say(`built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/**
 * @param {string} url
 * @param {{ method: string, path: string, body?: string, headers?: Record<string, string> }} request
 */
async function call(url, request) {
  const response = await fetch(`${url}${request.path}`, {
    method: request.method,
    body: request.body,
    headers: request.headers,
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text };
}

/**
 * The first place two JSON values differ, as a path (`data[3].people[0].name`).
 * @param {unknown} a @param {unknown} b @param {string} at
 * @returns {string | null}
 */
function firstDifference(a, b, at = '') {
  if (isDeepStrictEqual(a, b)) return null;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) {
    return `${at || '(root)'}: ${JSON.stringify(a)?.slice(0, 120)} ≠ ${JSON.stringify(b)?.slice(0, 120)}`;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length !== b.length) return `${at}: ${a.length} entries ≠ ${b.length}`;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  const missing = keysA.filter((key) => !keysB.includes(key)).concat(keysB.filter((key) => !keysA.includes(key)));
  if (missing.length > 0) return `${at || '(root)'}: keys differ (${missing.join(', ')})`;
  for (const key of keysA) {
    const next = Array.isArray(a) ? `${at}[${key}]` : at ? `${at}.${key}` : key;
    const found = firstDifference(/** @type {Record<string, unknown>} */ (a)[key], /** @type {Record<string, unknown>} */ (b)[key], next);
    if (found) return found;
  }
  return null;
}

/** @param {string} url @param {string} apiPath */
async function totalOf(url, apiPath) {
  const { status, text } = await call(url, { method: 'GET', path: `${apiPath}?pagination[pageSize]=1` });
  if (status !== 200) throw new Error(`GET ${apiPath} answered ${status}: ${text.slice(0, 200)}`);
  return /** @type {{ meta: { pagination: { total: number } } }} */ (JSON.parse(text)).meta.pagination.total;
}

/**
 * A full-access API token, made as an editor would: log in to the admin API, create it.
 * @param {string} url @param {{ email: string, password: string }} admin
 */
async function createFullAccessToken(url, admin) {
  const login = await call(url, {
    method: 'POST',
    path: '/admin/login',
    body: JSON.stringify(admin),
    headers: { 'content-type': 'application/json' },
  });
  if (login.status !== 200) throw new Error(`admin login failed: ${login.status} ${login.text.slice(0, 200)}`);
  const jwt = JSON.parse(login.text).data.token;
  const created = await call(url, {
    method: 'POST',
    path: '/admin/api-tokens',
    body: JSON.stringify({ name: `bench-${Date.now()}`, description: 'npm run bench (S5 writes)', type: 'full-access', lifespan: null }),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${jwt}` },
  });
  if (created.status !== 201 && created.status !== 200) {
    throw new Error(`creating an API token failed: ${created.status} ${created.text.slice(0, 200)}`);
  }
  return /** @type {string} */ (JSON.parse(created.text).data.accessKey);
}

/**
 * Waits until no other session of this database runs a statement, for a
 * moment in a row: a load run ends with requests still in flight, and a
 * write that lands after the run must not land in the next one.
 * @param {import('pg').ClientBase} db
 */
async function waitForQuietDatabase(db, quietMs = 500, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    const { rows } = await db.query(
      `SELECT count(*)::int AS busy FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND state <> 'idle'`,
    );
    if (rows[0].busy > 0) quietSince = Date.now();
    else if (Date.now() - quietSince >= quietMs) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the database was still busy ${timeoutMs / 1000} s after a run`);
}

/**
 * Creates the database of an external server's URL when it does not exist
 * yet (so `postgres://postgres@127.0.0.1:5432/bench_1` just works).
 * @param {string} url
 */
async function ensureExternalDatabase(url) {
  const probe = new Client({ connectionString: url });
  try {
    await probe.connect();
    await probe.end();
    return false;
  } catch (error) {
    await probe.end().catch(() => undefined);
    if (/** @type {{ code?: string }} */ (error).code !== '3D000') throw error;
  }
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  target.pathname = '/postgres';
  const admin = new Client({ connectionString: target.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  return true;
}

/** @param {number | null} value */
const ms = (value) => (value === null ? '— ms' : `${value.toFixed(1)} ms`);

/** The middle value (the mean of the two middle ones for an even count). @param {number[]} values */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The median of the values that are not null (no response in that run), or null when none is. @param {Array<number | null>} values */
function medianOrNull(values) {
  const known = /** @type {number[]} */ (values.filter((value) => value !== null));
  return known.length === 0 ? null : median(known);
}

/** @param {Headers} headers */
const statementsOf = (headers) => {
  const value = headers.get('x-sql-statements');
  return value === null ? null : Number(value);
};

/**
 * The CMS instances to measure: the modes among --targets, then the
 * variants. A variant whose switches equal an earlier target's is that
 * target (warm without its cache is cold): it is reported, not started.
 * @param {{ targets: readonly string[], variants: import('./variants').Variant[], workers: number | undefined }} options
 * @returns {StrapiTarget[]}
 */
function strapiTargetsOf(options) {
  /** @type {StrapiTarget[]} */
  const targets = STRAPI_MODES.filter((mode) => options.targets.includes(mode)).map((mode) => ({
    name: mode,
    base: mode,
    env: {},
    switches: effectiveSwitches(mode, {}, options.workers),
    variant: false,
  }));
  for (const variant of options.variants) {
    const switches = effectiveSwitches(variant.base, variant.env, options.workers);
    const same = targets.find((target) => !target.sameAs && sameSwitches(target.switches, switches));
    targets.push({ ...variant, switches, variant: true, sameAs: same?.name });
  }
  return targets;
}

/**
 * The table's rows in order: each mode followed by its variants, then the baselines.
 * @param {readonly string[]} targets  --targets
 * @param {StrapiTarget[]} strapiTargets
 * @returns {import('./report').Row[]}
 */
function tableRows(targets, strapiTargets) {
  return ALL_TARGETS.filter((target) => targets.includes(target)).flatMap((target) => [
    { name: target },
    ...strapiTargets
      .filter((candidate) => candidate.variant && candidate.base === target)
      .map((variant) => ({ name: variant.name, base: variant.base, env: variant.env, sameAs: variant.sameAs })),
  ]);
}

async function main() {
  const options = readOptions();
  cleanUpOnSignals((message) => {
    progress.stop();
    say(message);
  });
  const started = Date.now();
  const logDir = path.join(path.dirname(options.output), 'logs');
  fs.mkdirSync(logDir, { recursive: true });
  const emptyEnv = path.join(logDir, 'empty.env');
  fs.writeFileSync(emptyEnv, '# the benchmark sets every variable itself\n');
  const strapiTargets = strapiTargetsOf(options);
  const instances = strapiTargets.filter((target) => !target.sameAs);
  /** Target names are padded to this width in the progress lines. */
  const nameWidth = Math.max(7, ...strapiTargets.map((target) => target.name.length));
  const readIds = options.scenarios.filter((id) => /^S[1-4]$/.test(id));
  say(
    `${options.articles} articles; scenarios ${options.scenarios.join(', ')}; targets ${options.targets.join(', ')}; ` +
      `${options.connections} connections, ${options.warmup} s warm-up + ${options.rounds} × ${options.duration} s per target; ` +
      `raw and ceiling: ${options.baselineWorkers} process(es); logs in ${path.relative(APP_ROOT, logDir)}/`,
  );
  for (const target of strapiTargets.filter((candidate) => candidate.variant)) {
    say(
      `variant ${target.name}: ${target.base} with ${Object.entries(target.env).map(([name, value]) => `${name}=${value}`).join(' ')}` +
        (target.sameAs ? ` (that is ${target.sameAs}: its figures are ${target.sameAs}'s)` : ''),
    );
  }
  // Each CMS instance's processes (a primary and its workers) hold a pool and a LISTEN connection each.
  const connectionsNeeded = Math.max(MAX_CONNECTIONS, 100 + instances.length * ((options.workers ?? options.baselineWorkers) + 1) * CONNECTIONS_PER_PROCESS);

  await buildApp(logDir, options.skipBuild);

  // --- the database ---------------------------------------------------------------------------
  let databaseUrl = options.databaseUrl;
  /** @type {number | undefined} the embedded server's postmaster: its CPU time counts in the request costs (not an external server's, shared with others) */
  let databasePid;
  if (!databaseUrl) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'news-cms-bench-pg-'));
    // PostgreSQL runs as its own user when we are root: it must be able to enter the folder.
    fs.chmodSync(dataDir, 0o755);
    // Clean-ups run newest first: the server registered below is stopped before its folder goes.
    onCleanup(async () => {
      if (options.keepDatabase) say(`kept the embedded database in ${dataDir}`);
      else fs.rmSync(dataDir, { recursive: true, force: true });
    });
    const cluster = path.join(dataDir, 'cluster');
    // The CMS instances (each with its workers' pools), the raw server and the harness can need
    // more than PostgreSQL's default 100 connections: raise the limit, then restart to apply it.
    const first = await startEmbeddedPostgres({ dataDir: cluster, database: 'bench' });
    try {
      const settings = new Client({ connectionString: first.url });
      await settings.connect();
      await settings.query(`ALTER SYSTEM SET max_connections = ${connectionsNeeded}`);
      await settings.end();
    } finally {
      await first.stop();
    }
    const server = await startEmbeddedPostgres({ dataDir: cluster, database: 'bench' });
    if (isStopping()) {
      await server.stop();
      throw new Error('stopped while the database was starting');
    }
    onCleanup(() => server.stop());
    databaseUrl = server.url;
    databasePid = runningServer(cluster)?.pid;
    say(`embedded PostgreSQL on port ${server.port} (data in ${dataDir})`);
  } else {
    const created = await ensureExternalDatabase(databaseUrl);
    say(`using the database at ${databaseUrl.replace(/:[^:@/]+@/, ':****@')}${created ? ' (created it)' : ''}`);
    const probe = new Client({ connectionString: databaseUrl });
    await probe.connect();
    const { rows } = await probe.query('SHOW max_connections');
    await probe.end();
    if (Number(rows[0].max_connections) < connectionsNeeded) {
      say(`  note: its max_connections is ${rows[0].max_connections}; with several workers per target the run may need up to ${connectionsNeeded}`);
    }
  }

  const secrets = randomSecrets();
  const admin = { email: 'bench@example.com', password: `Bench-${crypto.randomBytes(9).toString('hex')}-Aa1` };
  const strapiOptions = { databaseUrl, secrets, admin, logDir, envFile: emptyEnv, workers: options.workers };

  say('starting Strapi once to create the schema');
  const schemaRun = await startStrapi({ ...strapiOptions, name: 'schema', switches: MODE_ENV.stock });
  await schemaRun.managed.stop();

  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  onCleanup(() => db.end());
  /** @type {import('./progress').Task | null} */
  let loading = null;
  const loaded = await loadArticles(db, {
    articles: options.articles,
    log: say,
    progress: (done, total, next) => {
      loading ??= progress.start('bulk load', total, 'steps');
      loading.update(done, next);
    },
  });
  /** @type {import('./progress').Task | null} */ (loading)?.done();
  say(`loaded ${loaded.articles} articles, ${loaded.people} people, ${loaded.events} events and ${loaded.links} links in ${loaded.seconds.toFixed(1)} s`);

  // --- the targets ----------------------------------------------------------------------------
  /** @type {Record<string, import('./targets').Running>} */
  const running = {};
  for (const target of instances) {
    say(`starting Strapi (${target.name})`);
    const bootStarted = Date.now();
    const server = await startStrapi({ ...strapiOptions, name: target.name, switches: { ...target.switches, ...frontedByVarnishEnv(target.name, options.targets) } });
    running[target.name] = server;
    const memory = targetMemory(server);
    say(`  ready in ${((Date.now() - bootStarted) / 1000).toFixed(0)} s on port ${server.port} (${memory.processes} process(es))`);
  }
  if (options.targets.includes('varnish') && running.warm && readIds.length > 0) {
    const varnish = await startVarnishTarget(running.warm, logDir, say);
    if (varnish) running.varnish = varnish;
  }
  const reference = running.cold ?? running.stock ?? running.warm;
  if (!reference) throw new Error('--targets must include at least one of stock, cold, warm');

  for (const [apiPath, expected] of [
    ['/api/articles', options.articles],
    ['/api/people', peopleFor(options.articles)],
    ['/api/events', eventsFor(options.articles)],
  ]) {
    const total = await totalOf(reference.url, String(apiPath));
    if (total !== expected) throw new Error(`GET ${apiPath} reports ${total} entries; the loader wrote ${expected}`);
  }
  say(`Strapi serves the loaded content (pagination.total = ${options.articles} articles)`);

  const slug = articleSlug(Math.ceil(options.articles / 2));
  const scenarios = readScenarios(slug).filter((scenario) => readIds.includes(scenario.id));

  if (options.targets.includes('raw') && scenarios.length > 0) {
    running.raw = await startBaseline('raw', { BENCH_DATABASE_URL: databaseUrl, BENCH_WORKERS: String(options.baselineWorkers) }, logDir);
  }

  // --- the answers must agree before anything is measured ---------------------------------------
  /** @type {Record<string, { bytesEqualToRaw?: boolean, cacheHeader?: Record<string, string | null> }>} */
  const checks = {};
  /** @type {Array<{ method: string, path: string, contentType: string, body: string }>} */
  const recorded = [];
  const failures = [];
  for (const scenario of scenarios) {
    /** @type {Record<string, { status: number, text: string, headers: Headers }>} */
    const answers = {};
    for (const target of [...instances.map((instance) => instance.name), 'varnish', 'raw']) {
      const server = running[target];
      if (server) answers[target] = await call(server.url, scenario);
    }
    const referenceAnswer = answers[reference.name];
    for (const [target, answer] of Object.entries(answers)) {
      if (!answer) continue;
      if (answer.status !== 200) {
        failures.push(`${scenario.id} ${target}: HTTP ${answer.status} ${answer.text.slice(0, 200)}`);
        continue;
      }
      const difference = firstDifference(JSON.parse(referenceAnswer.text), JSON.parse(answer.text));
      if (difference) failures.push(`${scenario.id}: ${target} differs from ${reference.name} at ${difference}`);
    }
    const entries = JSON.parse(referenceAnswer.text).data;
    const count = Array.isArray(entries) ? entries.length : Array.isArray(entries?.articles) ? entries.articles.length : 0;
    if (count === 0) failures.push(`${scenario.id}: the answer has no articles`);
    checks[scenario.id] = { bytesEqualToRaw: answers.raw ? answers.raw.text === referenceAnswer.text : undefined };
    recorded.push({
      method: scenario.method,
      path: scenario.path,
      contentType: referenceAnswer.headers.get('content-type') ?? 'application/json; charset=utf-8',
      body: Buffer.from(referenceAnswer.text).toString('base64'),
    });
  }
  if (failures.length > 0) {
    throw new Error(`the targets do not give the same answers, so their figures would not compare:\n  ${failures.join('\n  ')}`);
  }
  if (scenarios.length > 0) {
    say(
      `all targets answer ${scenarios.map((scenario) => scenario.id).join(', ')} with the same JSON as ${reference.name}` +
        (running.raw
          ? ` (raw byte-identical: ${scenarios.map((scenario) => `${scenario.id} ${checks[scenario.id].bytesEqualToRaw ? 'yes' : 'no'}`).join(', ')})`
          : ''),
    );
  }

  if (options.targets.includes('ceiling') && scenarios.length > 0) {
    const responsesFile = path.join(logDir, 'ceiling-responses.json');
    fs.writeFileSync(responsesFile, JSON.stringify(recorded));
    running.ceiling = await startBaseline('ceiling', { BENCH_RESPONSES: responsesFile, BENCH_WORKERS: String(options.baselineWorkers) }, logDir);
    for (const scenario of scenarios) {
      const answer = await call(running.ceiling.url, scenario);
      const expected = Buffer.from(/** @type {{ body: string }} */ (recorded.find((entry) => entry.path === scenario.path)).body, 'base64').toString();
      if (answer.text !== expected) throw new Error(`the ceiling server's ${scenario.id} answer is not the recorded one`);
    }
  }

  // --- measuring ------------------------------------------------------------------------------
  /** @type {import('./report').ScenarioFigures} */
  const figures = {};
  /** @type {Record<string, { bytes: number, processes: number }>} */
  const memory = {};
  /** @type {Array<Record<string, unknown>>} */
  const runs = [];
  let errors = 0;
  let staleReads = 0;
  let draftReads = 0;
  const load = { connections: options.connections, seconds: options.duration };
  const noteMemory = (/** @type {string} */ target) => {
    const server = running[target];
    if (!server || !server.launcher) return;
    const now = targetMemory(server);
    if (!memory[target] || now.bytes > memory[target].bytes) memory[target] = now;
  };

  // The modes and the baselines in --targets order, then the variants.
  const readTargets = [...options.targets, ...instances.filter((target) => target.variant).map((target) => target.name)].filter((target) => running[target]);
  const mixedIds = options.scenarios.filter((id) => id in MIXED_WRITE_SHARES);
  const newsroom = options.scenarios.includes('S6');
  const stampedeTarget = options.scenarios.includes('stampede') ? running.warm : undefined;
  if (options.scenarios.includes('stampede') && !stampedeTarget) say('stampede: skipped, it runs on warm, which is not among --targets');
  // Targets with a cache first: their writes reach every cache over the invalidation channel, but an
  // instance without a cache does not announce its writes, so no cache may be read after those: each
  // target runs all its mixed scenarios in turn, the targets with a cache before the others.
  // Within each group: warm, cold, stock, each followed by its variants.
  const mixedOrder = (/** @type {const} */ (['warm', 'cold', 'stock']))
    .flatMap((mode) => instances.filter((target) => target.base === mode).sort((a, b) => Number(a.variant) - Number(b.variant)))
    .sort((a, b) => Number(keepsCache(b.switches)) - Number(keepsCache(a.switches)))
    .filter((target) => running[target.name]);

  // Progress: one step per measured run (warm-ups are shown, not counted).
  const totalRuns =
    scenarios.length * readTargets.length * options.rounds +
    mixedIds.length * mixedOrder.length +
    (newsroom ? mixedOrder.length + mixedOrder.filter((target) => keepsCache(target.switches)).length : 0) +
    (stampedeTarget ? 1 : 0);
  const measuring = progress.start('measuring', totalRuns, 'runs');
  onCleanup(async () => measuring.done());
  let runsDone = 0;
  /**
   * Runs one load while the bar says which, and for how long it has run.
   * @template T
   * @param {string} label @param {number} seconds  planned (0: not timed) @param {boolean} counts  a measured run, not a warm-up
   * @param {() => Promise<T>} work
   * @returns {Promise<T>}
   */
  const step = async (label, seconds, counts, work) => {
    const started = Date.now();
    const show = () => {
      const elapsed = Math.min(seconds, Math.floor((Date.now() - started) / 1000));
      measuring.detail(seconds > 0 ? `${label} ${elapsed}/${seconds} s` : label);
    };
    show();
    const timer = setInterval(show, 500);
    try {
      return await work();
    } finally {
      clearInterval(timer);
      if (counts) measuring.update(++runsDone, label);
    }
  };

  // Throughput on this kind of machine drifts by a third or more from one run to the next, whatever
  // runs: the targets take turns round by round, so drift reaches them all alike, and the median of
  // each target's rounds is its figure.
  for (const scenario of scenarios) {
    figures[scenario.id] = {};
    const targets = readTargets;
    /** @type {Record<string, { statements: number | null, cacheHeader: string | null, seconds: number, rounds: import('./load').Measured[] }>} */
    const byTarget = {};
    for (const target of targets) {
      const server = running[target];
      // One request warms a cache (warm), then a few in a row give the statements of a steady request.
      let statements = null;
      let cacheHeader = null;
      for (let i = 0; i < 3; i++) {
        const sample = await call(server.url, scenario);
        statements = statementsOf(sample.headers);
        cacheHeader = target === 'varnish' ? varnishCacheStatus(sample.headers) : sample.headers.get('x-cache');
      }
      (checks[scenario.id].cacheHeader ??= {})[target] = cacheHeader;
      byTarget[target] = { statements, cacheHeader, seconds: options.duration, rounds: [] };
    }
    for (let round = 1; round <= options.rounds; round++) {
      for (const target of targets) {
        const server = running[target];
        // A warm-up before every run: a worker idle while the others ran lets V8 age out its compiled
        // code, and the first seconds after would measure compilation (cold S4 lost a third that way).
        const label = `${scenario.id} ${target} round ${round}/${options.rounds}`;
        if (options.warmup > 0) {
          const warmup = await step(`${label} warm-up`, options.warmup, false, () => drive(server.url, scenario, { ...load, seconds: options.warmup }));
          await waitUntilIdle(server);
          // A run counts the requests answered before its deadline: the first answers come one latency
          // after the start, so a run only a few latencies long undercounts a slow target (stock S4 takes
          // over a second a request). Runs last at least RUN_LATENCIES of the first warm-up's median latency.
          if (round === 1) byTarget[target].seconds = Math.max(options.duration, Math.ceil((RUN_LATENCIES * (warmup.p50 ?? 0)) / 1000));
        }
        const measured = await step(label, byTarget[target].seconds, true, () => drive(server.url, scenario, { ...load, seconds: byTarget[target].seconds }));
        noteMemory(target);
        await waitUntilIdle(server);
        errors += measured.errors;
        byTarget[target].rounds.push(measured);
        runs.push({ scenario: scenario.id, target, round, ...measured, statements: byTarget[target].statements });
      }
    }
    for (const target of targets) {
      const { statements, cacheHeader, seconds, rounds } = byTarget[target];
      const figure = { rps: median(rounds.map((run) => run.rps)), p50: medianOrNull(rounds.map((run) => run.p50)), p99: medianOrNull(rounds.map((run) => run.p99)) };
      figures[scenario.id][target] = { ...figure, statements };
      const requests = rounds.reduce((sum, run) => sum + run.requests, 0);
      say(
        `${scenario.id} ${target.padEnd(nameWidth)} ${figure.rps.toFixed(1).padStart(8)} req/s  p50 ${ms(figure.p50)}  ` +
          `p99 ${ms(figure.p99)}  SQL/req ${statements ?? '—'}${cacheHeader ? `  X-Cache ${cacheHeader}` : ''}` +
          `  rounds ${rounds.map((run) => run.rps.toFixed(0)).join(' / ')} req/s of ${seconds} s` +
          `${rounds.some((run) => run.errors) ? `  ERRORS ${rounds.reduce((sum, run) => sum + run.errors, 0)}` : ''}` +
          `${requests === 0 ? '  (no response within the run: try a longer --duration)' : ''}`,
      );
    }
  }

  const needsToken = mixedIds.length > 0 || newsroom || stampedeTarget;
  const token = needsToken ? await createFullAccessToken(reference.url, admin) : '';
  const articles = collectionName('article');
  /** The 25 first published articles (S1's page), with their published titles. @returns {Promise<import('./load').HotDocument[]>} */
  const hotDocuments = async () =>
    (
      await db.query(
        `SELECT document_id AS "documentId", slug, title FROM "${articles}" WHERE published_at IS NOT NULL ORDER BY id LIMIT 25`,
      )
    ).rows;

  // --- the stampede (warm only) ----------------------------------------------------------------
  /** @type {Awaited<ReturnType<typeof measureStampede>> | undefined} */
  let stampede;
  if (stampedeTarget) {
    const frontPage = /** @type {import('./scenarios').Scenario} */ (readScenarios(slug).find((scenario) => scenario.id === 'S1'));
    stampede = await step(`stampede warm, ${STAMPEDE_REPEATS} × ${STAMPEDE_REQUESTS} requests`, 0, true, () =>
      measureStampede(stampedeTarget.url, {
        path: frontPage.path,
        token,
        requests: STAMPEDE_REQUESTS,
        repeats: STAMPEDE_REPEATS,
        settle: async () => {
          await waitUntilIdle(stampedeTarget);
          await waitForQuietDatabase(db);
        },
      }),
    );
    staleReads += stampede.staleReads;
    errors += stampede.errors;
    runs.push({ scenario: 'stampede', target: 'warm', ...stampede });
    say(
      `stampede warm: ${STAMPEDE_REQUESTS} front-page requests right after a publish cost ${stampede.statements} statements together ` +
        `(median of ${STAMPEDE_REPEATS}: ${stampede.rounds.map((round) => round.statements).join(' / ')}; misses ${stampede.rounds.map((round) => round.misses).join(' / ')}); ` +
        `one request alone ${stampede.oneRequestStatements} (X-Cache ${stampede.rounds.map((round) => round.oneRequestCache ?? '—').join(' / ')})` +
        `${stampede.staleReads ? `  STALE ${stampede.staleReads}` : ''}${stampede.errors ? `  ERRORS ${stampede.errors}` : ''}`,
    );
    for (const example of stampede.examples) say(`  stampede: ${example}`);
  }

  // --- the mixed scenarios, target by target -----------------------------------------------------
  for (const id of mixedIds) figures[id] = {};
  if (newsroom) {
    figures.S6 = {};
    figures[READS_ALONE] = {};
  }
  const mixedSeconds = options.duration * options.rounds;
  const hitText = (/** @type {number | null} */ ratio) => (ratio === null ? '' : `  hit ratio ${ratio.toFixed(3)}`);
  for (const target of mixedOrder) {
    const mode = target.name;
    const server = running[mode];
    for (const id of mixedIds) {
      // One run as long as a read scenario's rounds together: stale reads are counted, not compared.
      const mixedLoad = { ...load, seconds: mixedSeconds, writeShare: MIXED_WRITE_SHARES[id] };
      if (options.warmup > 0) {
        await step(`${id} ${mode} warm-up`, options.warmup, false, async () =>
          driveMixed(server.url, await hotDocuments(), token, { ...mixedLoad, seconds: options.warmup }),
        );
        await waitForQuietDatabase(db);
      }
      const hot = await hotDocuments();
      const measured = await step(`${id} ${mode}`, mixedSeconds, true, () => driveMixed(server.url, hot, token, mixedLoad));
      await waitForQuietDatabase(db);
      noteMemory(mode);
      errors += measured.errors;
      staleReads += measured.staleReads;
      figures[id][mode] = { rps: measured.rps, p50: measured.p50, p99: measured.p99, statements: measured.statements, hitRatio: measured.hitRatio };
      runs.push({ scenario: id, target: mode, ...measured });
      say(
        `${id.padEnd(5)} ${mode.padEnd(nameWidth)} ${measured.rps.toFixed(1).padStart(8)} req/s  p50 ${ms(measured.p50)}  p99 ${ms(measured.p99)}  ` +
          `writes ${measured.writes}${hitText(measured.hitRatio)}  stale reads ${measured.staleReads}  errors ${measured.errors}`,
      );
      for (const example of measured.examples) say(`  stale: ${example}`);
    }
    if (!newsroom) continue;

    const hot = await hotDocuments();
    const newsroomLoad = { ...load, seconds: mixedSeconds, editors: NEWSROOM_EDITORS, savesPerSecond: NEWSROOM_SAVES_PER_SECOND };
    /** @type {Array<[string, string | null]>} */
    const newsroomRuns = keepsCache(target.switches) ? [[READS_ALONE, null], ['S6', token]] : [['S6', token]];
    for (const [id, editorsToken] of newsroomRuns) {
      if (options.warmup > 0) {
        await step(`${id} ${mode} warm-up`, options.warmup, false, () => driveNewsroom(server.url, hot, editorsToken, { ...newsroomLoad, seconds: options.warmup }));
        await waitForQuietDatabase(db);
      }
      const measured = await step(`${id} ${mode}`, mixedSeconds, true, () => driveNewsroom(server.url, hot, editorsToken, newsroomLoad));
      await waitForQuietDatabase(db);
      noteMemory(mode);
      errors += measured.errors;
      draftReads += measured.draftReads;
      figures[id][mode] = {
        rps: measured.rps,
        p50: measured.p50,
        p99: measured.p99,
        statements: measured.statements,
        hitRatio: measured.hitRatio,
        ...(editorsToken ? { savesPerSecond: measured.savesPerSecond } : {}),
      };
      runs.push({ scenario: id, target: mode, ...measured });
      say(
        `${id.padEnd(5)} ${mode.padEnd(nameWidth)} ${measured.rps.toFixed(1).padStart(8)} req/s  p50 ${ms(measured.p50)}  p99 ${ms(measured.p99)}` +
          `${editorsToken ? `  draft saves ${measured.saves} (${measured.savesPerSecond.toFixed(1)}/s)` : ''}${hitText(measured.hitRatio)}` +
          `  draft reads ${measured.draftReads}  errors ${measured.errors}`,
      );
      for (const example of measured.examples) say(`  ${id}: ${example}`);
    }
    // The saves were drafts only if no published row changed: otherwise S6 measured publishes.
    const after = new Map((await hotDocuments()).map((doc) => [doc.documentId, doc.title]));
    const changed = hot.filter((doc) => after.get(doc.documentId) !== doc.title);
    if (changed.length > 0) {
      throw new Error(
        `S6 on ${mode}: the draft saves changed ${changed.length} published title(s) (${changed[0].documentId}: "${changed[0].title}" → ` +
          `"${after.get(changed[0].documentId)}"): PUT ?status=draft does not save a draft only`,
      );
    }
  }

  // --- what S5's requests cost, one at a time: the bound they put on any cache ---------------------
  /** @type {(import('./request-costs').RequestCosts & { bounds: Record<string, number> }) | undefined} */
  let requestCosts;
  if (mixedIds.length > 0 && running.warm && running.cold) {
    await waitUntilIdle(running.warm);
    await waitUntilIdle(running.cold);
    await waitForQuietDatabase(db);
    const costs = await step('request costs, one at a time', 0, false, async () =>
      measureRequestCosts(running.warm, running.cold, { hot: await hotDocuments(), token, databasePid }),
    );
    const bounds = Object.fromEntries(mixedIds.map((id) => [id, cacheBound(costs, MIXED_WRITE_SHARES[id])]));
    requestCosts = { ...costs, bounds };
    say(
      `request costs, one at a time (CPU of the CMS${costs.databaseCounted ? ' and of its database' : ''}): an S5 write on warm ` +
        `${costs.writeCpuMs.toFixed(1)} ms, an S5 read on cold ${costs.readCpuMs.toFixed(1)} ms; with every read a free hit, warm ÷ cold ` +
        `could reach at most ${mixedIds.map((id) => `${bounds[id].toFixed(2)} (${id})`).join(', ')}`,
    );
  }

  /** @type {Record<string, unknown> | undefined} */
  let searchDetails;
  if (options.scenarios.includes('S7')) {
    const search = await measureSearch({
      running,
      createToken: () => createFullAccessToken(reference.url, admin),
      db,
      load: { connections: options.connections, seconds: options.duration, rounds: options.rounds, warmup: options.warmup },
      waitUntilIdle,
      say,
    });
    figures.S7 = search.figures;
    errors += search.errors;
    runs.push(...search.runs);
    searchDetails = { title: search.title, ...search.details };
  }
  // A scenario no target ran (S1-S3 when no target keeps a cache) is left out of the report.
  for (const [id, byTarget] of Object.entries(figures)) if (Object.keys(byTarget).length === 0) delete figures[id];

  // A variant that is another target has that target's figures.
  for (const target of strapiTargets) {
    if (!target.sameAs) continue;
    for (const byTarget of Object.values(figures)) {
      const same = byTarget[target.sameAs];
      if (same) byTarget[target.name] = same;
    }
  }

  // --- the report -----------------------------------------------------------------------------
  /** @type {Record<string, string>} */
  const titles = Object.fromEntries(readScenarios(slug).map((scenario) => [scenario.id, `${scenario.title}: ${scenario.method} ${scenario.path}`]));
  titles.S5 = 'mixed: 95% reads of S1–S3 (S3 over 25 documents), 5% REST PUTs of their titles (saved and published) with a full-access token';
  titles['S5@1%'] = 'S5 with 1% writes (99% reads)';
  titles.S6 = `the newsroom: S5's reads while ${NEWSROOM_EDITORS} editors each save ${NEWSROOM_SAVES_PER_SECOND} drafts a second ` +
    '(PUT ?status=draft, API token); every read must show the published titles';
  titles[READS_ALONE] = "S6's reads alone (no editors), on the targets with a response cache: what S6 is compared with";
  if (searchDetails) titles.S7 = String(searchDetails.title);
  progress.stop();
  console.log('');
  const layout = tableRows(options.targets, strapiTargets);
  console.log(formatTable(figures, titles, layout));
  console.log('');
  if (strapiTargets.some((target) => target.variant)) {
    console.log(formatGains(figures, layout));
    console.log('');
  }
  for (const [target, used] of Object.entries(memory)) {
    console.log(`Strapi ${target}: ${(used.bytes / 2 ** 20).toFixed(0)} MB RSS over ${used.processes} process(es) (most seen after a run)`);
  }
  if (stampede) {
    console.log(
      `Stampede (warm): ${STAMPEDE_REQUESTS} concurrent front-page requests right after a publish cost ${stampede.statements} SQL statements ` +
        `together; one request alone after a publish: ${stampede.oneRequestStatements} (medians of ${STAMPEDE_REPEATS}).`,
    );
  }
  const goals = goalsOf(figures, stampede, READS_ALONE);
  if (goals.length > 0) console.log(formatGoals(goals));
  if (requestCosts) {
    console.log(
      `Request costs (one at a time, CPU${requestCosts.databaseCounted ? ' of the CMS and its database' : ' of the CMS only'}): ` +
        `an S5 write ${requestCosts.writeCpuMs.toFixed(1)} ms on warm, an S5 read ${requestCosts.readCpuMs.toFixed(1)} ms on cold. ` +
        `Even if every read were a free hit, the writes alone would hold warm ÷ cold to ` +
        `${Object.entries(requestCosts.bounds).map(([id, bound]) => `${bound.toFixed(2)} for ${id}`).join(', ')}.`,
    );
  }
  console.log(
    `Stale reads: ${staleReads}. Draft reads (S6 reads showing a draft title, counted in the errors): ${draftReads}. ` +
      `Errors (non-2xx, timeouts, socket errors, failed draft saves, over all runs): ${errors}.`,
  );

  const run = {
    finishedAt: new Date().toISOString(),
    workers: options.workers ?? options.baselineWorkers,
    connections: options.connections,
    rounds: options.rounds,
    duration: options.duration,
    warmup: options.warmup,
    scenarios: options.scenarios,
    targets: options.targets,
  };
  const result = {
    ...resultJson(options.articles, figures, { staleReads, draftReads, errors, run, stampede, goals }, layout),
    ...(requestCosts
      ? {
          requestCosts: {
            writeCpuMs: Math.round(requestCosts.writeCpuMs * 10) / 10,
            readCpuMs: Math.round(requestCosts.readCpuMs * 10) / 10,
            databaseCounted: requestCosts.databaseCounted,
            warmOverColdBound: Object.fromEntries(Object.entries(requestCosts.bounds).map(([id, bound]) => [id, Math.round(bound * 100) / 100])),
          },
        }
      : {}),
  };
  fs.mkdirSync(path.dirname(options.output), { recursive: true });
  fs.writeFileSync(options.output, `${JSON.stringify(result, null, 2)}\n`);
  const chart = writeChart(options.output, result, { subtitle: runSubtitle(result) });
  const details = options.output.replace(/\.json$/, '-details.json');
  fs.writeFileSync(
    details,
    `${JSON.stringify(
      {
        finishedAt: new Date().toISOString(),
        seconds: Math.round((Date.now() - started) / 1000),
        options: { ...options, databaseUrl: options.databaseUrl ? '(given)' : '(embedded)' },
        machine: { cpus: os.availableParallelism(), memoryBytes: os.totalmem(), node: process.version },
        load: loaded,
        s3Slug: slug,
        memory,
        checks,
        ...(searchDetails ? { search: searchDetails } : {}),
        runs,
      },
      null,
      2,
    )}\n`,
  );
  say(
    `wrote ${path.relative(APP_ROOT, options.output)}, ${path.relative(APP_ROOT, chart)} and ${path.relative(APP_ROOT, details)} ` +
      `(${Math.round((Date.now() - started) / 1000)} s in all)`,
  );
  if (staleReads > 0 || errors > 0) {
    say(`FAILED: ${staleReads} stale read(s) and ${errors} error(s); see above`);
    return 1;
  }
  return 0;
}

main()
  .then(
    async (code) => {
      progress.stop();
      await cleanUp();
      process.exit(code);
    },
    async (error) => {
      progress.stop();
      console.error(`[bench] FAILED: ${error instanceof Error ? error.message : String(error)}`);
      await cleanUp();
      process.exit(1);
    },
  );
