import request from 'supertest';
import { startOwnDatabase, type OwnDatabase } from '../helpers/own-database';
import { startNotificationDroppingProxy } from '../helpers/notification-dropping-proxy';
import { seededArticle } from '../helpers/seed-fixture';
import { fullAccessToken, startServer, stopServer, workerPids, type Server } from '../helpers/serve';

/**
 * The response cache stays exact when the invalidation channel fails under one
 * worker: `npm start` (scripts/serve.js) with 2 workers on a database of the
 * suite's own, whose server processes the suite may pause. After a write is
 * answered, no read on any worker shows what the write replaced, whether the
 * server process behind one worker's LISTEN connection is paused, one worker
 * itself is stopped, or its LISTEN connection is killed. A pooler that cannot
 * deliver notifications is refused at start.
 */
let db: OwnDatabase;
const stamp = Date.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  db = await startOwnDatabase('news_cms_cache_fencing');
}, 60_000);

afterAll(async () => {
  await db?.remove();
}, 60_000);

/** The PostgreSQL server process behind a worker's LISTEN connection, found by the name the cache gives it. */
async function listenerBackendOf(workerPid: number): Promise<number | undefined> {
  const rows = await db.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [`news_cms_cache_listener pid=${workerPid}`]);
  return rows[0]?.pid;
}

/**
 * Writes the seeded article's title (updated and published, with a token) and
 * reads it back as the public does, on a fresh connection each time, so both
 * workers answer. A read is stale when it shows a title older than the last one
 * whose write had been answered when the read was sent.
 */
class TitleLedger {
  private readonly titles: string[];
  private acknowledged = 0;
  /** Stale reads and reads counted since the last `restart()`. */
  stale: string[] = [];
  reads = 0;

  constructor(
    private readonly server: Server,
    private readonly token: string,
    private readonly documentId: string,
    initialTitle: string,
  ) {
    this.titles = [initialTitle];
  }

  restart(): void {
    this.stale = [];
    this.reads = 0;
  }

  async write(title: string): Promise<void> {
    this.titles.push(title);
    const response = await request(this.server.baseUrl)
      .put(`/api/articles/${this.documentId}`)
      .query({ status: 'published' })
      .set('Authorization', `Bearer ${this.token}`)
      .set('Connection', 'close')
      .timeout(60_000)
      .send({ data: { title } });
    expect({ title, status: response.status }).toEqual({ title, status: 200 });
    this.acknowledged = Math.max(this.acknowledged, this.titles.indexOf(title));
  }

  async read(): Promise<string | undefined> {
    const floor = this.acknowledged;
    const response = await request(this.server.baseUrl)
      .get('/api/articles')
      .query({ 'filters[slug][$eq]': seededArticle.slug, 'fields[0]': 'title' })
      .set('Connection', 'close')
      .timeout(60_000)
      .expect(200);
    this.reads += 1;
    const title = response.body.data[0]?.title as string;
    if (this.titles.indexOf(title) < floor) {
      this.stale.push(`read sent after "${this.titles[floor]}" was answered showed "${title}" (X-Cache: ${response.headers['x-cache']})`);
    }
    return response.headers['x-cache'] as string | undefined;
  }

  async readMany(count: number): Promise<Array<string | undefined>> {
    const caches = [];
    for (let index = 0; index < count; index += 1) caches.push(await this.read());
    return caches;
  }

  /** Writes `title`, then reads it `reads` times. */
  async round(title: string, reads = 20): Promise<void> {
    await this.write(title);
    await this.readMany(reads);
  }
}

