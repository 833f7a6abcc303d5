#!/usr/bin/env node
// @ts-check
/**
 * Runs the CMS with no setup: `node scripts/launch.js develop|start|seed`.
 *
 * - develop: Strapi's development server (admin build and watch).
 * - start:   production mode (NODE_ENV=production unless set), one worker per core (scripts/serve.js).
 * - seed:    runs the idempotent seed once and exits.
 *
 * Outside production a `.env` with fresh random secrets is written when there
 * is none; production never writes secrets, so Strapi refuses to start
 * without real ones.
 *
 * Without DATABASE_URL an embedded PostgreSQL is started on a folder in
 * `.data/` and stopped again when Strapi exits; with DATABASE_URL that server
 * is used and nothing else is started.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { writeDevEnvFile } = require('./dev-env');
const { startEmbeddedPostgres } = require('./embedded-postgres');

const APP_ROOT = path.resolve(__dirname, '..');
// The package's exports hide its bin script; resolve it beside package.json.
const STRAPI_BIN = path.join(path.dirname(require.resolve('@strapi/strapi/package.json')), 'bin', 'strapi.js');
const STRAPI_STOP_TIMEOUT_MS = 20_000;

/** @type {Record<string, string[]>} */
const COMMANDS = {
  develop: [STRAPI_BIN, 'develop'],
  start: [path.join(__dirname, 'serve.js')],
  seed: [path.join(__dirname, 'seed.js')],
};

/** @param {string} message */
const say = (message) => console.log(`[launch] ${message}`);

async function main() {
  const mode = process.argv[2] ?? '';
  const command = COMMANDS[mode];
  if (!command) {
    console.error(`Usage: node scripts/launch.js ${Object.keys(COMMANDS).join('|')}`);
    process.exit(2);
  }

  // ENV_PATH points Strapi at another env file; the launcher reads the same one.
  const envFile = process.env.ENV_PATH ? path.resolve(process.env.ENV_PATH) : path.join(APP_ROOT, '.env');
  const production = mode === 'start' || process.env.NODE_ENV === 'production';
  if (!production && !process.env.ENV_PATH && !fs.existsSync(envFile)) {
    writeDevEnvFile(envFile);
    say('Wrote .env with fresh random secrets (git-ignored; keep it to keep your sessions and tokens valid)');
  }
  require('dotenv').config({ path: envFile, quiet: true });
  if (mode === 'start') process.env.NODE_ENV ??= 'production';
  process.env.STRAPI_TELEMETRY_DISABLED ??= 'true';

  /** @type {import('./embedded-postgres').EmbeddedServer | null} */
  let database = null;
  if (!process.env.DATABASE_URL) {
    database = await startEmbeddedPostgres({
      dataDir: path.resolve(APP_ROOT, process.env.EMBEDDED_DB_DIR ?? '.data/postgres'),
      port: Number(process.env.EMBEDDED_DB_PORT ?? 5433),
      log: say,
    });
    process.env.DATABASE_URL = database.url;
    say(`DATABASE_URL=${database.url.replace(/:[^:@/]+@/, ':****@')}`);
  }

  // Strapi gets its own process group, so a Ctrl-C reaches it once, through us,
  // and the database is stopped only after Strapi has let go of it.
  const child = spawn(process.execPath, command, { cwd: APP_ROOT, stdio: 'inherit', detached: true, env: process.env });
  let stopping = false;

  /** @param {NodeJS.Signals} signal */
  const forward = (signal) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping Strapi, then the database`);
    signalGroup(child.pid, signal);
    setTimeout(() => signalGroup(child.pid, 'SIGKILL'), STRAPI_STOP_TIMEOUT_MS).unref();
  };
  for (const signal of /** @type {NodeJS.Signals[]} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
    process.on(signal, () => forward(signal));
  }

  const code = await new Promise((resolve) => {
    child.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
  });
  // Strapi's own children (the develop watcher's workers) go with it.
  signalGroup(child.pid, 'SIGKILL');
  if (database) await database.stop();
  process.exit(stopping && code !== 0 ? 0 : code);
}

/**
 * @param {number | undefined} pid
 * @param {NodeJS.Signals} signal
 */
function signalGroup(pid, signal) {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

main().catch((error) => {
  console.error(`[launch] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
