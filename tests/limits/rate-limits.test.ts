import path from 'node:path';
import crypto from 'node:crypto';
import { clientAddress, normalizeAddress } from '../../src/platform/proxy';
import { parseBudget } from '../../src/limits/rate-limits/budgets';
import { graphqlAuthBudgets } from '../../src/limits/rate-limits/graphql-auth';
import { asAnswer, assertSafeAnswer } from '../helpers/hostile';
import { DIST_DIR } from '../helpers/paths';
import { createApiToken, useStrapi } from '../helpers/strapi';

/**
 * Each budget refuses with 429, Retry-After and a JSON error naming it once spent; API tokens have
 * budgets of their own; PROXY_HOPS decides which X-Forwarded-For entry is the client; cache hits
 * spend nothing. Every request comes from its own made-up address (PROXY_HOPS=1), so budgets spent
 * by one test or an earlier run never reach another.
 */
const BUDGETS: Record<string, string> = {
  PROXY_HOPS: '1',
  RATE_LIMIT_LOGIN: '3/1m',
  RATE_LIMIT_LOGIN_IDENTIFIER: '4/1m',
  RATE_LIMIT_REGISTER: '2/1m',
  RATE_LIMIT_FORGOT_PASSWORD: '2/1m',
  RATE_LIMIT_FORGOT_PASSWORD_EMAIL: '3/1m',
  RATE_LIMIT_RESET_PASSWORD: '2/1m',
  RATE_LIMIT_ADMIN_LOGIN: '3/1m',
  RATE_LIMIT_ADMIN_LOGIN_IDENTIFIER: '4/1m',
  RATE_LIMIT_PUBLIC: '8/1m',
  RATE_LIMIT_TOKEN: '12/1m',
};
const saved = Object.fromEntries(Object.keys(BUDGETS).map((name) => [name, process.env[name]]));
Object.assign(process.env, BUDGETS);
afterAll(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});
const suite = useStrapi();

const run = crypto.randomBytes(2).readUInt16BE(0);
let counter = 0;
/** A fresh client address for each call (documentation range 198.18.0.0/15 style, unique per run). */
const freshAddress = () => {
  counter += 1;
  return `10.${run % 256}.${Math.floor(counter / 256) % 256}.${counter % 256}`;
};
const uniq = () => crypto.randomBytes(4).toString('hex');

type Call = (address: string) => Promise<{ status: number; text: string; headers: Record<string, string | string[] | undefined>; body: any }>;

const post = (url: string, body: object | (() => object), headers: Record<string, string> = {}): Call => (address) => {
  let call = suite.app.http().post(url).set('X-Forwarded-For', `203.0.113.99, ${address}`);
  for (const [name, value] of Object.entries(headers)) call = call.set(name, value);
  return call.send(typeof body === 'function' ? body() : body);
};
const get = (url: () => string, headers: Record<string, string> = {}): Call => (address) => {
  let call = suite.app.http().get(url()).set('X-Forwarded-For', address);
  for (const [name, value] of Object.entries(headers)) call = call.set(name, value);
  return call;
};

