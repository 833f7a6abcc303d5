import { countRows, createDraftArticle, paragraph, type DraftArticle } from '../helpers/hostile-fixtures';
import { asAnswer, assertSafeAnswer } from '../helpers/hostile';
import { adminLogin, graphql, useStrapi } from '../helpers/strapi';

/**
 * Bad write bodies from a full-access token: malformed relation values (operators inside
 * connect, ids out of range), prototype keys, deep nesting, NUL bytes, bad dates and
 * precisions, drafts that break the model (slug format and uniqueness, blocks). Each is a 400
 * naming the problem, and nothing is written: every content table keeps its row count.
 */
const suite = useStrapi();
let otherDraft: DraftArticle;
let publishedSlug: string;
let personId: string;

beforeAll(async () => {
  otherDraft = await createDraftArticle(suite, 'writes-other-draft');
  const articles = await suite.app.http().get('/api/articles?fields[0]=slug').expect(200);
  publishedSlug = articles.body.data[0].slug;
  const people = await suite.app.http().get('/api/people?fields[0]=slug').expect(200);
  personId = people.body.data[0].documentId;
});

const event = (extra: Record<string, unknown>) => ({ data: { title: 'Hostile event', slug: 'hostile-event', startDate: '2020-01-01', ...extra } });
const person = (extra: Record<string, unknown>) => ({ data: { name: 'Hostile person', slug: 'hostile-person', ...extra } });
const draftArticle = (extra: Record<string, unknown>) => ({ data: { title: 'Hostile draft', slug: 'hostile-draft', body: paragraph('x'), ...extra } });

const BAD_RELATIONS: Array<[string, unknown]> = [
  ['an operator inside connect', { connect: [{ $eq: 1 }] }],
  ['an operator on the id inside connect', { connect: { id: { $gt: 0 } } }],
  ['an operator on the documentId', { connect: [{ documentId: { $ne: 'x' } }] }],
  ['a text id', { connect: [{ id: 'abc' }] }],
  ['an id out of range', [99999999999]],
  ['a negative id', [-1]],
  ['a fractional id', [1.5]],
  ['an operator in a position', { connect: [{ documentId: 'abcdefghijklmnopqrstuvwx', position: { before: { $gt: 0 } } }] }],
  ['an unknown position', { connect: [{ documentId: 'abcdefghijklmnopqrstuvwx', position: { sideways: true } }] }],
  ['an operator as set', { set: { $in: [1] } }],
  ['an operator inside disconnect', { disconnect: [{ $eq: 1 }] }],
  ['a list inside connect', { connect: [[1]] }],
  ['a null inside connect', { connect: [null] }],
  ['connect mixed with another key', { connect: [], foo: [1] }],
  ['an unknown key beside the documentId', { connect: [{ documentId: 'abcdefghijklmnopqrstuvwx', extra: 1 }] }],
  ['a documentId too long', ['x'.repeat(100)]],
  ['a documentId with spaces', ['a b c']],
  ['an object without connect', { id: { $gt: 0 } }],
  ['a boolean', true],
];

const RELATIONS: Array<[string, string, (extra: Record<string, unknown>) => unknown]> = [
  ['events', 'participants', event],
  ['events', 'articles', event],
  ['people', 'articles', person],
  ['people', 'events', person],
  ['articles?status=draft', 'people', draftArticle],
  ['articles?status=draft', 'events', draftArticle],
];

type WriteCase = readonly [label: string, path: string, body: unknown, message: RegExp];

const relationCases: WriteCase[] = RELATIONS.flatMap(([path, relation, build]) =>
  BAD_RELATIONS.map(([label, value]) => [`${path} ${relation}: ${label}`, `/api/${path}`, build({ [relation]: value }), new RegExp(`^${relation}: |at ${relation}$`)] as const),
);

const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const rawJson = (text: string) => ({ raw: text });

