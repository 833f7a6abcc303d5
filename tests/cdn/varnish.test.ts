import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { anyFreePort } from '../../scripts/embedded-postgres';
import { findVarnishd, INSTALL_HINT, startVarnish } from '../../scripts/cdn-varnish';
import { banPatterns } from '../../src/performance/cdn-purge/ban-pattern';
import { TargetPurger, type PurgeLog } from '../../src/performance/cdn-purge/purger';
import { varnishTarget, VARNISH_REPEAT_AFTER_MS } from '../../src/performance/cdn-purge/targets';
import { fullAccessToken, startServer, stopServer, type Server } from '../helpers/serve';

/**
 * Varnish in front of the CMS, for real: Debian's varnishd (npm test installs it when missing) started by
 * the code behind `npm run cdn:varnish`, with deploy/varnish/default.vcl.
 *
 * 1. The VCL and the CMS's ban patterns, against a backend that tags its answers as told: a ban takes
 *    exactly the tags named, whole, whatever characters they hold; what is kept and what passes.
 * 2. `npm start`'s server behind it, purging it (PURGE_VARNISH_URL) and a webhook (PURGE_WEBHOOK_URL):
 *    hits that never reach the CMS, 304s from Varnish, tokens passing through, writes showing at once,
 *    and a purge that fails without failing the write.
 */

type Varnish = Awaited<ReturnType<typeof startVarnish>>;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request on a connection of its own; `localAddress` picks the address Varnish sees (127.0.0.2: not a purger). */
function send(url: string, options: { method?: string; headers?: Record<string, string>; body?: string; localAddress?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: options.method ?? 'GET', headers: options.headers, localAddress: options.localAddress, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('latin1') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.setTimeout(30_000, () => request.destroy(new Error(`no answer from ${url} within 30 s`)));
    request.end(options.body);
  });
}

/** X-Varnish holds two ids on a hit (this request's and the one that fetched the object), one otherwise. */
const varnishIds = (answer: Answer): number => String(answer.headers['x-varnish'] ?? '').trim().split(/\s+/).filter(Boolean).length;
const isHit = (answer: Answer): boolean => varnishIds(answer) === 2;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(() => {
  if (!findVarnishd()) throw new Error(`varnishd is not installed, and this suite needs it. ${INSTALL_HINT}`);
});

