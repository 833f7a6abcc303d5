import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import { anyFreePort } from '../../scripts/embedded-postgres';
import { APP_ROOT } from './paths';

/** The production server (scripts/serve.js) in a process group of its own, for suites that stop, signal or break it. */
export interface Server {
  process: ChildProcess;
  baseUrl: string;
  output: string[];
  exited: Promise<number | null>;
}

/** Starts `npm start`'s server (scripts/serve.js) on `databaseUrl`; resolves once every worker listens. */
export async function startServer(databaseUrl: string, workers: number, env: Record<string, string> = {}): Promise<Server> {
  const port = await anyFreePort();
  const output: string[] = [];
  const child = spawn(process.execPath, [path.join(APP_ROOT, 'scripts', 'serve.js')], {
    cwd: APP_ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, HOST: '127.0.0.1', PORT: String(port), WORKERS: String(workers), STRAPI_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout?.on('data', (chunk) => output.push(String(chunk)));
  child.stderr?.on('data', (chunk) => output.push(String(chunk)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const server = { process: child, baseUrl: `http://127.0.0.1:${port}`, output, exited };
  const deadline = Date.now() + 150_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited early:\n${output.join('')}`);
    const listening = workers === 1 ? await request(server.baseUrl).get('/_health').then((r) => r.status === 204, () => false) : output.join('').includes(`all ${workers} workers are listening`);
    if (listening) return server;
    if (Date.now() > deadline) throw new Error(`the server did not start in time:\n${output.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** SIGTERM to the server's process group, as the launcher sends it; resolves when the primary has exited. */
export async function stopServer(server: Server | undefined) {
  if (!server || server.process.exitCode !== null) return;
  try {
    process.kill(-(server.process.pid as number), 'SIGTERM');
  } catch {
    // already gone
  }
  await server.exited;
}

/** The primary's child processes: its workers. */
export const workerPids = (server: Server): number[] => {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(server.process.pid)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((pid) => pid > 0);
  } catch {
    return [];
  }
};

/** A full-access API token, created through the admin API as an editor would. */
export async function fullAccessToken(baseUrl: string): Promise<string> {
  const login = await request(baseUrl).post('/admin/login').send({ email: process.env.ADMIN_EMAIL, password: process.env.ADMIN_PASSWORD }).expect(200);
  const created = await request(baseUrl)
    .post('/admin/api-tokens')
    .set('Authorization', `Bearer ${login.body.data.token}`)
    .send({ name: `faults-${Date.now()}`, type: 'full-access', lifespan: null })
    .expect(201);
  return created.body.data.accessKey as string;
}

