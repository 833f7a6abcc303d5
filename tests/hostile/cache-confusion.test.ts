import crypto from 'node:crypto';
import { asAnswer, assertSafeAnswer } from '../helpers/hostile';
import { createApiToken, useStrapi } from '../helpers/strapi';

/**
 * The response cache never hands one caller's answer, or an answer shaped by a request header, to
 * another: every ordered pair of callers (public, two API tokens, a revoked token, an end user's
 * JWT, a malformed credential) over REST and GraphQL, published and draft reads; every header that
 * changes Strapi's answer, with it first and without it first; and Origins.
 */
const suite = useStrapi();
const run = crypto.randomBytes(3).toString('hex');
const SLUG = 'iran-russia-ict-cooperation';
const TITLE = 'Iran and Russia expand cooperation in communication and information technology';
const DRAFT_TITLE = `Cache confusion draft ${run}`;

type Caller = 'public' | 'token A' | 'token B' | 'revoked token' | 'user JWT' | 'malformed';
const CALLERS: Caller[] = ['public', 'token A', 'token B', 'revoked token', 'user JWT', 'malformed'];
const authorization: Partial<Record<Caller, string>> = {};
const isToken = (caller: Caller) => caller === 'token A' || caller === 'token B';

beforeAll(async () => {
  const { strapi } = suite.app;
  authorization['token A'] = `Bearer ${await createApiToken(strapi, 'read-only')}`;
  authorization['token B'] = `Bearer ${await createApiToken(strapi, 'full-access')}`;
  const tokens = strapi.service('admin::api-token') as unknown as {
    create(data: object): Promise<{ id: number; accessKey: string }>;
    revoke(id: number): Promise<unknown>;
  };
  const revoked = await tokens.create({ name: `revoked-${run}`, type: 'read-only', lifespan: null });
  authorization['revoked token'] = `Bearer ${revoked.accessKey}`;
  await tokens.revoke(revoked.id);
  const role = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'authenticated' } });
  const user = await strapi.db.query('plugin::users-permissions.user').create({
    data: { username: `reader-${run}`, email: `reader-${run}@example.org`, provider: 'local', confirmed: true, blocked: false, role: role.id },
  });
  const jwt = strapi.plugin('users-permissions').service('jwt') as { issue(payload: object): string };
  authorization['user JWT'] = `Bearer ${jwt.issue({ id: user.id })}`;
  authorization.malformed = 'Basic bm9ib2R5Om5vdGhpbmc=';
  await suite.app
    .http()
    .post('/api/articles?status=draft')
    .set('Authorization', `Bearer ${suite.token}`)
    .send({ data: { title: DRAFT_TITLE, slug: `cache-confusion-${run}`, publishedDate: '2022-07-25', body: [{ type: 'paragraph', children: [{ type: 'text', text: 'x' }] }] } })
    .expect(201);
});

let counter = 0;
/** A URL of its own per case (an extra `$ne` that changes no result), so each case starts with an empty entry. */
const restUrl = (draft: boolean) => `/api/articles?filters[slug][$ne]=case-${run}-${(counter += 1)}${draft ? '&status=draft' : ''}&pagination[pageSize]=100`;
const graphqlBody = (draft: boolean) => ({
  query: `query Q($ne: String) { articles(filters: { slug: { ne: $ne } }${draft ? ', status: DRAFT' : ''}, pagination: { pageSize: 100 }) { title publishedAt } }`,
  variables: { ne: `case-${run}-${(counter += 1)}` },
});

type Read = { surface: 'REST' | 'GraphQL'; draft: boolean };
const READS: Read[] = [
  { surface: 'REST', draft: false },
  { surface: 'REST', draft: true },
  { surface: 'GraphQL', draft: false },
  { surface: 'GraphQL', draft: true },
];

function send(read: Read, target: { url: string; body: object }, caller: Caller, headers: Record<string, string> = {}) {
  let call = read.surface === 'REST' ? suite.app.http().get(target.url) : suite.app.http().post('/graphql').set('Content-Type', 'application/json');
  const credential = authorization[caller];
  if (credential) call = call.set('Authorization', credential);
  for (const [name, value] of Object.entries(headers)) call = call.set(name, value);
  return read.surface === 'REST' ? call : call.send(target.body);
}

const pairs = CALLERS.flatMap((first) => CALLERS.filter((second) => second !== first).map((second) => [first, second] as const));

