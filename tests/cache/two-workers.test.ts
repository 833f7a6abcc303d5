import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import { anyFreePort } from '../../scripts/embedded-postgres';
import { APP_ROOT } from '../helpers/paths';

/**
 * `npm start` serves from several worker processes, each with its own response
 * cache. A write answered by one worker must be seen at once by a read on any
 * other: the cache's LISTEN/NOTIFY channel has reached them all before the
 * write's answer is sent.
 */
let server: ChildProcess | undefined;
let baseUrl: string;
const output: string[] = [];
const stamp = Date.now();

/** Waits until the primary reports every worker listening (the first one answers health checks sooner). */
async function waitUntilServing(deadline: number) {
  while (Date.now() < deadline) {
    if (server?.exitCode !== null) throw new Error(`the server exited early:\n${output.join('')}`);
    if (output.join('').includes('all 2 workers are listening')) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the server did not start in time:\n${output.join('')}`);
}

/** Sends `count` reads; the workers take connections in turn, so each worker answers some. */
async function readNames(url: string, count: number) {
  const responses = [];
  for (let index = 0; index < count; index += 1) responses.push(await request(baseUrl).get(url).set('Connection', 'close').expect(200));
  return responses.map((response) => ({ name: response.body.data[0]?.name as string, cache: response.headers['x-cache'] as string }));
}

let token: string;
let documentId: string;
const slug = `two-workers-${stamp}`;
const url = `/api/people?filters[slug][$eq]=${slug}&fields[0]=name`;

beforeAll(async () => {
  const port = await anyFreePort();
  baseUrl = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, [path.join(APP_ROOT, 'scripts', 'serve.js')], {
    cwd: APP_ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), WORKERS: '2', STRAPI_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  server.stdout?.on('data', (chunk) => output.push(String(chunk)));
  server.stderr?.on('data', (chunk) => output.push(String(chunk)));
  await waitUntilServing(Date.now() + 120_000);

  // A token for the writes, created through the admin API like an editor would.
  const login = await request(baseUrl).post('/admin/login').send({ email: process.env.ADMIN_EMAIL, password: process.env.ADMIN_PASSWORD }).expect(200);
  const created = await request(baseUrl)
    .post('/admin/api-tokens')
    .set('Authorization', `Bearer ${login.body.data.token}`)
    .send({ name: `two-workers-${stamp}`, type: 'full-access', lifespan: null })
    .expect(201);
  token = created.body.data.accessKey;
  const person = await request(baseUrl)
    .post('/api/people')
    .set('Authorization', `Bearer ${token}`)
    .send({ data: { name: 'Before', slug } })
    .expect(201);
  documentId = person.body.data.documentId;
}, 180_000);

afterAll(async () => {
  if (documentId) await request(baseUrl).delete(`/api/people/${documentId}`).set('Authorization', `Bearer ${token}`);
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((resolve) => server?.once('exit', resolve));
  process.kill(-(server.pid as number), 'SIGTERM');
  await exited;
}, 60_000);

it('serves from two workers that each cache answers', async () => {
  const reads = await readNames(url, 8);
  expect(reads.every((read) => read.name === 'Before')).toBe(true);
  // Each worker misses once and then hits: with two workers, exactly two misses.
  expect(reads.filter((read) => read.cache === 'MISS')).toHaveLength(2);
});

it('a write on one worker is seen by reads on every worker at once', async () => {
  for (const name of ['After one', 'After two', 'After three']) {
    await readNames(url, 4); // both workers hold the current answer
    await request(baseUrl).put(`/api/people/${documentId}`).set('Authorization', `Bearer ${token}`).send({ data: { name } }).expect(200);
    const reads = await readNames(url, 6);
    expect(reads.map((read) => read.name)).toEqual(Array(6).fill(name));
  }
});
