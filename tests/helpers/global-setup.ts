import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileStrapi } from '@strapi/strapi';
import { removeCompiledServer } from '../../scripts/clean-dist';
import { startEmbeddedPostgres } from '../../scripts/embedded-postgres';
import { resetDatabase } from './database';
import { SECRET_NAMES } from '../../src/platform/startup-checks/production-secrets';
import { APP_ROOT, TEST_ADMIN } from './paths';

type EmbeddedServer = Awaited<ReturnType<typeof startEmbeddedPostgres>>;
declare global {
  // Handed from global setup to global teardown (same process).
  var __embeddedPostgres: { server: EmbeddedServer; dataDir: string } | undefined;
}

export default async function globalSetup() {
  // Compiled once per run, here: suites compiling in parallel would overwrite dist/.
  // Type errors are reported by `npm run typecheck`, which `npm test` runs first. A file moved
  // or removed in src/ must not live on in dist/, where Strapi would still load it.
  removeCompiledServer(APP_ROOT);
  await compileStrapi({ appDir: APP_ROOT, ignoreDiagnostics: true });

  let databaseUrl = process.env.TEST_DATABASE_URL;
  if (databaseUrl) {
    await resetDatabase(databaseUrl);
  } else {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'news-cms-test-pg-'));
    fs.chmodSync(dataDir, 0o755);
    const server = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'cluster'), database: 'news_cms_test' });
    globalThis.__embeddedPostgres = { server, dataDir };
    databaseUrl = server.url;
  }

  // Everything the suites' Strapi instances read; test files inherit this environment.
  Object.assign(process.env, {
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    STRAPI_TELEMETRY_DISABLED: 'true',
    SEED_ON_BOOTSTRAP: 'true',
    ADMIN_EMAIL: TEST_ADMIN.email,
    ADMIN_PASSWORD: TEST_ADMIN.password,
    // The suites log in and read far more often than a person: budgets no suite meets, except the
    // rate-limit suites, which set their own.
    ...Object.fromEntries(
      ['LOGIN', 'LOGIN_IDENTIFIER', 'REGISTER', 'FORGOT_PASSWORD', 'FORGOT_PASSWORD_EMAIL', 'RESET_PASSWORD', 'ADMIN_LOGIN', 'ADMIN_LOGIN_IDENTIFIER', 'PUBLIC', 'TOKEN'].map(
        (name) => [`RATE_LIMIT_${name}`, '1000000/1m'],
      ),
    ),
    ...Object.fromEntries(
      SECRET_NAMES.map((name) => [name, crypto.randomBytes(24).toString('base64')]),
    ),
  });
}