describe.each(
  READS.flatMap((read) => pairs.map(([first, second]) => [`${read.surface} ${read.draft ? 'draft' : 'published'} read: ${first}, then ${second}`, read, first, second] as const)),
)('%s', (label, read, first, second) => {
  it('the second caller gets its own answer', async () => {
    const target = { url: restUrl(read.draft), body: graphqlBody(read.draft) };
    const before = await send(read, target, first);
    assertSafeAnswer(`${label} (first)`, asAnswer(before), { isPublic: !isToken(first) });
    const after = await send(read, target, second);
    assertSafeAnswer(label, asAnswer(after), { isPublic: !isToken(second) });
    expect(after.headers['x-cache']).not.toBe('HIT');
    if (isToken(second)) {
      expect(after.status).toBe(200);
      expect(after.text.includes(DRAFT_TITLE)).toBe(read.draft);
      expect(after.text).toContain(TITLE);
    } else {
      expect(after.text).not.toContain(DRAFT_TITLE);
    }
    // A credential Strapi does not read as one (Basic) is the public; it is still never served from the cache.
    if ((second === 'public' || second === 'malformed') && !read.draft) expect(after.text).toContain(TITLE);
    if ((second === 'public' || second === 'malformed') && read.draft) {
      // Drafts are refused to the public: a 403 over REST, a GraphQL error.
      if (read.surface === 'REST') expect(after.status).toBe(403);
      else expect(after.body.errors?.length).toBeGreaterThan(0);
    }
    if (second === 'revoked token') expect(after.status).toBe(401);
  });
});

/** Request headers that change Strapi's answer: a request with one never shares an entry with one without. */
const HEADERS: Array<[string, Record<string, string>, 'REST' | 'GraphQL' | 'both']> = [
  ['strapi-response-format: v4', { 'strapi-response-format': 'v4' }, 'both'],
  ['strapi-encode-source-maps: true', { 'strapi-encode-source-maps': 'true' }, 'both'],
  ['Accept: application/graphql-response+json', { Accept: 'application/graphql-response+json' }, 'GraphQL'],
  ['Origin: https://a.example', { Origin: 'https://a.example' }, 'both'],
  ['Origin: null', { Origin: 'null' }, 'both'],
];

const shapeOf = (read: Read, response: { text: string; headers: Record<string, unknown> }) => ({
  contentType: String(response.headers['content-type']).split(';')[0],
  allowOrigin: response.headers['access-control-allow-origin'],
  body: response.text,
});

describe.each(
  HEADERS.flatMap(([name, headers, surfaces]) =>
    (['REST', 'GraphQL'] as const)
      .filter((surface) => surfaces === 'both' || surfaces === surface)
      .flatMap((surface) =>
        (['public', 'token A'] as const).flatMap((caller) =>
          (['with it first', 'without it first'] as const).map((order) => [`${surface} ${name}, ${order}, ${caller}`, surface, headers, order, caller] as const),
        ),
      ),
  ),
)('%s', (label, surface, headers, order, caller) => {
  it('never shares an entry with the request without it', async () => {
    const read: Read = { surface, draft: false };
    // The fresh answers of each variant, from URLs of their own.
    const freshWith = await send(read, { url: restUrl(false), body: graphqlBody(false) }, caller, headers);
    const freshWithout = await send(read, { url: restUrl(false), body: graphqlBody(false) }, caller);
    const target = { url: restUrl(false), body: graphqlBody(false) };
    const steps = order === 'with it first' ? [headers, {}, headers, {}] : [{}, headers, {}, headers];
    const answers = [];
    for (const step of steps) answers.push(await send(read, target, caller, step));
    answers.forEach((answer, index) => {
      assertSafeAnswer(`${label} #${index + 1}`, asAnswer(answer), { isPublic: caller === 'public' });
      expect(answer.status).toBe(200);
      const expected = steps[index] === headers ? freshWith : freshWithout;
      // Same variant: same answer (the variable's own value differs between the fresh read and this one).
      const normalize = (text: string) => text.replace(/case-[0-9a-f]+-\d+/g, 'case');
      expect({ ...shapeOf(read, answer), body: normalize(answer.text) }).toEqual({ ...shapeOf(read, expected), body: normalize(expected.text) });
    });
    // The first two are computed; the last two come from the cache, each from its own entry.
    expect(answers.map((answer) => answer.headers['x-cache'])).toEqual(['MISS', 'MISS', 'HIT', 'HIT']);
  });
});

it('the v4 header really changes the REST answer (so the family above tests something)', async () => {
  const plain = await suite.app.http().get(`/api/articles?filters[slug][$eq]=${SLUG}&fields[0]=title`).expect(200);
  const v4 = await suite.app.http().get(`/api/articles?filters[slug][$eq]=${SLUG}&fields[0]=title`).set('strapi-response-format', 'v4').expect(200);
  expect(plain.body.data[0].title).toBe(TITLE);
  expect(v4.body.data[0].attributes.title).toBe(TITLE);
});
