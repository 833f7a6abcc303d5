import crypto from 'node:crypto';
import { seed, seededArticle } from '../helpers/seed-fixture';
import { bootStrapi, stopStrapi, type TestApp } from '../helpers/strapi';
import { ResponseStore } from '../../src/performance/response-cache/store';

/**
 * What a cache key holds: the order of keys where Strapi reads it (`sort`), the CORS decision for
 * the Origin rather than the Origin itself, and entries accounted by their headers and key as well
 * as their body.
 */
const run = crypto.randomBytes(3).toString('hex');
let unique = 0;
/** A slug no document has. */
const freshValue = () => `fresh-${run}-${(unique += 1)}`;
/** A filter that excludes nothing but gives the URL an entry of its own: its answer is computed by Strapi, not the cache. */
const freshParam = () => `filters[slug][$ne]=${freshValue()}`;

/** A gauge's value in the Prometheus text; NaN when it is missing (which fails any count compared with it). */
const gauge = (text: string, name: string): number => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);

async function cacheHolds(app: TestApp): Promise<{ entries: number; bytes: number }> {
  const text = (await app.http().get('/metrics').expect(200)).text;
  return { entries: gauge(text, 'news_cms_response_cache_entries'), bytes: gauge(text, 'news_cms_response_cache_bytes') };
}

const withEnv = (name: string, value: string) => {
  const saved = process.env[name];
  return {
    set: () => {
      process.env[name] = value;
    },
    restore: () => {
      if (saved === undefined) delete process.env[name];
      else process.env[name] = saved;
    },
  };
};

