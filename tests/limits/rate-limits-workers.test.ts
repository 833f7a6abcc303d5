import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { anyFreePort } from '../../scripts/embedded-postgres';
import { APP_ROOT } from '../helpers/paths';

/**
 * A budget holds across the workers of `npm start` (scripts/serve.js, 2 workers): the counters live
 * in PostgreSQL (the app's own database) by default, and in Redis when REDIS_URL is set. With
 * per-process counters, 2 workers would let twice the budget through.
 */
const LOGIN_BUDGET = 4;
const REDIS_URL = 'redis://127.0.0.1:6379';

/** Whether Redis answers, decided before the suite is defined so a skip is visible in the report. */
const redisReachable = (() => {
  const probe = spawnSync(
    process.execPath,
    ['-e', `const { Redis } = require('ioredis'); const r = new Redis('${REDIS_URL}', { lazyConnect: true, connectTimeout: 1500, maxRetriesPerRequest: 0 }); r.connect().then(() => r.ping()).then(() => process.exit(0), () => process.exit(1));`],
    { cwd: APP_ROOT, timeout: 5_000 },
  );
  return probe.status === 0;
})();

interface Running {
  process: ChildProcess;
  baseUrl: string;
  output: string[];
}

async function startServer(env: Record<string, string>): Promise<Running> {
  const port = await anyFreePort();
  const output: string[] = [];
  const child = spawn(process.execPath, [path.join(APP_ROOT, 'scripts', 'serve.js')], {
    cwd: APP_ROOT,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      WORKERS: '2',
      STRAPI_LOG_LEVEL: 'warn',
      PROXY_HOPS: '1',
      RATE_LIMIT_LOGIN: `${LOGIN_BUDGET}/1m`,
      // Each worker computes its own misses, so a miss from each shows that both answer (`bothWorkersAnswer`).
      RESPONSE_CACHE_PEER_ANSWERS: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout?.on('data', (chunk) => output.push(String(chunk)));
  child.stderr?.on('data', (chunk) => output.push(String(chunk)));
  const deadline = Date.now() + 150_000;
  while (!output.join('').includes('all 2 workers are listening')) {
    if (child.exitCode !== null) throw new Error(`the server exited early:\n${output.join('')}`);
    if (Date.now() > deadline) throw new Error(`the server did not start in time:\n${output.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { process: child, baseUrl: `http://127.0.0.1:${port}`, output };
}

async function stopServer(running: Running | undefined) {
  if (!running || running.process.exitCode !== null) return;
  const exited = new Promise((resolve) => running.process.once('exit', resolve));
  process.kill(-(running.process.pid as number), 'SIGTERM');
  await exited;
}

/** Failed logins from one client, each on a new connection (the workers take connections in turn). */
async function failedLogins(running: Running, count: number) {
  const address = `10.77.${crypto.randomInt(256)}.${crypto.randomInt(256)}`;
  const statuses: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const response = await request(running.baseUrl)
      .post('/api/auth/local')
      .set('Connection', 'close')
      .set('X-Forwarded-For', address)
      .send({ identifier: `nobody-${crypto.randomUUID()}@example.org`, password: 'wrong-password' });
    statuses.push(response.status);
    if (response.status === 429) {
      expect(response.body.error.details.budget).toBe('login');
      expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    }
  }
  return statuses;
}

/** Both workers answer: each misses the cache once for the same URL, then hits. */
async function bothWorkersAnswer(running: Running) {
  const url = `/api/people?filters[slug][$eq]=workers-${crypto.randomUUID()}`;
  const caches: string[] = [];
  for (let index = 0; index < 6; index += 1) {
    caches.push((await request(running.baseUrl).get(url).set('Connection', 'close').expect(200)).headers['x-cache']);
  }
  return caches.filter((value) => value === 'MISS').length;
}

describe('on PostgreSQL (the default)', () => {
  let running: Running | undefined;
  beforeAll(async () => {
    running = await startServer({});
  }, 180_000);
  afterAll(() => stopServer(running), 60_000);

  it('refuses the 5th failed login from one client, whichever worker answers', async () => {
    expect(await bothWorkersAnswer(running!)).toBe(2);
    expect(await failedLogins(running!, 10)).toEqual([...Array(LOGIN_BUDGET).fill(400), ...Array(10 - LOGIN_BUDGET).fill(429)]);
  });

  it('keeps the counters in a table of the app database that Strapi\'s schema sync leaves alone', async () => {
    const client = new Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM rate_limits WHERE key LIKE 'rl:login:${LOGIN_BUDGET}:60:%'`);
      expect(rows[0].n).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
  });
});

if (!redisReachable) {
  // Visible in the run's output and in the report as a skipped test.
  console.warn(`Redis at ${REDIS_URL} is unreachable: the rate-limit test on Redis is skipped`);
}
(redisReachable ? describe : describe.skip)(`on Redis (REDIS_URL=${REDIS_URL})`, () => {
  let running: Running | undefined;
  beforeAll(async () => {
    running = await startServer({ REDIS_URL });
  }, 180_000);
  afterAll(() => stopServer(running), 60_000);

  it('refuses the 5th failed login from one client, whichever worker answers', async () => {
    expect(await bothWorkersAnswer(running!)).toBe(2);
    expect(await failedLogins(running!, 10)).toEqual([...Array(LOGIN_BUDGET).fill(400), ...Array(10 - LOGIN_BUDGET).fill(429)]);
  });
});
