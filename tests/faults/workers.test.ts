import http from 'node:http';
import { Client } from 'pg';
import request from 'supertest';
import { startOwnDatabase, type OwnDatabase } from '../helpers/own-database';
import { fullAccessToken, startServer as startServerOn, stopServer, workerPids, type Server } from '../helpers/serve';

/**
 * `npm start` (scripts/serve.js) on a database of the suite's own: a request
 * never kills a worker, the primary keeps serving while a worker keeps dying,
 * and SIGTERM lets the requests in flight finish, with 2 workers and with one
 * process.
 */
let db: OwnDatabase;

const waitFor = async (condition: () => boolean, timeoutMs: number, what: string, server: Server) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${server.output.join('').slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

const startServer = (workers: number) => startServerOn(db.url, workers);

beforeAll(async () => {
  db = await startOwnDatabase('news_cms_workers');
}, 60_000);

afterAll(async () => {
  await db?.remove();
}, 60_000);

/** Sends `count` reads of `/api/articles` that wait on a held lock, SIGTERMs the server, releases the lock. */
async function drainWithRequestsInFlight(server: Server, token: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  // An idle keep-alive connection, open when the stop begins: it must be closed, not reset.
  const idle = await new Promise<{ closed: Promise<string> }>((resolve, reject) => {
    const call = http.get(`${server.baseUrl}/_health`, { agent }, (response) => {
      response.resume();
      response.on('end', () => {
        const socket = call.socket;
        resolve({ closed: new Promise((done) => { socket?.once('error', (error) => done(`error ${String(error)}`)); socket?.once('close', () => done('closed')); }) });
      });
    });
    call.on('error', reject);
  });

  const locker = new Client({ connectionString: db.url });
  await locker.connect();
  await locker.query('BEGIN');
  await locker.query('LOCK TABLE articles IN ACCESS EXCLUSIVE MODE');
  const inFlight = Array.from({ length: 6 }, (_, index) =>
    request(server.baseUrl)
      .get(`/api/articles?filters[slug][$ne]=drain-${Date.now()}-${index}&fields[0]=title`)
      .set('Authorization', `Bearer ${token}`)
      .timeout(30_000)
      .then(
        (response) => ({ status: response.status, titles: (response.body.data ?? []).length as number }),
        (error: Error) => ({ status: 0, titles: 0, error: error.message }),
      ),
  );
  await new Promise((resolve) => setTimeout(resolve, 700));
  process.kill(-(server.process.pid as number), 'SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  await locker.query('ROLLBACK');
  await locker.end();

  const answers = await Promise.all(inFlight);
  expect(answers).toEqual(Array(6).fill({ status: 200, titles: expect.any(Number) }));
  expect(answers.every((answer) => answer.titles > 0)).toBe(true);
  expect(await idle.closed).toBe('closed');
  agent.destroy();
  expect(await server.exited).toBe(0);
  expect(server.output.join('')).toMatch(/SIGTERM: draining/);
}

describe('with 2 workers', () => {
  let server: Server;
  let token: string;

  beforeAll(async () => {
    server = await startServer(2);
    token = await fullAccessToken(server.baseUrl);
  }, 180_000);

  afterAll(() => stopServer(server), 60_000);

  const badEventBodies: Array<[string, Record<string, unknown>]> = [
    ['an operator inside participants.connect', { title: 'x', slug: 'x', startDate: '2022-01-01', datePrecision: 'day', participants: { connect: [{ $eq: 1 }] } }],
    ['a documentId operator in participants.set', { title: 'x', slug: 'x-set', startDate: '2022-01-01', datePrecision: 'day', participants: { set: [{ documentId: { $ne: 'x' } }] } }],
    ['an end before the start', { title: 'x', slug: 'x-end', startDate: '2022-01-10', endDate: '2022-01-01', datePrecision: 'day' }],
    ['an end before the start and a bad connect', { title: 'x', slug: 'x-both', startDate: '2022-01-10', endDate: '2022-01-01', datePrecision: 'day', participants: { connect: [{ $eq: 1 }] } }],
    ['an unknown datePrecision', { title: 'x', slug: 'x-prec', startDate: '2022-01-01', datePrecision: 'fortnight' }],
    ['an unknown datePrecision and an end before the start', { title: 'x', slug: 'x-prec-end', startDate: '2022-01-10', endDate: '2022-01-01', datePrecision: 'fortnight' }],
  ];

  it.each(badEventBodies)('a token POST /api/events with %s is answered, and no worker dies', async (_label, data) => {
    const before = workerPids(server).sort();
    expect(before).toHaveLength(2);
    // Several times: the workers take connections in turn, so each gets it.
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const response = await request(server.baseUrl).post('/api/events').set('Authorization', `Bearer ${token}`).set('Connection', 'close').send({ data });
      expect(response.status).toBeGreaterThanOrEqual(200);
      expect(response.body === null || typeof response.body === 'object').toBe(true);
    }
    // A rejection nobody awaited would surface a moment later.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(workerPids(server).sort()).toEqual(before);
    expect(server.output.join('')).not.toMatch(/worker \d+ stopped/);
    for (let read = 0; read < 4; read += 1) {
      await request(server.baseUrl).get('/api/events?fields[0]=title').set('Connection', 'close').expect(200);
    }
  });

  it('/metrics answers for both workers together', async () => {
    for (let read = 0; read < 6; read += 1) await request(server.baseUrl).get('/api/people?fields[0]=name').set('Connection', 'close').expect(200);
    const metrics = await request(server.baseUrl).get('/metrics').expect(200);
    // The pool gauges of two workers, summed: twice the per-process maximum.
    expect(metrics.text).toMatch(/news_cms_database_pool_connections\{state="max"\} 20/);
    const count = Number(/news_cms_http_requests_total\{method="GET",route="\/api\/people",status="200"\} (\d+)/.exec(metrics.text)?.[1]);
    expect(count).toBeGreaterThanOrEqual(6);
  });

  it('the primary keeps serving while a worker keeps dying, restarting it with a growing pause', async () => {
    const [survivor] = workerPids(server);
    const delays: number[] = [];
    for (let death = 1; death <= 6; death += 1) {
      let victim = 0;
      await waitFor(() => (victim = workerPids(server).find((pid) => pid !== survivor) ?? 0) > 0, 40_000, `a worker to kill (death ${death})`, server);
      process.kill(victim, 'SIGKILL');
      await waitFor(() => new RegExp(`worker ${victim} stopped \\(SIGKILL\\); starting another in (\\d+) ms`).test(server.output.join('')), 10_000, `the primary to report death ${death}`, server);
      delays.push(Number(new RegExp(`worker ${victim} stopped \\(SIGKILL\\); starting another in (\\d+) ms`).exec(server.output.join(''))?.[1]));
      // The other worker serves all along.
      await request(server.baseUrl).get('/api/people?fields[0]=name').set('Connection', 'close').expect(200);
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000]);
    expect(server.process.exitCode).toBeNull();
    expect(workerPids(server)).toContain(survivor);
  }, 120_000);

  it('SIGTERM lets every request in flight finish with a complete answer, then exits', async () => {
    await drainWithRequestsInFlight(server, token);
  }, 60_000);
});

describe('in one process', () => {
  let server: Server;
  let token: string;

  beforeAll(async () => {
    server = await startServer(1);
    token = await fullAccessToken(server.baseUrl);
  }, 180_000);

  afterAll(() => stopServer(server), 60_000);

  it('SIGTERM lets every request in flight finish with a complete answer, then exits', async () => {
    await drainWithRequestsInFlight(server, token);
  }, 60_000);
});