const otherCases: WriteCase[] = [
  ['a constructor key in data', '/api/people', person({ constructor: { x: 1 } }), /holds the key "constructor"/],
  ['a prototype key in data', '/api/people', person({ prototype: 1 }), /holds the key "prototype"/],
  ['a __proto__ key in data', '/api/people', rawJson('{"data":{"name":"P","slug":"proto-p","__proto__":{"x":1}}}'), /holds the key "__proto__"|forbidden prototype property/],
  ['a __proto__ key at the top', '/api/people', rawJson('{"__proto__":{"data":1},"data":{"name":"P","slug":"proto-q"}}'), /holds the key "__proto__"|forbidden prototype property/],
  ['a constructor key inside connect', '/api/events', event({ participants: { connect: [{ constructor: 1 }] } }), /holds the key "constructor"/],
  ['a constructor key inside a block', '/api/articles?status=draft', draftArticle({ body: [{ type: 'paragraph', constructor: 1, children: [] }] }), /holds the key "constructor"/],
  ['JSON nested 20,000 deep in data', '/api/people', rawJson(`{"data":{"name":"Deep","slug":"deep","bio":${deep(20_000)}}}`), /nested more than 64 levels/],
  ['JSON nested 20,000 deep at the top', '/api/people', rawJson(deep(20_000)), /nested more than 64 levels/],
  ['objects nested 20,000 deep', '/api/people', rawJson(`${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`), /nested more than 64 levels/],
  ['JSON nested 65 deep', '/api/people', rawJson(`{"data":{"name":"Deep","slug":"deep","bio":${deep(63)}}}`), /nested more than 64 levels/],
  ['a NUL byte in a name', '/api/people', person({ name: 'a\u0000b' }), /NUL/],
  ['a NUL byte in a slug', '/api/people', person({ slug: 'a\u0000b' }), /NUL/],
  ['a NUL byte in a block', '/api/articles?status=draft', draftArticle({ body: paragraph('a\u0000b') }), /NUL/],
  ['a NUL byte in a key', '/api/people', rawJson('{"data":{"name":"N","slug":"nul-key","a\\u0000b":1}}'), /NUL/],
  ['an end date before the start', '/api/events', event({ endDate: '2019-01-01' }), /end date .* is before the start date/],
  ['an unknown date precision', '/api/events', event({ datePrecision: 'century' }), /datePrecision must be one of the following values: day, month, year/],
  ['a date precision as a list', '/api/events', event({ datePrecision: ['day'] }), /datePrecision/],
  ['an impossible start date', '/api/events', event({ startDate: 'soon' }), /Invalid format, expected yyyy-MM-dd|startDate/],
  ['a start date as an object', '/api/events', event({ startDate: { $gt: '2020-01-01' } }), /startDate|Invalid/],
  ['a title as an object', '/api/events', event({ title: { $eq: 'x' } }), /title/],
  ['a title as a list', '/api/people', person({ name: ['a', 'b'] }), /name/],
  ['a slug with spaces', '/api/people', person({ slug: 'has space' }), /Slug "has space" may only hold letters, digits/],
  ['a draft slug with spaces', '/api/articles?status=draft', draftArticle({ slug: 'has space' }), /Slug "has space" may only hold letters, digits/],
  ['a draft slug with a slash', '/api/articles?status=draft', draftArticle({ slug: 'a/b' }), /Slug "a\/b" may only hold/],
  ["a draft with another document's draft slug", '/api/articles?status=draft', draftArticle({ slug: 'writes-other-draft' }), /Slug "writes-other-draft" is already used by another article/],
  ['a draft body that is text', '/api/articles?status=draft', draftArticle({ body: 'just text' }), /Body must be a list of blocks/],
  ['a draft body that is an object', '/api/articles?status=draft', draftArticle({ body: { type: 'paragraph' } }), /Body must be a list of blocks/],
  ['a draft body of numbers', '/api/articles?status=draft', draftArticle({ body: [1, 2] }), /Body must hold block objects/],
  ['a draft body with an unknown block', '/api/articles?status=draft', draftArticle({ body: [{ type: 'script', children: [] }] }), /unknown type "script"/],
  ['a draft body with a paragraph without children', '/api/articles?status=draft', draftArticle({ body: [{ type: 'paragraph' }] }), /without children/],
  ['a draft body with a bare text node', '/api/articles?status=draft', draftArticle({ body: [{ type: 'text', text: 'x' }] }), /cannot hold a "text" node at the top/],
  ['a published article with a taken slug', '/api/articles?status=published', draftArticle({ publishedDate: '2024-01-01' }), /./],
];

async function send(path: string, body: unknown) {
  const request = suite.app.http().post(path).set('Authorization', `Bearer ${suite.token}`).set('Content-Type', 'application/json');
  if (body && typeof body === 'object' && 'raw' in body) return request.send((body as { raw: string }).raw);
  return request.send(JSON.stringify(body));
}