describe('the VCL and the ban patterns, on a backend that tags its answers as told', () => {
  let backend: http.Server;
  let varnish: Varnish;
  let fetched = 0;
  const log: PurgeLog & { errors: string[] } = { errors: [], info: () => undefined, error: (message) => log.errors.push(message) };
  const purgers: TargetPurger[] = [];
  const purgerFor = () => {
    const purger = new TargetPurger(varnishTarget(new URL(varnish.url)), log);
    purgers.push(purger);
    return purger;
  };
  let object = 0;
  /** A fresh object URL tagged with `tags` (Cache-Tag as given), with `cacheControl`. */
  const objectUrl = (tags: string[] | null, cacheControl = 'public, max-age=0, s-maxage=3600, must-revalidate', body: 'string' | 'buffer' = 'string') => {
    const query = new URLSearchParams({ cc: cacheControl, body });
    if (tags) query.set('tags', tags.join(','));
    object += 1;
    return `${varnish.url}/object/${object}?${query.toString()}`;
  };
  /** Fetches `url` until Varnish holds it: a miss, then a hit. */
  const prime = async (url: string) => {
    expect(isHit(await send(url))).toBe(false);
    expect(isHit(await send(url))).toBe(true);
  };

  beforeAll(async () => {
    backend = http.createServer((request, response) => {
      fetched += 1;
      const query = new URL(request.url ?? '/', 'http://backend').searchParams;
      response.setHeader('Cache-Control', query.get('cc') ?? 'public, max-age=0, s-maxage=3600');
      const tags = query.get('tags');
      if (tags !== null) response.setHeader('Cache-Tag', tags);
      response.setHeader('ETag', '"v1"');
      // Node writes a header's non-ASCII characters in UTF-8 when the head goes out with a string body,
      // in Latin-1 otherwise: both spellings reach Varnish from the CMS.
      const body = `fetch ${fetched}`;
      response.end(query.get('body') === 'buffer' ? Buffer.from(body) : body);
    });
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    varnish = await startVarnish({ backendHost: '127.0.0.1', backendPort: (backend.address() as AddressInfo).port, port: await anyFreePort(), listenHost: '127.0.0.1', memoryMb: 32 });
  }, 60_000);

  afterAll(async () => {
    for (const purger of purgers) purger.stop();
    await varnish?.stop();
    await new Promise((resolve) => backend?.close(resolve));
  });

  test('a ban takes exactly the tags named, whole, whatever characters they hold', async () => {
    // Each tag, and tags its unescaped regex would also match (or that hold it), which must stay.
    const cases: Array<{ tag: string; kept: string[] }> = [
      { tag: 'article', kept: ['article:abc123', 'my-article', 'article.slug=x', 'articles'] },
      { tag: 'person:xyz', kept: ['person:xyzw', 'person:xy', 'person'] },
      { tag: 'article.slug=iran-russia', kept: ['articleXslug=iran-russia', 'article.slug=iran-russia-2'] },
      { tag: 'a+b', kept: ['aab', 'aaab'] },
      { tag: 'q?', kept: ['q', 'qq'] },
      { tag: 'x*', kept: ['xxx', 'x'] },
      { tag: '(group)', kept: ['group'] },
      { tag: '[set]', kept: ['s', 'e'] },
      { tag: 'one|two', kept: ['one', 'two'] },
      { tag: '^anchor$', kept: ['anchor'] },
      { tag: 'back\\slash', kept: ['back lash', 'backslash'] },
      { tag: 'brace{2}', kept: ['bracee'] },
      { tag: 'dollar$sign', kept: ['dollar'] },
      { tag: 'sp ace', kept: ['spXace'] },
      { tag: 'quo"te', kept: ['quote', 'quo'] },
      { tag: "apo'strophe", kept: ['apostrophe'] },
      { tag: 'per%cent/slash', kept: ['perXcentXslash'] },
      { tag: 'caf\u00e9', kept: ['cafe', 'caf'] },
    ];
    const named: Array<{ tag: string; url: string }> = [];
    const keptUrls: Array<{ tag: string; url: string }> = [];
    for (const { tag, kept } of cases) {
      // The tag in the middle of a list, with spaces after commas on one side, as some CDNs write it.
      named.push({ tag, url: objectUrl(['first', tag, ' last']) });
      named.push({ tag, url: objectUrl(['first', tag, ' last'], undefined, 'buffer') });
      for (const other of kept) keptUrls.push({ tag: other, url: objectUrl(['first', other, 'last']) });
    }
    for (const { url } of [...named, ...keptUrls]) await prime(url);

    const purger = purgerFor();
    await purger.purge(cases.map(({ tag }) => tag));
    expect(log.errors).toEqual([]);

    const misses = [];
    for (const { tag, url } of named) misses.push({ tag, hit: isHit(await send(url)) });
    expect(misses).toEqual(named.map(({ tag }) => ({ tag, hit: false })));
    const hits = [];
    for (const { tag, url } of keptUrls) hits.push({ tag, hit: isHit(await send(url)) });
    expect(hits).toEqual(keptUrls.map(({ tag }) => ({ tag, hit: true })));
    purger.stop();
  });

  test('many tags travel in several bans, and every one is taken', async () => {
    const tags = Array.from({ length: 700 }, (_, index) => `bulk-tag-${String(index).padStart(4, '0')}-of-many-for-one-write`);
    const patterns = banPatterns(tags);
    expect(Array.isArray(patterns) && patterns.length).toBeGreaterThan(2);
    const chosen = [tags[0], tags[350], tags[699]];
    const urls = chosen.map((tag) => objectUrl(['bulk', tag]));
    const untouched = objectUrl(['bulk', 'bulk-tag-9999-of-many-for-one-write']);
    for (const url of [...urls, untouched]) await prime(url);

    const purger = purgerFor();
    await purger.purge(tags);
    expect(log.errors).toEqual([]);
    for (const url of urls) expect(isHit(await send(url))).toBe(false);
    expect(isHit(await send(untouched))).toBe(true);
    purger.stop();
  });

  test('a ban of everything takes every object, tagged or not by the tags named before', async () => {
    const urls = [objectUrl(['all-a']), objectUrl(['all-b', 'all-c'])];
    for (const url of urls) await prime(url);
    const purger = purgerFor();
    await purger.purge('*');
    // Its repeat would ban the next tests' objects too.
    purger.stop();
    expect(log.errors).toEqual([]);
    for (const url of urls) expect(isHit(await send(url))).toBe(false);
  });

  test('a purged object is banned once more after a moment, catching an answer that was on its way in', async () => {
    const url = objectUrl(['again']);
    const purger = purgerFor();
    await purger.purge(['again']);
    // Stored after the ban: the ban does not apply to it.
    await prime(url);
    await sleep(VARNISH_REPEAT_AFTER_MS + 1_000);
    expect(isHit(await send(url))).toBe(false);
    purger.stop();
  });

  test('bans are taken only from the purgers ACL, and only as escaped tags or everything', async () => {
    const url = objectUrl(['acl-object']);
    await prime(url);
    const fromElsewhere = await send(`${varnish.url}/`, { method: 'BAN', headers: { 'X-Ban-All': 'true' }, localAddress: '127.0.0.2' });
    expect(fromElsewhere.status).toBe(403);
    for (const pattern of ['.*', 'acl-object|', 'acl object', '(acl-object)', 'acl-object\\', '']) {
      const refused = await send(`${varnish.url}/`, { method: 'BAN', headers: { 'X-Ban-Tags': pattern } });
      expect({ pattern, status: refused.status }).toEqual({ pattern, status: 400 });
    }
    expect(isHit(await send(url))).toBe(true);
  });

  test('Cache-Tag reaches the purgers, not other clients', async () => {
    const url = objectUrl(['visible-tag']);
    await prime(url);
    expect((await send(url)).headers['cache-tag']).toBe('visible-tag');
    const elsewhere = await send(url, { localAddress: '127.0.0.2' });
    expect(isHit(elsewhere)).toBe(true);
    expect(elsewhere.headers['cache-tag']).toBeUndefined();
  });

  test('only tagged reads the backend lets shared caches keep are kept; tokens and writes pass', async () => {
    for (const url of [
      objectUrl(null),
      objectUrl(['tagged'], 'public, max-age=0, must-revalidate'),
      objectUrl(['tagged'], 'public, max-age=0, s-maxage=0, must-revalidate'),
      objectUrl(['tagged'], 'private, no-cache'),
      objectUrl(['tagged'], 'no-store'),
    ]) {
      await send(url);
      expect({ url, hit: isHit(await send(url)) }).toEqual({ url, hit: false });
    }
    const kept = objectUrl(['tagged']);
    await prime(kept);
    const withToken = await send(kept, { headers: { Authorization: 'Bearer some-token' } });
    expect(isHit(withToken)).toBe(false);
    const before = fetched;
    const posted = await send(kept, { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } });
    expect(isHit(posted)).toBe(false);
    expect(fetched).toBe(before + 1);
  });

  test('a conditional request on a kept object is answered 304 by Varnish', async () => {
    const url = objectUrl(['conditional']);
    await prime(url);
    const before = fetched;
    const answer = await send(url, { headers: { 'If-None-Match': '"v1"' } });
    expect(answer.status).toBe(304);
    expect(isHit(answer)).toBe(true);
    expect(fetched).toBe(before);
  });
});

