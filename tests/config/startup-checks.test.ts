import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'dotenv';
import { fillSecrets } from '../../scripts/dev-env';
import { findUnsafeSecrets, SECRET_NAMES } from '../../src/platform/startup-checks/production-secrets';
import { APP_ROOT, STRAPI_BIN } from '../helpers/paths';

const example = fs.readFileSync(path.join(APP_ROOT, '.env.example'), 'utf8');

/** Runs a command of the app to its end; resolves with its exit code and output. */
async function run(args: string[], env: NodeJS.ProcessEnv) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, args, { cwd: APP_ROOT, env, timeout: 60_000 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

/** `npm start` (the launcher, in production) with the given secrets and nothing else. */
function startInProduction(secrets: Record<string, string | undefined>) {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', PORT: '0' };
  for (const name of SECRET_NAMES) delete env[name];
  return run([path.join(APP_ROOT, 'scripts', 'launch.js'), 'start'], { ...env, ...secrets });
}

describe('production secrets', () => {
  it('.env.example names every secret, each with a placeholder', () => {
    const values = parse(example);
    expect(findUnsafeSecrets(values)).toEqual(SECRET_NAMES.map((name) => `${name} still holds a placeholder value`));
  });

  it('a development .env made from .env.example holds only real secrets', () => {
    const filled = fillSecrets(example);
    expect(filled).not.toContain('replace-me');
    expect(findUnsafeSecrets(parse(filled))).toEqual([]);
    // Fresh values every time, never a fixed default.
    expect(parse(fillSecrets(example)).ADMIN_JWT_SECRET).not.toBe(parse(filled).ADMIN_JWT_SECRET);
  });

  it('npm start refuses to start without secrets, naming each one', async () => {
    const { code, output } = await startInProduction({});
    expect(code).not.toBe(0);
    expect(output).toContain('Refusing to start in production');
    for (const name of SECRET_NAMES) expect(output).toContain(`${name} is not set`);
  });

  it('npm start refuses placeholders copied from .env.example, and a half-real APP_KEYS', async () => {
    const secrets = parse(example);
    const { code, output } = await startInProduction({ ...secrets, APP_KEYS: 'a-real-key,replace-me', JWT_SECRET: 'a-real-secret' });
    expect(code).not.toBe(0);
    expect(output).toContain('APP_KEYS still holds a placeholder value');
    expect(output).toContain('ADMIN_JWT_SECRET still holds a placeholder value');
    expect(output).not.toMatch(/(^|[^_])JWT_SECRET still holds/);
  });
});

describe('the database', () => {
  it('a Strapi started without DATABASE_URL (not through the launcher) refuses, instead of trying localhost:5432', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', PORT: '0' };
    delete env.DATABASE_URL;
    const { code, output } = await run([STRAPI_BIN, 'start'], env);
    expect(code).not.toBe(0);
    expect(output).toContain('DATABASE_URL is not set');
  });
});
