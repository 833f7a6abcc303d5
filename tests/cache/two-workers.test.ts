import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import { anyFreePort } from '../../scripts/embedded-postgres';
import { APP_ROOT } from '../helpers/paths';

/**
 * `npm start` serves from several worker processes, each with its own response
 * cache. A read one worker computed is handed to the other (peer-answers.ts),
 * and a write answered by one worker must be seen at once by a read on any
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

/** The whole server's count of answers a worker took from another (summed over the workers by /metrics). */
async function peerAnswersStored(): Promise<number> {
  const metrics = await request(baseUrl).get('/metrics').expect(200);
  const line = /^news_cms_response_cache_peer_answers_total\{result="stored"\} (\d+)/m.exec(metrics.text);
  return line ? Number(line[1]) : 0;
}

it('computes a missed read once for both workers: the other takes the answer and serves it as a hit', async () => {
  const storedBefore = await peerAnswersStored();
  const [first] = await readNames(url, 1);
  expect(first).toEqual({ name: 'Before', cache: 'MISS' });
  // The answer reaches the other worker through the primary: wait until it is stored there.
  const deadline = Date.now() + 10_000;
  while ((await peerAnswersStored()) === storedBefore && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(await peerAnswersStored()).toBe(storedBefore + 1);
  // Both workers answer the next reads (connections alternate between them), every one a hit.
  const reads = await readNames(url, 8);
  expect(reads).toEqual(Array(8).fill({ name: 'Before', cache: 'HIT' }));
});

it('hands over answers that a write made stale to no worker', async () => {
  await request(baseUrl).put(`/api/people/${documentId}`).set('Authorization', `Bearer ${token}`).send({ data: { name: 'Before, again' } }).expect(200);
  const reads = await readNames(url, 8);
  expect(reads.map((read) => read.name)).toEqual(Array(8).fill('Before, again'));
});

it('a write on one worker is seen by reads on every worker at once', async () => {
  for (const name of ['After one', 'After two', 'After three']) {
    await readNames(url, 4); // both workers hold the current answer
    await request(baseUrl).put(`/api/people/${documentId}`).set('Authorization', `Bearer ${token}`).send({ data: { name } }).expect(200);
    const reads = await readNames(url, 6);
    expect(reads.map((read) => read.name)).toEqual(Array(6).fill(name));
  }
});