describe('with 2 workers', () => {
  let server: Server;
  let ledger: TitleLedger;

  beforeAll(async () => {
    server = await startServer(db.url, 2);
    const token = await fullAccessToken(server.baseUrl);
    const found = await request(server.baseUrl)
      .get('/api/articles')
      .query({ 'filters[slug][$eq]': seededArticle.slug, 'fields[0]': 'title' })
      .expect(200);
    const [article] = found.body.data as Array<{ documentId: string; title: string }>;
    ledger = new TitleLedger(server, token, article.documentId, article.title);
  }, 180_000);

  afterAll(() => stopServer(server), 60_000);

  beforeEach(() => ledger?.restart());

  afterEach(() => {
    expect(workerPids(server)).toHaveLength(2);
  });

  it('both workers serve hits while the channel is healthy', async () => {
    await ledger.round(`Fencing ${stamp} healthy`, 4);
    // Each worker has missed once by now: every further read, on either worker, is a hit.
    expect(await ledger.readMany(8)).toEqual(Array(8).fill('HIT'));
    expect(ledger.stale).toEqual([]);
  });

  it('the server process behind one worker\'s LISTEN connection paused: no read after an answered write shows an older title', async () => {
    const [victim] = workerPids(server);
    const backend = await listenerBackendOf(victim);
    expect(backend).toEqual(expect.any(Number));
    await ledger.readMany(4);
    process.kill(backend as number, 'SIGSTOP');
    try {
      for (let write = 1; write <= 9; write += 1) await ledger.round(`Fencing ${stamp} paused listener ${write}`);
    } finally {
      process.kill(backend as number, 'SIGCONT');
    }
    expect(ledger.reads).toBeGreaterThanOrEqual(180);
    expect(ledger.stale).toEqual([]);
  }, 180_000);

  it('one worker stopped for 5 s while writes go on: no stale read on either worker after SIGCONT', async () => {
    const [victim] = workerPids(server);
    await ledger.readMany(4);
    const reads: Array<Promise<unknown>> = [];
    process.kill(victim, 'SIGSTOP');
    const stoppedUntil = Date.now() + 5_000;
    // On a timer of its own: a write handed to the stopped worker waits until it wakes.
    const resumed = sleep(5_000).then(() => process.kill(victim, 'SIGCONT'));
    try {
      // Writes go on through the other worker; a connection handed to the stopped one waits for it,
      // and is answered when it wakes, before or after it has read what it missed.
      let write = 0;
      while (Date.now() < stoppedUntil) {
        await ledger.write(`Fencing ${stamp} stopped worker ${(write += 1)}`);
        const batch = Array.from({ length: 4 }, () => ledger.read());
        reads.push(...batch);
        await Promise.race([Promise.all(batch), sleep(500)]);
      }
    } finally {
      await resumed;
    }
    await Promise.all(reads);
    await ledger.readMany(40);
    for (let write = 1; write <= 3; write += 1) await ledger.round(`Fencing ${stamp} after the stop ${write}`);
    expect(ledger.stale).toEqual([]);
  }, 180_000);

  it('while a write waits for a worker whose LISTEN connection is paused, reads on either worker are answered without waiting for it', async () => {
    const [victim] = workerPids(server);
    const backend = await listenerBackendOf(victim);
    expect(backend).toEqual(expect.any(Number));
    await ledger.readMany(4);
    process.kill(backend as number, 'SIGSTOP');
    const answered: string[] = [];
    try {
      // The write cannot hear that worker confirm: it is answered only once that worker's fence bound has passed.
      const write = ledger.write(`Fencing ${stamp} reads beside a waiting write`).then(() => answered.push('write'));
      await sleep(300);
      // Misses (each its own filter), on fresh connections, so both workers answer some, the writing one included.
      const reads = Array.from({ length: 8 }, (_, index) =>
        request(server.baseUrl)
          .get('/api/people')
          .query({ 'filters[slug][$ne]': `beside-a-waiting-write-${stamp}-${index}`, 'fields[0]': 'name' })
          .set('Connection', 'close')
          .timeout(60_000)
          .expect(200)
          .then(() => answered.push(`read ${index}`)),
      );
      await Promise.all([write, ...reads]);
    } finally {
      process.kill(backend as number, 'SIGCONT');
    }
    expect(answered.indexOf('write')).toBe(answered.length - 1);
    await ledger.readMany(10);
    expect(ledger.stale).toEqual([]);
  }, 120_000);

  it('pg_terminate_backend of one worker\'s LISTEN connection: no stale read, and the worker serves hits again', async () => {
    const [victim] = workerPids(server);
    const backend = await listenerBackendOf(victim);
    expect(backend).toEqual(expect.any(Number));
    await ledger.readMany(4);
    const [terminated] = await db.query<{ terminated: boolean }>('SELECT pg_terminate_backend($1) AS terminated', [backend]);
    expect(terminated.terminated).toBe(true);
    for (let write = 1; write <= 4; write += 1) await ledger.round(`Fencing ${stamp} terminated listener ${write}`);
    expect(ledger.stale).toEqual([]);

    // The worker listens again on a new connection and, once its heartbeat comes back, serves hits.
    const deadline = Date.now() + 30_000;
    let caches: Array<string | undefined> = [];
    for (;;) {
      const listener = await listenerBackendOf(victim);
      caches = await ledger.readMany(10);
      if (listener !== undefined && listener !== backend && caches.every((cache) => cache === 'HIT')) break;
      if (Date.now() > deadline) throw new Error(`the worker did not serve hits again (last reads: ${caches.join(', ')}):\n${server.output.join('').slice(-3000)}`);
      await sleep(500);
    }
    expect(ledger.stale).toEqual([]);
    const metrics = await request(server.baseUrl).get('/metrics').expect(200);
    expect(Number(/news_cms_response_cache_fences_total (\d+)/.exec(metrics.text)?.[1])).toBeGreaterThanOrEqual(1);
    expect(server.output.join('')).toMatch(/response cache: fenced \(pid \d+\)/);
  }, 120_000);
});

/** Starts one server process and, if it comes up, stops it again: the message it failed with, or 'started'. */
async function startOutcome(databaseUrl: string, env: Record<string, string> = {}): Promise<string> {
  return startServer(databaseUrl, 1, env).then(
    async (server) => {
      await stopServer(server);
      return 'started';
    },
    (error: Error) => error.message,
  );
}

describe('at start', () => {
  it('refuses a connection that cannot LISTEN (transaction pooling) with a message naming the cause', async () => {
    const proxy = await startNotificationDroppingProxy(db.url);
    try {
      const outcome = await startOutcome(proxy.url);
      expect(outcome).toMatch(/the invalidation channel does not deliver notifications/);
      expect(outcome).toMatch(/pooler in transaction or statement mode/);
      expect(proxy.dropped()).toBeGreaterThan(0);

      // The same proxy carries every query faithfully: with the cache off the server starts and answers.
      const uncached = await startServer(proxy.url, 1, { RESPONSE_CACHE: 'false' });
      try {
        const response = await request(uncached.baseUrl).get('/api/articles').query({ 'fields[0]': 'title' }).expect(200);
        expect(response.body.data.length).toBeGreaterThan(0);
        expect(response.headers['x-cache']).toBeUndefined();
      } finally {
        await stopServer(uncached);
      }
    } finally {
      await proxy.close();
    }
  }, 120_000);

  it('refuses a fence bound too short to tell a slow heartbeat from a lost one', async () => {
    expect(await startOutcome(db.url, { RESPONSE_CACHE_FENCE_MS: '100' })).toMatch(/RESPONSE_CACHE_FENCE_MS must be between 1000 and 30000 milliseconds, not 100/);
  }, 120_000);
});
