import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { removeCompiledServer } from '../../scripts/clean-dist';
import { anyFreePort as freePort, startEmbeddedPostgres } from '../../scripts/embedded-postgres';
import { SECRET_NAMES } from '../../src/platform/startup-checks/production-secrets';
import { resetDatabase } from '../helpers/database';
import { APP_ROOT, STRAPI_BIN } from '../helpers/paths';

/** The dev admin the e2e Strapi creates from ADMIN_EMAIL / ADMIN_PASSWORD, and the browser logs in as. */
export const E2E_ADMIN = { email: 'e2e-editor@news-cms.test', password: 'E2e-Editor-Passw0rd' } as const;

const READY_TIMEOUT_MS = 180_000;
const BUILD_TIMEOUT_MS = 15 * 60_000;

type EmbeddedServer = Awaited<ReturnType<typeof startEmbeddedPostgres>>;

export interface E2eServer {
  baseUrl: string;
  previewSecret: string;
  stop(): Promise<void>;
}



/** Runs Strapi's CLI to its end; its output goes to `logFile`. */
function runStrapi(args: string[], env: NodeJS.ProcessEnv, logFile: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = fs.openSync(logFile, 'a');
    const child = spawn(process.execPath, [STRAPI_BIN, ...args], { cwd: APP_ROOT, env, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`strapi ${args.join(' ')} failed (${signal ?? code}); see ${logFile}`));
    });
  });
}

async function waitUntilHealthy(baseUrl: string, child: ChildProcess, logFile: string) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Strapi exited (${child.exitCode}) before it was ready; see ${logFile}`);
    try {
      const response = await fetch(`${baseUrl}/_health`);
      if (response.status === 204) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`Strapi did not answer on ${baseUrl}/_health in time; see ${logFile}`);
}

/**
 * The app as it runs in production: `strapi build` (server and admin panel), then `strapi start`
 * with NODE_ENV=production and fresh random secrets, on a throwaway embedded PostgreSQL (or the
 * wiped TEST_DATABASE_URL). E2E_SKIP_BUILD=true reuses the last build while working on the suite.
 */
export async function startE2eServer(logDir: string): Promise<E2eServer> {
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, 'strapi.log');
  fs.writeFileSync(logFile, '');

  let database: EmbeddedServer | undefined;
  let dataDir: string | undefined;
  let databaseUrl = process.env.TEST_DATABASE_URL;
  if (databaseUrl) {
    await resetDatabase(databaseUrl);
  } else {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'news-cms-e2e-pg-'));
    fs.chmodSync(dataDir, 0o755);
    database = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'cluster'), database: 'news_cms_e2e' });
    databaseUrl = database.url;
  }

  const port = await freePort();
  const secrets = Object.fromEntries(SECRET_NAMES.map((name) => [name, crypto.randomBytes(24).toString('base64')]));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    STRAPI_TELEMETRY_DISABLED: 'true',
    SEED_ON_BOOTSTRAP: 'true',
    ADMIN_EMAIL: E2E_ADMIN.email,
    ADMIN_PASSWORD: E2E_ADMIN.password,
    ...secrets,
  };

  let child: ChildProcess | undefined;
  const stop = async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child!.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
    if (database) await database.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    if (process.env.E2E_SKIP_BUILD !== 'true') {
      removeCompiledServer(APP_ROOT);
      await runStrapi(['build'], env, logFile, BUILD_TIMEOUT_MS);
    }
    const out = fs.openSync(logFile, 'a');
    child = spawn(process.execPath, [STRAPI_BIN, 'start'], { cwd: APP_ROOT, env, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitUntilHealthy(baseUrl, child, logFile);
    return { baseUrl, previewSecret: secrets.PREVIEW_SECRET, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