describe('Varnish in front of npm start, purged on every write', () => {
  let server: Server;
  let varnish: Varnish;
  let token: string;
  let receiver: http.Server;
  let receiverUrl: string;
  /** The webhook's POSTs, as received; while `failing`, each is answered 503. */
  const hook = { failing: false, received: [] as Array<{ url: string; authorization?: string; contentType?: string; body: unknown; answered: number }> };
  const WEBHOOK_SECRET = `webhook-secret-${Date.now()}`;
  const WEBHOOK_KEY = `key-${Date.now()}`;
  const stamp = Date.now();
  const slug = `varnish-story-${stamp}`;
  const personSlug = `varnish-person-${stamp}`;
  let articleId: string;
  let personId: string;
  const bearer = () => ({ Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' });
  const articleUrl = () => `${varnish.url}/api/articles?filters[slug][$eq]=${slug}&fields[0]=title&populate[people][fields][0]=name`;

  /** The CMS's own metrics (from loopback, directly: through Varnish they are refused). */
  async function cmsMetrics(): Promise<string> {
    const answer = await send(`${server.baseUrl}/metrics`);
    expect(answer.status).toBe(200);
    return answer.body;
  }
  const sumOf = (text: string, name: string, labels: RegExp = /.*/) =>
    text
      .split('\n')
      .filter((line) => line.startsWith(`${name}{`) && labels.test(line))
      .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  /** Requests the CMS has answered, its own /metrics left out. */
  const cmsRequests = async () => sumOf(await cmsMetrics(), 'news_cms_http_requests_total', /^(?!.*route="\/metrics")/);

  /** Waits until no purge is owed and none was sent for longer than a repeat's delay: nothing will ban behind a test's back. */
  async function quiet(timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    let last = -1;
    let since = Date.now();
    for (;;) {
      const text = await cmsMetrics();
      const sent = sumOf(text, 'news_cms_cdn_purges_total');
      const owed = sumOf(text, 'news_cms_cdn_purge_owed');
      if (sent !== last) {
        last = sent;
        since = Date.now();
      } else if (owed === 0 && Date.now() - since > VARNISH_REPEAT_AFTER_MS + 500) {
        return;
      }
      if (Date.now() > deadline) throw new Error(`the CDN purges did not settle within ${timeoutMs} ms (owed: ${owed})\n${server.output.join('').slice(-2000)}`);
      await sleep(250);
    }
  }

  beforeAll(async () => {
    receiver = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const answered = hook.failing ? 503 : 200;
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          body = Buffer.concat(chunks).toString('utf8');
        }
        hook.received.push({ url: request.url ?? '', authorization: request.headers.authorization, contentType: request.headers['content-type'], body, answered });
        response.writeHead(answered, { 'Content-Type': 'application/json' });
        response.end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

    const varnishPort = await anyFreePort();
    server = await startServer(process.env.DATABASE_URL as string, 1, {
      PURGE_VARNISH_URL: `http://127.0.0.1:${varnishPort}`,
      PURGE_WEBHOOK_URL: `${receiverUrl}/purge?key=${WEBHOOK_KEY}`,
      PURGE_WEBHOOK_AUTHORIZATION: `Bearer ${WEBHOOK_SECRET}`,
    });
    varnish = await startVarnish({ backendHost: '127.0.0.1', backendPort: Number(new URL(server.baseUrl).port), port: varnishPort, listenHost: '127.0.0.1', memoryMb: 64 });

    token = await fullAccessToken(server.baseUrl);
    const person = await send(`${server.baseUrl}/api/people`, {
      method: 'POST',
      headers: bearer(),
      body: JSON.stringify({ data: { name: 'Varnish Person', slug: personSlug, role: 'Spokesperson' } }),
    });
    expect(person.status).toBe(201);
    personId = JSON.parse(person.body).data.documentId;
    const article = await send(`${server.baseUrl}/api/articles`, {
      method: 'POST',
      headers: bearer(),
      body: JSON.stringify({
        data: {
          title: 'Cached at the edge',
          slug,
          publishedDate: '2026-12-05',
          body: [{ type: 'paragraph', children: [{ type: 'text', text: 'Served by Varnish.' }] }],
          people: { connect: [personId] },
        },
      }),
    });
    expect(article.status).toBe(201);
    articleId = JSON.parse(article.body).data.documentId;
    await quiet();
  }, 240_000);

  afterAll(async () => {
    if (token && server) {
      if (articleId) await send(`${server.baseUrl}/api/articles/${articleId}`, { method: 'DELETE', headers: bearer() });
      if (personId) await send(`${server.baseUrl}/api/people/${personId}`, { method: 'DELETE', headers: bearer() });
    }
    await stopServer(server);
    await varnish?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
  }, 60_000);

  test('a public read is answered by Varnish the second time, without reaching the CMS', async () => {
    const first = await send(articleUrl());
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body).data.map((entry: { title: string }) => entry.title)).toEqual(['Cached at the edge']);
    expect(varnishIds(first)).toBe(1);
    expect(first.headers['cache-control']).toBe('public, max-age=0, s-maxage=86400, must-revalidate');
    // A list filtered by slug, the article, its populated people, and the person (src/performance/response-cache/tags.ts).
    expect(String(first.headers['cache-tag']).split(',').sort()).toEqual(
      [`article.slug=${slug}`, `article:${articleId}`, `article:${articleId}>people`, `person:${personId}`].sort(),
    );

    const before = await cmsRequests();
    const second = await send(articleUrl());
    expect(second.status).toBe(200);
    expect(isHit(second)).toBe(true);
    expect(second.body).toBe(first.body);
    expect(await cmsRequests()).toBe(before);
  });

  test('a conditional request for a kept answer is answered 304 by Varnish', async () => {
    const kept = await send(articleUrl());
    expect(isHit(kept)).toBe(true);
    const before = await cmsRequests();
    const conditional = await send(articleUrl(), { headers: { 'If-None-Match': String(kept.headers.etag) } });
    expect(conditional.status).toBe(304);
    expect(isHit(conditional)).toBe(true);
    expect(await cmsRequests()).toBe(before);
  });

  test('token reads and GraphQL POSTs pass through Varnish, never kept', async () => {
    const before = await cmsRequests();
    for (let i = 0; i < 2; i++) {
      const withToken = await send(articleUrl(), { headers: { Authorization: `Bearer ${token}` } });
      expect(withToken.status).toBe(200);
      expect(varnishIds(withToken)).toBe(1);
      expect(withToken.headers['cache-control']).toBe('private, no-cache');
      const graphql = await send(`${varnish.url}/graphql`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ query: `{ articles(filters: { slug: { eq: "${slug}" } }) { title } }` }),
      });
      expect(graphql.status).toBe(200);
      expect(JSON.parse(graphql.body).data.articles).toEqual([{ title: 'Cached at the edge' }]);
      expect(varnishIds(graphql)).toBe(1);
    }
    expect(await cmsRequests()).toBe(before + 4);
  });

  test("the CMS's loopback-only metrics are not served through Varnish", async () => {
    expect((await send(`${varnish.url}/metrics`)).status).toBe(403);
  });

  test('after a write through the CMS, the next read through Varnish shows it; the webhook gets the tags', async () => {
    expect(isHit(await send(articleUrl()))).toBe(true);
    hook.received.length = 0;

    const retitled = await send(`${varnish.url}/api/articles/${articleId}?status=published`, {
      method: 'PUT',
      headers: bearer(),
      body: JSON.stringify({ data: { title: 'Retitled at the desk' } }),
    });
    expect(retitled.status).toBe(200);
    const afterTitle = await send(articleUrl());
    expect(JSON.parse(afterTitle.body).data[0].title).toBe('Retitled at the desk');
    expect(isHit(afterTitle)).toBe(false);
    expect(isHit(await send(articleUrl()))).toBe(true);

    const renamed = await send(`${varnish.url}/api/people/${personId}`, {
      method: 'PUT',
      headers: bearer(),
      body: JSON.stringify({ data: { name: 'Renamed Person' } }),
    });
    expect(renamed.status).toBe(200);
    const afterRename = await send(articleUrl());
    expect(JSON.parse(afterRename.body).data[0].people.map((person: { name: string }) => person.name)).toEqual(['Renamed Person']);

    const tagged = hook.received.filter((entry) => Array.isArray((entry.body as { tags?: unknown }).tags));
    expect(tagged.length).toBeGreaterThan(0);
    const tags = new Set(tagged.flatMap((entry) => (entry.body as { tags: string[] }).tags));
    expect([...tags]).toEqual(expect.arrayContaining(['article', 'person']));
    for (const entry of hook.received) {
      expect(entry).toMatchObject({ url: `/purge?key=${WEBHOOK_KEY}`, authorization: `Bearer ${WEBHOOK_SECRET}`, contentType: 'application/json', answered: 200 });
    }
    await quiet();
  });

  test('an answer the CMS read across a write is not kept by Varnish: it may predate the ban', async () => {
    await quiet();
    const event = await send(`${server.baseUrl}/api/events`, {
      method: 'POST',
      headers: bearer(),
      body: JSON.stringify({ data: { title: 'Varnish event', slug: `varnish-event-${stamp}`, startDate: '2026-12-01', articles: { connect: [articleId] } } }),
    });
    expect(event.status).toBe(201);
    const eventId = JSON.parse(event.body).data.documentId as string;
    const url = `${varnish.url}/api/articles?filters[slug][$eq]=${slug}&fields[0]=title&populate[people][fields][0]=name&populate[events][fields][0]=title&pagination[pageSize]=7`;
    const locker = new Client({ connectionString: process.env.DATABASE_URL });
    await locker.connect();
    let across: Answer;
    try {
      // The read waits on the articles–people link table, inside the CMS, while a write to the article's event
      // (which needs neither that table nor the articles) is made and acknowledged; the read then populates the events.
      const linkTable = await locker.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE 'articles\\_people\\_%lnk'",
      );
      expect(linkTable.rows).toHaveLength(1);
      await locker.query('BEGIN');
      await locker.query(`LOCK TABLE "${linkTable.rows[0].table_name}" IN ACCESS EXCLUSIVE MODE`);
      const reading = send(url);
      await sleep(500);
      const renamed = await send(`${server.baseUrl}/api/events/${eventId}`, {
        method: 'PUT',
        headers: bearer(),
        body: JSON.stringify({ data: { title: 'Renamed while a read waited' } }),
      });
      expect(renamed.status).toBe(200);
      await locker.query('COMMIT');
      across = await reading;
    } finally {
      await locker.end();
    }
    expect(across.status).toBe(200);
    expect(across.headers['cache-control']).toBe('public, max-age=0, must-revalidate, s-maxage=0');
    expect(isHit(await send(url))).toBe(false);
    // The next answer, read with nothing written meanwhile, is kept as usual.
    expect(isHit(await send(url))).toBe(true);
    await send(`${server.baseUrl}/api/events/${eventId}`, { method: 'DELETE', headers: bearer() });
    await quiet();
  });

  test('a purge that fails does not fail the write: it is logged and counted, and everything is banned once the CDN answers', async () => {
    const failedBefore = sumOf(await cmsMetrics(), 'news_cms_cdn_purges_total', /target="webhook",result="failed"|result="failed",target="webhook"/);
    hook.received.length = 0;
    hook.failing = true;
    try {
      const write = await send(`${server.baseUrl}/api/articles/${articleId}?status=published`, {
        method: 'PUT',
        headers: bearer(),
        body: JSON.stringify({ data: { title: 'Written while the CDN was down' } }),
      });
      expect(write.status).toBe(200);
      // Varnish was purged all the same.
      expect(JSON.parse((await send(articleUrl())).body).data[0].title).toBe('Written while the CDN was down');
      // The write's purge and its retries were all refused before the write was answered.
      expect(hook.received.filter((entry) => entry.answered === 503).length).toBeGreaterThanOrEqual(3);
      const metrics = await cmsMetrics();
      expect(sumOf(metrics, 'news_cms_cdn_purges_total', /target="webhook",result="failed"|result="failed",target="webhook"/)).toBeGreaterThan(failedBefore);
      expect(sumOf(metrics, 'news_cms_cdn_purge_owed', /target="webhook"/)).toBe(1);
      // Logged before the write was answered; the log travels on its own pipe.
      const logLine = `CDN purge: webhook at ${receiverUrl} did not take the purge of`;
      const logDeadline = Date.now() + 5_000;
      while (!server.output.join('').includes(logLine) && Date.now() < logDeadline) await sleep(100);
      const logged = server.output.join('');
      expect(logged).toContain(logLine);
      expect(logged).not.toContain(WEBHOOK_SECRET);
      expect(logged).not.toContain(WEBHOOK_KEY);
    } finally {
      hook.failing = false;
    }
    const deadline = Date.now() + 30_000;
    while (!hook.received.some((entry) => entry.answered === 200 && (entry.body as { all?: unknown }).all === true)) {
      if (Date.now() > deadline) throw new Error(`no ban of everything reached the webhook: ${JSON.stringify(hook.received)}`);
      await sleep(200);
    }
    await quiet();
    expect(sumOf(await cmsMetrics(), 'news_cms_cdn_purge_owed', /target="webhook"/)).toBe(0);
  });
});