function expectRefusal(response: Awaited<ReturnType<Call>>, budget: string, limit: number) {
  assertSafeAnswer(`refused by ${budget}`, asAnswer(response), { isPublic: true });
  expect(response.status).toBe(429);
  const retryAfter = Number(response.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(response.body.error.name).toBe('RateLimitError');
  expect(response.body.error.message).toContain(`"${budget}" budget allows ${limit} per 1 minute`);
  expect(response.body.error.details).toEqual({ budget, limit, windowSeconds: 60, retryAfterSeconds: retryAfter });
}

/** Spends `spend` requests (none refused), then expects the next one refused by `budget` (of `limit`). */
async function spendThenRefuse(call: Call, address: string, budget: string, spend: number, allowed: (status: number) => boolean, limit = spend) {
  for (let index = 0; index < spend; index += 1) {
    const response = await call(address);
    assertSafeAnswer(`${budget} #${index + 1}`, asAnswer(response), { isPublic: true });
    expect({ attempt: index + 1, status: response.status, allowed: allowed(response.status) }).toEqual({ attempt: index + 1, status: response.status, allowed: true });
  }
  expectRefusal(await call(address), budget, limit);
}

const refusedCount = (budget: string): number => {
  const { metrics } = require(path.join(DIST_DIR, 'src', 'platform', 'metrics')) as typeof import('../../src/platform/metrics');
  const value = (metrics.rateLimitRefusals as unknown as { hashMap: Record<string, { value: number; labels: { budget: string } }> }).hashMap;
  return Object.values(value).find((entry) => entry.labels.budget === budget)?.value ?? 0;
};

const notRefused = (status: number) => status !== 429 && status < 500;

describe('each budget refuses with 429 and Retry-After once spent', () => {
  it.each([
    ['login', () => post('/api/auth/local', { identifier: `someone-${uniq()}@example.org`, password: 'wrong-password' }), 3],
    ['register', () => post('/api/auth/local/register', { username: `u${uniq()}`, email: 'not-an-email' }), 2],
    ['forgot-password', () => post('/api/auth/forgot-password', { email: `reader-${uniq()}@example.org` }), 2],
    ['reset-password', () => post('/api/auth/reset-password', { code: 'nope', password: 'Passw0rd-x', passwordConfirmation: 'Passw0rd-x' }), 2],
    ['admin-login', () => post('/admin/login', { email: `editor-${uniq()}@example.org`, password: 'wrong-password' }), 3],
  ] as const)('%s', async (budget, call, limit) => {
    const before = refusedCount(budget);
    // A fresh identifier per request: only the per-address budget is spent.
    const address = freshAddress();
    const calls = Array.from({ length: limit + 1 }, () => call());
    for (let index = 0; index < limit; index += 1) {
      const response = await calls[index](address);
      assertSafeAnswer(`${budget} #${index + 1}`, asAnswer(response), { isPublic: true });
      expect(notRefused(response.status)).toBe(true);
    }
    expectRefusal(await calls[limit](address), budget, limit);
    // Another address is not refused.
    expect(notRefused((await call()(freshAddress())).status)).toBe(true);
    expect(refusedCount(budget)).toBe(before + 1);
  });

  it.each([
    ['login-identifier', (identifier: string) => post('/api/auth/local', { identifier, password: 'wrong-password' }), 4],
    ['admin-login-identifier', (identifier: string) => post('/admin/login', { email: identifier, password: 'wrong-password' }), 4],
    ['forgot-password-email', (identifier: string) => post('/api/auth/forgot-password', { email: identifier }), 3],
  ] as const)('%s: one identifier from many addresses', async (budget, call, limit) => {
    const identifier = `target-${uniq()}@example.org`;
    for (let index = 0; index < limit; index += 1) expect(notRefused((await call(identifier)(freshAddress())).status)).toBe(true);
    // The same identifier in another case and with spaces is the same identifier.
    expectRefusal(await call(` ${identifier.toUpperCase()} `)(freshAddress()), budget, limit);
    expect(notRefused((await call(`other-${identifier}`)(freshAddress())).status)).toBe(true);
  });

  it('GraphQL login mutations spend the login budget, one per mutation in the body', async () => {
    const address = freshAddress();
    const login = (alias: string) => `${alias}: login(input: { identifier: "x-${uniq()}@example.org", password: "wrong" }) { jwt }`;
    const first = await post('/graphql', { query: `mutation { ${login('a')} ${login('b')} }` })(address);
    assertSafeAnswer('graphql login', asAnswer(first), { isPublic: true });
    expect(first.status).not.toBe(429);
    const second = await post('/graphql', { query: `mutation { ${login('c')} }` })(address);
    expect(second.status).not.toBe(429);
    expectRefusal(await post('/graphql', { query: `mutation Login { ...F } fragment F on Mutation { ${login('d')} }` })(address), 'login', 3);
  });

  it('spellings of the login path share the budget', async () => {
    const address = freshAddress();
    const body = () => ({ identifier: `s-${uniq()}@example.org`, password: 'wrong' });
    for (const url of ['/api/auth/local', '/api/auth/local/', '/API/AUTH/LOCAL']) {
      expect(notRefused((await post(url, body())(address)).status)).toBe(true);
    }
    expectRefusal(await post('/api/auth/local', body())(address), 'login', 3);
  });
});

describe('the general budget', () => {
  it.each([
    ['REST', (index: number) => `/api/articles?pagination[page]=${index + 1}&filters[slug][$eq]=${uniq()}`],
    ['reader pages', () => `/read/articles/no-such-${uniq()}`],
    ['preview pages', () => `/preview/articles/no-such-${uniq()}?status=draft`],
  ] as const)('%s: refuses the public after its budget of uncached requests', async (_label, url) => {
    const address = freshAddress();
    let index = 0;
    await spendThenRefuse(get(() => url(index++)), address, 'public', 8, notRefused);
  });

  it('GraphQL: refuses the public after its budget', async () => {
    const address = freshAddress();
    const body = () => ({ query: 'query ($slug: String) { articles(filters: { slug: { eq: $slug } }) { title } }', variables: { slug: uniq() } });
    await spendThenRefuse(post('/graphql', body), address, 'public', 8, notRefused);
  });

  it('cache hits spend nothing', async () => {
    const address = freshAddress();
    const url = `/api/articles?filters[slug][$eq]=${uniq()}`;
    const answers = [];
    for (let index = 0; index < 20; index += 1) answers.push(await get(() => url)(address));
    expect(answers.map((response) => response.status)).toEqual(Array(20).fill(200));
    expect(answers.filter((response) => response.headers['x-cache'] === 'HIT')).toHaveLength(19);
    // The one miss was spent: 7 more uncached requests pass, the 8th is refused.
    let index = 0;
    await spendThenRefuse(get(() => `/api/people?pagination[page]=${++index}&filters[slug][$eq]=${uniq()}`), address, 'public', 7, notRefused, 8);
  });

  it('an API token has its own budget, apart from the public and from other tokens at the same address', async () => {
    const address = freshAddress();
    const token = await createApiToken(suite.app.strapi, 'read-only');
    const other = await createApiToken(suite.app.strapi, 'read-only');
    let index = 0;
    const tokenCall = (value: string) => get(() => `/api/events?pagination[page]=${++index}&filters[slug][$eq]=${uniq()}`, { Authorization: `Bearer ${value}` });
    await spendThenRefuse(tokenCall(token), address, 'token', 12, (status) => status === 200);
    // The public at the same address, and another token, are not refused.
    expect((await get(() => `/api/events?filters[slug][$eq]=${uniq()}`)(address)).status).toBe(200);
    expect((await tokenCall(other)(address)).status).toBe(200);
    // A made-up token is not a token: it spends the address's public budget (and is refused by Strapi).
    const fake = await tokenCall('f'.repeat(64))(freshAddress());
    expect(fake.status).toBe(401);
  });
});

describe('PROXY_HOPS decides which X-Forwarded-For entry is the client', () => {
  it('with one hop, the rightmost entry: a client cannot escape its budget by adding entries', async () => {
    const address = freshAddress();
    const body = () => ({ identifier: `p-${uniq()}@example.org`, password: 'wrong' });
    const from = (forwarded: string) => suite.app.http().post('/api/auth/local').set('X-Forwarded-For', forwarded).send(body());
    for (const forwarded of [address, `1.1.1.1, ${address}`, `2.2.2.2,3.3.3.3, ${address}`]) expect(notRefused((await from(forwarded)).status)).toBe(true);
    expectRefusal(await from(`9.9.9.9, ${address}`), 'login', 3);
    // The same address further left is someone else's claim: that request is counted for its real client.
    expect(notRefused((await from(`${address}, ${freshAddress()}`)).status)).toBe(true);
  });

  const request = (forwarded: string | string[] | undefined, remote = '::ffff:127.0.0.9') =>
    ({ headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded }, socket: { remoteAddress: remote } }) as never;
  it.each([
    [0, '1.1.1.1, 2.2.2.2', '127.0.0.9'],
    [0, undefined, '127.0.0.9'],
    [1, '1.1.1.1, 2.2.2.2', '2.2.2.2'],
    [1, undefined, '127.0.0.9'],
    [1, '', '127.0.0.9'],
    [1, ['1.1.1.1', '2.2.2.2, 3.3.3.3'], '3.3.3.3'],
    [2, '1.1.1.1, 2.2.2.2, 3.3.3.3', '2.2.2.2'],
    [2, '2.2.2.2', '2.2.2.2'],
    [3, '1.1.1.1,2.2.2.2,3.3.3.3,4.4.4.4', '2.2.2.2'],
    [1, '::ffff:5.6.7.8', '5.6.7.8'],
    [1, '2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    [1, '2001:db8:1:2::9', '2001:db8:1:2::/64'],
  ] as const)('hops %s, X-Forwarded-For %j → %s', (hops, forwarded, expected) => {
    expect(clientAddress(request(forwarded as string | string[] | undefined), hops)).toBe(expected);
  });

  it('keeps IPv6 clients of one /64 together', () => {
    expect(normalizeAddress('2001:0db8:0001:0002:ffff::1')).toBe(normalizeAddress('2001:db8:1:2::abcd'));
  });

  it('Koa reports the same client (ctx.ip, used by Strapi and its plugins)', () => {
    expect(suite.app.strapi.server.app.proxy).toBe(true);
    expect(suite.app.strapi.server.app.maxIpsCount).toBe(1);
  });
});

describe('settings', () => {
  it.each(['10/15m', '600/1m', '5/1h', '100/30s', '7/2d', '3/90'])('reads %s', (raw) => {
    expect(parseBudget('RATE_LIMIT_X', raw).points).toBeGreaterThan(0);
  });
  it.each(['', 'ten/1m', '0/1m', '10', '10/0s', '10/1w', '-1/1m', '10/15m,', '1e3/1m', '10/8d'])('refuses %j, naming the variable', (raw) => {
    expect(() => parseBudget('RATE_LIMIT_X', raw)).toThrow(/^RATE_LIMIT_X must be <requests>\/<window>/);
  });
  it('finds the auth mutations of a GraphQL body, batches and fragments included', () => {
    expect(graphqlAuthBudgets({ query: 'mutation { login(input: {}) { jwt } register(input: {}) { jwt } }' })).toEqual(['login', 'register']);
    expect(graphqlAuthBudgets([{ query: 'mutation { forgotPassword(email: "a") { ok } }' }, { query: 'mutation { resetPassword(code: "x") { jwt } }' }])).toEqual(['forgot-password', 'reset-password']);
    expect(graphqlAuthBudgets({ query: '{ articles { title } }' })).toEqual([]);
    expect(graphqlAuthBudgets({ query: 'query { login }' })).toEqual([]);
    expect(graphqlAuthBudgets({ query: 'mutation { login(' })).toEqual(['login']);
  });
});