describe('with the default CORS policy (`*`)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await bootStrapi();
  });
  afterAll(() => stopStrapi(app));
  const get = (url: string, headers: Record<string, string> = {}) => app.http().get(url).set(headers);

  describe('sort keeps its order in the key', () => {
    const seededPeople = seed.people.map((person, index) => `filters[slug][$in][${index}]=${person.slug}`).join('&');
    const names = (response: { body: { data: Array<{ name: string }> } }) => response.body.data.map((person) => person.name);

    it('sort[a]&sort[b] and sort[b]&sort[a] each get the order Strapi gives them uncached, from entries of their own', async () => {
      const countryFirst = 'sort[country]=asc&sort[name]=desc';
      const nameFirst = 'sort[name]=desc&sort[country]=asc';
      const url = (sort: string, extra = '') => `/api/people?${seededPeople}&fields[0]=name&fields[1]=country&${sort}${extra}`;

      // Strapi's own answers, each computed for a URL of its own.
      const uncachedCountryFirst = await get(url(countryFirst, `&${freshParam()}`)).expect(200);
      const uncachedNameFirst = await get(url(nameFirst, `&${freshParam()}`)).expect(200);
      expect([uncachedCountryFirst.headers['x-cache'], uncachedNameFirst.headers['x-cache']]).toEqual(['MISS', 'MISS']);
      // The two orders really differ on the seed (so the rest tests something).
      expect(names(uncachedCountryFirst)).toHaveLength(seed.people.length);
      expect(names(uncachedNameFirst)).not.toEqual(names(uncachedCountryFirst));

      const first = await get(url(countryFirst)).expect(200);
      const second = await get(url(nameFirst)).expect(200);
      expect(second.headers['x-cache']).toBe('MISS');
      expect(names(first)).toEqual(names(uncachedCountryFirst));
      expect(names(second)).toEqual(names(uncachedNameFirst));

      const again = [await get(url(countryFirst)).expect(200), await get(url(nameFirst)).expect(200)];
      expect(again.map((response) => response.headers['x-cache'])).toEqual(['HIT', 'HIT']);
      expect(again.map(names)).toEqual([names(uncachedCountryFirst), names(uncachedNameFirst)]);

      // Keys whose order does not matter still share the entry.
      const reordered = await get(`/api/people?fields[1]=country&${countryFirst}&fields[0]=name&${seededPeople}`).expect(200);
      expect(reordered.headers['x-cache']).toBe('HIT');
      expect(names(reordered)).toEqual(names(uncachedCountryFirst));
    });

    it('so does sort inside populate', async () => {
      const countryFirst = 'populate[people][sort][country]=asc&populate[people][sort][name]=desc';
      const nameFirst = 'populate[people][sort][name]=desc&populate[people][sort][country]=asc';
      const url = (sort: string, extra = '') =>
        `/api/articles?filters[slug][$eq]=${seededArticle.slug}&fields[0]=title&populate[people][fields][0]=name&populate[people][fields][1]=country&${sort}${extra}`;
      const populated = (response: { body: { data: Array<{ people: Array<{ name: string }> }> } }) => response.body.data[0].people.map((person) => person.name);

      const uncachedCountryFirst = await get(url(countryFirst, `&${freshParam()}`)).expect(200);
      const uncachedNameFirst = await get(url(nameFirst, `&${freshParam()}`)).expect(200);
      expect(populated(uncachedCountryFirst)).toHaveLength(seededArticle.people.length);
      expect(populated(uncachedNameFirst)).not.toEqual(populated(uncachedCountryFirst));

      const first = await get(url(countryFirst)).expect(200);
      const second = await get(url(nameFirst)).expect(200);
      expect(second.headers['x-cache']).toBe('MISS');
      expect([populated(first), populated(second)]).toEqual([populated(uncachedCountryFirst), populated(uncachedNameFirst)]);
      const again = [await get(url(countryFirst)).expect(200), await get(url(nameFirst)).expect(200)];
      expect(again.map((response) => response.headers['x-cache'])).toEqual(['HIT', 'HIT']);
      expect(again.map(populated)).toEqual([populated(uncachedCountryFirst), populated(uncachedNameFirst)]);
    });
  });

  it('every unlisted Origin shares one entry, each answered `Access-Control-Allow-Origin: *`', async () => {
    const url = `/api/articles?fields[0]=title&${freshParam()}`;
    const before = await cacheHolds(app);
    const answers = [];
    for (let index = 0; index < 25; index += 1) answers.push(await get(url, { Origin: `https://site-${index}-${run}.example` }).expect(200));
    expect(answers.map((answer) => answer.headers['x-cache'])).toEqual(['MISS', ...Array(24).fill('HIT')]);
    for (const answer of answers) {
      expect(answer.headers['access-control-allow-origin']).toBe('*');
      expect(answer.headers['access-control-allow-credentials']).toBeUndefined();
      expect(String(answer.headers.vary)).toMatch(/\bOrigin\b/);
      expect(answer.text).toBe(answers[0].text);
    }
    expect((await cacheHolds(app)).entries).toBe(before.entries + 1);
    // No Origin: no CORS headers, so an entry of its own.
    const sameOrigin = await get(url).expect(200);
    expect(sameOrigin.headers['x-cache']).toBe('MISS');
    expect(sameOrigin.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('an entry is accounted its headers and key as well as its body', async () => {
    // A long query value: the key holds it.
    const longValue = `${freshValue()}-${'x'.repeat(1000)}`;
    const url = `/api/articles?fields[0]=title&filters[slug][$ne]=${longValue}`;
    const before = await cacheHolds(app);
    const response = await get(url).expect(200);
    const after = await cacheHolds(app);
    expect(response.headers['x-cache']).toBe('MISS');
    expect(after.entries).toBe(before.entries + 1);
    // The headers the entry keeps: all of the answer's but those that belong to one exchange.
    const perExchange = new Set(['content-length', 'date', 'cache-control', 'x-cache', 'connection', 'keep-alive', 'transfer-encoding']);
    const headerBytes = Object.entries(response.headers)
      .filter(([name]) => !perExchange.has(name))
      .reduce((sum, [name, value]) => sum + name.length + Buffer.byteLength(String(value)), 0);
    expect(after.bytes - before.bytes).toBeGreaterThanOrEqual(Buffer.byteLength(response.text) + headerBytes + longValue.length);
  });
});

describe('with CORS_ORIGINS listing one origin (every other origin is refused)', () => {
  const LISTED = 'https://www.example.com';
  const corsOrigins = withEnv('CORS_ORIGINS', LISTED);
  let app: TestApp;
  beforeAll(async () => {
    corsOrigins.set();
    app = await bootStrapi();
  });
  afterAll(async () => {
    await stopStrapi(app);
    corsOrigins.restore();
  });

  it('refused origins share one entry with requests without Origin, each answered without CORS headers; the listed one gets its own', async () => {
    const url = `/api/people?fields[0]=name&${freshParam()}`;
    const before = await cacheHolds(app);
    const refused = [];
    for (let index = 0; index < 25; index += 1) refused.push(await app.http().get(url).set('Origin', `https://attacker-${index}-${run}.example`).expect(200));
    refused.push(await app.http().get(url).expect(200));
    expect(refused.map((answer) => answer.headers['x-cache'])).toEqual(['MISS', ...Array(25).fill('HIT')]);
    for (const answer of refused) {
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
      expect(answer.headers['access-control-allow-credentials']).toBeUndefined();
      expect(answer.text).toBe(refused[0].text);
    }
    expect((await cacheHolds(app)).entries).toBe(before.entries + 1);

    const listed = [await app.http().get(url).set('Origin', LISTED).expect(200), await app.http().get(url).set('Origin', LISTED).expect(200)];
    expect(listed.map((answer) => answer.headers['x-cache'])).toEqual(['MISS', 'HIT']);
    for (const answer of listed) {
      expect(answer.headers['access-control-allow-origin']).toBe(LISTED);
      expect(answer.headers['access-control-allow-credentials']).toBe('true');
    }
    expect((await cacheHolds(app)).entries).toBe(before.entries + 2);
    // A refused origin after the listed one is still not handed the listed one's headers.
    const refusedAgain = await app.http().get(url).set('Origin', `https://attacker-late-${run}.example`).expect(200);
    expect(refusedAgain.headers['x-cache']).toBe('HIT');
    expect(refusedAgain.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('over GraphQL too', async () => {
    const query = `{ people(filters: { slug: { ne: "${freshValue()}" } }) { name } }`;
    const post = (origin?: string) => {
      const call = app.http().post('/graphql').set('Content-Type', 'application/json');
      return (origin ? call.set('Origin', origin) : call).send({ query }).expect(200);
    };
    const before = await cacheHolds(app);
    const refused = [];
    for (let index = 0; index < 10; index += 1) refused.push(await post(`https://attacker-${index}-${run}.example`));
    expect(refused.map((answer) => answer.headers['x-cache'])).toEqual(['MISS', ...Array(9).fill('HIT')]);
    for (const answer of refused) expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    const listed = await post(LISTED);
    expect(listed.headers['x-cache']).toBe('MISS');
    expect(listed.headers['access-control-allow-origin']).toBe(LISTED);
    expect((await cacheHolds(app)).entries).toBe(before.entries + 2);
  });
});

describe('the store accounts headers and keys', () => {
  const headersOf = (bytes: number): Record<string, string> => ({
    'content-type': 'application/json; charset=utf-8',
    'content-security-policy': 'x'.repeat(bytes),
  });
  const store = (maxBytes: number) => new ResponseStore(maxBytes);
  const answer = (headers: Record<string, string>) => ({ status: 200, body: Buffer.from('{"data":[]}'), headers, etag: '"e"', tags: ['api::article.article'] });

  it("an entry's accounted size counts its body, every header and its key", () => {
    const responses = store(1024 * 1024);
    const key = `public\n\t\t\t\nrest\n/api/articles\n${JSON.stringify({ filters: { title: { $eq: 'é'.repeat(500) } } })}`;
    const headers = headersOf(4000);
    expect(responses.set(key, responses.epoch, answer(headers))).toBe(true);
    const headerBytes = Object.entries(headers).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value), 0);
    expect(responses.bytes).toBeGreaterThanOrEqual(answer(headers).body.length + headerBytes + Buffer.byteLength(key));
    // The entry's own figure, read without touching its recency, is what the bound counts.
    expect(responses.sizeOf(key)).toBe(responses.bytes);
    expect(responses.sizeOf('public\n\t\t\t\nrest\n/api/none\n{}')).toBeUndefined();
  });

  it('the byte bound evicts by that size: answers with small bodies and large headers cannot exceed it', () => {
    const maxBytes = 64 * 1024;
    const responses = store(maxBytes);
    const keys = Array.from({ length: 40 }, (_, index) => `public\n\t\t\t\nrest\n/api/articles\n{"page":${index}}`);
    for (const key of keys) responses.set(key, responses.epoch, answer(headersOf(4000)));
    // 40 answers of about 4 KB each against a 64 KB bound: at most 16 stay, the most recent ones.
    expect(responses.bytes).toBeLessThanOrEqual(maxBytes);
    expect(responses.size).toBeLessThanOrEqual(16);
    expect(responses.size).toBeGreaterThan(0);
    expect(responses.get(keys[0])).toBeUndefined();
    expect(responses.get(keys[keys.length - 1])?.headers['content-security-policy']).toHaveLength(4000);
  });
});