describe('bad token write bodies: a 400 naming the problem, nothing written', () => {
  it.each([...relationCases, ...otherCases])('%s', async (label, path, body, message) => {
    const before = await countRows(suite.app.strapi);
    // The last case above reuses the seeded article's slug, known only once the suite runs.
    const sent = label === 'a published article with a taken slug' ? draftArticle({ slug: publishedSlug, publishedDate: '2024-01-01' }) : body;
    const response = await send(path, sent);
    assertSafeAnswer(label, asAnswer(response), { isPublic: false });
    expect({ label, status: response.status }).toEqual({ label, status: 400 });
    expect(response.body.error.message).toMatch(label === 'a published article with a taken slug' ? new RegExp(`Slug "${publishedSlug}" is already used`) : message);
    expect(await countRows(suite.app.strapi)).toEqual(before);
  });

  it('the server still answers after all of them, and a good body is written', async () => {
    const before = await countRows(suite.app.strapi);
    const response = await send('/api/events', event({ slug: 'hostile-event-good', participants: { connect: [personId] } }));
    expect(response.status).toBe(201);
    expect((await countRows(suite.app.strapi)).events).toBe(before.events + 1);
    // Later suites count the seeded people's links: leave none behind.
    await suite.app.http().delete(`/api/events/${response.body.data.documentId}`).set('Authorization', `Bearer ${suite.token}`).expect(204);
  });
});

describe('updates are checked the same way', () => {
  it.each([
    ['a slug with spaces on the draft', { slug: 'has space' }, /may only hold letters/],
    ["another document's slug on the draft", { slug: 'writes-other-draft' }, /already used by another article/],
    ['a body that is text', { body: 'text' }, /Body must be a list of blocks/],
    ['an operator inside connect', { people: { connect: [{ $eq: 1 }] } }, /^people: /],
  ])('%s', async (_label, data, message) => {
    const mine = await createDraftArticle(suite, `writes-update-${Math.random().toString(36).slice(2, 8)}`);
    const response = await suite.app.http().put(`/api/articles/${mine.documentId}?status=draft`).set('Authorization', `Bearer ${suite.token}`).send({ data });
    assertSafeAnswer(_label, asAnswer(response), { isPublic: false });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(message);
    const stored = await suite.app.strapi.documents('api::article.article').findOne({ documentId: mine.documentId, status: 'draft' });
    expect(stored?.slug).toBe(mine.slug);
  });

  it("a draft may keep its own published version's slug", async () => {
    const articles = await suite.app.http().get('/api/articles?fields[0]=slug&fields[1]=title').expect(200);
    const { documentId, slug, title } = articles.body.data[0];
    const response = await suite.app.http().put(`/api/articles/${documentId}?status=draft`).set('Authorization', `Bearer ${suite.token}`).send({ data: { slug, title } });
    expect(response.status).toBe(200);
  });

  it('a draft may still leave required fields empty', async () => {
    const response = await send('/api/articles?status=draft', { data: { title: 'Only a title' } });
    expect(response.status).toBe(201);
  });
});

describe('drafts over GraphQL and in the admin are checked too', () => {
  it('GraphQL: a draft slug with spaces is BAD_USER_INPUT', async () => {
    const before = await countRows(suite.app.strapi);
    const result = await graphql(suite.app, 'mutation { createArticle(status: DRAFT, data: { title: "G", slug: "has space" }) { documentId } }', {}, suite.token);
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].message).toMatch(/Slug "has space" may only hold letters/);
    expect(await countRows(suite.app.strapi)).toEqual(before);
  });

  it("GraphQL: another document's draft slug is BAD_USER_INPUT", async () => {
    const result = await graphql(suite.app, `mutation { createArticle(status: DRAFT, data: { title: "G", slug: "${otherDraft.slug}" }) { documentId } }`, {}, suite.token);
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].message).toMatch(/is already used by another article/);
  });

  it("the admin: saving a draft with another document's slug is refused under the field", async () => {
    const jwt = await adminLogin(suite.app);
    const before = await countRows(suite.app.strapi);
    const response = await suite.app
      .http()
      .post('/content-manager/collection-types/api::article.article')
      .set('Authorization', `Bearer ${jwt}`)
      .send({ title: 'Admin draft', slug: otherDraft.slug });
    expect(response.status).toBe(400);
    expect(response.body.error.details.errors[0]).toMatchObject({ path: ['slug'], message: `Slug "${otherDraft.slug}" is already used by another article: choose a different slug.` });
    expect(await countRows(suite.app.strapi)).toEqual(before);
  });
});
