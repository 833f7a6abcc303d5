import crypto from 'node:crypto';
import { adminLogin, bootStrapi, createApiToken, stopStrapi, type TestApp } from '../helpers/strapi';
import { startReceiver, waitFor, type Receiver } from '../helpers/webhook-receiver';

/**
 * Webhooks configured in Settings → Webhooks are delivered by the queue: signed (a receiver
 * verifies with `standardwebhooks`), once per event (Strapi's runner no longer sends them),
 * retried with the same webhook-id, in order per document, disabled by a 410, never for a
 * write that rolled back; every attempt is in the delivery log, readable with an API token.
 */
const secret = `whsec_${crypto.randomBytes(32).toString('base64')}`;
const saved = { WEBHOOK_SECRET: process.env.WEBHOOK_SECRET, WEBHOOK_RETRY_SCALE: process.env.WEBHOOK_RETRY_SCALE };
let app: TestApp;
let token: string;
let adminJwt: string;
let receiver: Receiver;
const created: string[] = [];

beforeAll(async () => {
  process.env.WEBHOOK_SECRET = secret;
  // Retries after milliseconds instead of seconds: the schedule's shape, a thousand times faster.
  process.env.WEBHOOK_RETRY_SCALE = '0.001';
  receiver = await startReceiver(secret);
  app = await bootStrapi();
  token = await createApiToken(app.strapi);
  adminJwt = await adminLogin(app);
}, 120_000);

afterAll(async () => {
  for (const documentId of created) await app.http().delete(`/api/articles/${documentId}`).set('Authorization', `Bearer ${token}`);
  await app.strapi.db.connection('strapi_webhooks').delete();
  await stopStrapi(app);
  await receiver.close();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}, 60_000);

beforeEach(() => {
  receiver.received.length = 0;
  receiver.answers.length = 0;
});

afterEach(async () => {
  // Each test's webhooks go: a later test's events reach only its own.
  const webhooks = await app.http().get('/admin/webhooks').set('Authorization', `Bearer ${adminJwt}`);
  for (const webhook of webhooks.body.data as Array<{ id: string }>) {
    await app.http().delete(`/admin/webhooks/${webhook.id}`).set('Authorization', `Bearer ${adminJwt}`).expect(200);
  }
});

/** A webhook added as an editor does in Settings → Webhooks (the admin API behind that screen). */
async function addWebhook(events: string[], headers: Record<string, string> = {}): Promise<number> {
  const response = await app
    .http()
    .post('/admin/webhooks')
    .set('Authorization', `Bearer ${adminJwt}`)
    .send({ name: `frontend ${Date.now()}`, url: receiver.url, headers, events })
    .expect(201);
  return Number(response.body.data.id);
}

let counter = 0;
async function createArticle(status: 'published' | 'draft' = 'published', title = `Webhook story ${++counter} ${Date.now()}`) {
  const response = await app
    .http()
    .post('/api/articles')
    .query({ status })
    .set('Authorization', `Bearer ${token}`)
    .send({ data: { title, slug: `webhook-story-${counter}-${Date.now()}`, publishedDate: '2026-12-01', body: [{ type: 'paragraph', children: [{ type: 'text', text: 'Body.' }] }] } })
    .expect(201);
  created.push(response.body.data.documentId as string);
  return response.body.data as { documentId: string; title: string };
}

interface LogEntry {
  webhook: number;
  event: string;
  webhookId: string;
  attempt: number;
  status: string;
  statusCode: number | null;
  documentId: string;
  error: string | null;
  durationMs: number;
}

async function deliveryLog(query: Record<string, string> = {}): Promise<LogEntry[]> {
  const response = await app.http().get('/api/webhook-deliveries').query({ 'pagination[pageSize]': '100', ...query }).set('Authorization', `Bearer ${token}`).expect(200);
  return response.body.data as LogEntry[];
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 1_500));

test('a published article arrives as entry.create then entry.publish, signed, once each, with the public entry', async () => {
  const webhookId = await addWebhook(['entry.create', 'entry.publish'], { Authorization: 'Bearer frontend-secret' });
  const article = await createArticle('published');
  await waitFor('two deliveries', () => receiver.received.length >= 2);
  await settle();

  // Exactly two requests: Strapi's own runner sent nothing besides.
  expect(receiver.received.map((request) => [request.event.event, request.verified])).toEqual([
    ['entry.create', true],
    ['entry.publish', true],
  ]);
  for (const request of receiver.received) {
    expect(request.headers.authorization).toBe('Bearer frontend-secret');
    expect(request.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(request.event).toMatchObject({ model: 'article', uid: 'api::article.article', entry: { documentId: article.documentId, title: article.title } });
    expect(new Date(request.event.createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    // As the public REST API shows it: published, no private or admin fields.
    expect(request.event.entry.publishedAt).toEqual(expect.any(String));
    expect(request.event.entry).not.toHaveProperty('createdBy');
  }
  expect(new Set(receiver.received.map((request) => request.headers['webhook-id'])).size).toBe(2);

  const log = await deliveryLog({ webhook: String(webhookId) });
  expect(log.map((entry) => [entry.event, entry.attempt, entry.status, entry.statusCode])).toEqual([
    ['entry.publish', 1, 'success', 200],
    ['entry.create', 1, 'success', 200],
  ]);
  expect(JSON.stringify(log)).not.toContain('frontend-secret');
});

test('a draft never leaves through a webhook: its events carry only the documentId', async () => {
  await addWebhook(['entry.create', 'entry.update']);
  const draft = await createArticle('draft', 'Secret draft headline');
  await waitFor('the create delivery', () => receiver.received.length >= 1);
  expect(receiver.received[0].event.entry).toEqual({ documentId: draft.documentId });
  expect(receiver.received[0].body).not.toContain('Secret draft headline');
});

test('unpublish and delete carry the last public state', async () => {
  await addWebhook(['entry.unpublish', 'entry.delete']);
  const article = await createArticle('published');
  await app.strapi.documents('api::article.article').unpublish({ documentId: article.documentId });
  await app.http().delete(`/api/articles/${article.documentId}`).set('Authorization', `Bearer ${token}`).expect(204);
  await waitFor('two deliveries', () => receiver.received.length >= 2);
  expect(receiver.received.map((request) => request.event.event)).toEqual(['entry.unpublish', 'entry.delete']);
  expect(receiver.received[0].event.entry).toMatchObject({ documentId: article.documentId, title: article.title });
  // After the unpublish nothing of it was public any more.
  expect(receiver.received[1].event.entry).toEqual({ documentId: article.documentId });
});

test('a receiver answering 503, 503, then 200 gets the event on the third attempt, with the same webhook-id', async () => {
  const webhookId = await addWebhook(['entry.publish']);
  receiver.answers.push(503, 503);
  const article = await createArticle('published');
  await waitFor('three attempts', () => receiver.received.length >= 3);
  await settle();
  expect(receiver.received.map((request) => request.answered)).toEqual([503, 503, 200]);
  expect(new Set(receiver.received.map((request) => request.headers['webhook-id'])).size).toBe(1);
  expect(new Set(receiver.received.map((request) => request.body)).size).toBe(1);
  expect(receiver.received.every((request) => request.verified)).toBe(true);
  expect(receiver.received[2].event.entry.documentId).toBe(article.documentId);

  const log = await deliveryLog({ webhook: String(webhookId) });
  expect(log.map((entry) => [entry.attempt, entry.status, entry.statusCode, entry.error])).toEqual([
    [3, 'success', 200, null],
    [2, 'pending', 503, 'the receiver answered 503'],
    [1, 'pending', 503, 'the receiver answered 503'],
  ]);
  expect(new Set(log.map((entry) => entry.webhookId))).toEqual(new Set([receiver.received[0].headers['webhook-id']]));
});

test("one document's events arrive in order, even when an earlier one is being retried", async () => {
  await addWebhook(['entry.update']);
  const article = await createArticle('published');
  receiver.answers.push(500, 500);
  for (const title of ['First edit', 'Second edit', 'Third edit']) {
    await app.http().put(`/api/articles/${article.documentId}`).query({ status: 'draft' }).set('Authorization', `Bearer ${token}`).send({ data: { summary: title } }).expect(200);
  }
  await waitFor('three updates delivered', () => receiver.received.filter((request) => request.answered === 200).length >= 3);
  const ids = receiver.received.map((request) => request.headers['webhook-id']);
  const delivered = receiver.received.filter((request) => request.answered === 200).map((request) => request.headers['webhook-id']);
  // The first update failed twice; the two after it waited behind it.
  expect(ids.slice(0, 3)).toEqual([ids[0], ids[0], ids[0]]);
  expect(delivered).toEqual([...new Set(ids)]);
});

test('a 410 Gone disables the webhook and ends the event; later events are not sent', async () => {
  const webhookId = await addWebhook(['entry.publish']);
  receiver.answers.push(410);
  await createArticle('published');
  await waitFor('the webhook disabled', async () => {
    const webhook = await app.http().get(`/admin/webhooks/${webhookId}`).set('Authorization', `Bearer ${adminJwt}`);
    return webhook.body.data.isEnabled === false;
  });
  await createArticle('published');
  await settle();
  expect(receiver.received.map((request) => request.answered)).toEqual([410]);
  const log = await deliveryLog({ webhook: String(webhookId) });
  expect(log.map((entry) => [entry.attempt, entry.status, entry.statusCode])).toEqual([[1, 'failed', 410]]);
  expect(log[0].error).toMatch(/410 Gone: the webhook is now disabled/);
});

test('a write that rolls back sends nothing; the same write committed sends its event', async () => {
  await addWebhook(['entry.create']);
  const title = `Rolled back ${Date.now()}`;
  await expect(
    app.strapi.db.transaction(async () => {
      await app.strapi.documents('api::article.article').create({ data: { title, slug: `rolled-back-${Date.now()}`, publishedDate: '2026-12-01', body: [] } as never });
      throw new Error('the editor cancelled');
    }),
  ).rejects.toThrow('the editor cancelled');
  const queued = await app.strapi.db.connection.raw(`SELECT count(*)::int AS n FROM graphile_worker.jobs`);
  expect(queued.rows[0].n).toBe(0);

  const committed = await createArticle('draft');
  await waitFor('the committed create', () => receiver.received.length >= 1);
  await settle();
  expect(receiver.received.map((request) => request.event.entry.documentId)).toEqual([committed.documentId]);
});

test("the admin's Trigger button still calls the receiver", async () => {
  const webhookId = await addWebhook(['entry.publish']);
  const triggered = await app.http().post(`/admin/webhooks/${webhookId}/trigger`).set('Authorization', `Bearer ${adminJwt}`).expect(200);
  expect(triggered.body.data.statusCode).toBe(200);
  expect(receiver.received.map((request) => request.event.event)).toEqual(['trigger-test']);
});

describe('GET /api/webhook-deliveries', () => {
  test('is for API tokens only: 401 for the public and for an unknown token; a read-only token reads it', async () => {
    expect((await app.http().get('/api/webhook-deliveries')).status).toBe(401);
    expect((await app.http().get('/api/webhook-deliveries').set('Authorization', 'Bearer not-a-token')).status).toBe(401);
    const readOnly = await createApiToken(app.strapi, 'read-only');
    const answer = await app.http().get('/api/webhook-deliveries').set('Authorization', `Bearer ${readOnly}`).expect(200);
    expect(answer.body.meta.pagination).toEqual(expect.objectContaining({ page: 1, pageSize: 25 }));
    expect(answer.headers['cache-control']).toBe('private, no-store');
  });

  test('filters by webhook, event and status, and pages', async () => {
    const webhookId = await addWebhook(['entry.create', 'entry.publish']);
    receiver.answers.push(503);
    await createArticle('published');
    await createArticle('published');
    await waitFor('four successes', async () => (await deliveryLog({ webhook: String(webhookId), status: 'success' })).length >= 4);
    const all = await deliveryLog({ webhook: String(webhookId) });
    expect(all).toHaveLength(5);
    expect(all.every((entry) => entry.webhook === webhookId)).toBe(true);
    expect((await deliveryLog({ webhook: String(webhookId), status: 'pending' })).map((entry) => entry.statusCode)).toEqual([503]);
    expect((await deliveryLog({ webhook: String(webhookId), event: 'entry.publish' })).every((entry) => entry.event === 'entry.publish')).toBe(true);
    expect(await deliveryLog({ webhook: String(webhookId), status: 'failed' })).toEqual([]);

    const page = await app.http().get('/api/webhook-deliveries').query({ webhook: String(webhookId), 'pagination[page]': '2', 'pagination[pageSize]': '2' }).set('Authorization', `Bearer ${token}`).expect(200);
    expect(page.body.meta.pagination).toEqual({ page: 2, pageSize: 2, pageCount: 3, total: 5 });
    expect(page.body.data.map((entry: LogEntry) => entry.webhookId)).toEqual(all.slice(2, 4).map((entry) => entry.webhookId));
  });

  test.each([
    ['status=bogus', /status must be one of success, pending, failed/],
    ['status[]=success', /status must be given once/],
    ['webhook=abc', /webhook must be a webhook's id/],
    ['webhook=0', /webhook must be a webhook's id/],
    ['webhook=1&webhook=2', /webhook must be given once/],
    ['event=DROP%20TABLE', /event must be an event name/],
    ['sort=id', /sort is not a parameter/],
    ['filters[event]=entry.create', /filters is not a parameter/],
    ['pagination[pageSize]=101', /pagination\[pageSize\]/],
    ['pagination[page]=-1', /pagination\[page\]/],
    ['pagination[start]=0', /pagination\[start\]/],
    ['pagination=3', /pagination must be an object/],
  ])('bad input (%s) is a 400 naming it', async (query, message) => {
    const answer = await app.http().get(`/api/webhook-deliveries?${query}`).set('Authorization', `Bearer ${token}`);
    expect(answer.status).toBe(400);
    expect(answer.body.error.name).toBe('ValidationError');
    expect(answer.body.error.message).toMatch(message);
    expect(answer.text).not.toMatch(/select|postgres|at .*\.js/i);
  });
});

test("Strapi's runner is changed only through the patch registry, which refuses a runner of another shape", async () => {
  const { checkPatch } = await import('../../src/performance/registry/guard');
  const { PATCHES } = await import('../../src/performance/registry/patches');
  const ready = await app.http().get('/_ready').expect(200);
  expect(ready.body.patches['webhook-delivery']).toEqual({ on: true });
  const changed = { createListener: () => undefined, deleteListener: (event: string) => event, run: (a: unknown, b: unknown) => [a, b], add: (w: unknown) => w, listeners: new Map() };
  expect(checkPatch(PATCHES.webhookDelivery, changed).refusal).toMatch(/webhook-delivery cannot be installed .* webhookRunner.createListener takes 0 parameters where 1 were expected/);
  // Events of other sources (media) keep Strapi's own listener.
  const runner = app.strapi.get('webhookRunner') as { listeners: Map<string, unknown>; add(webhook: unknown): void; remove(webhook: unknown): void };
  const webhook = { id: 'probe', events: ['media.create', 'entry.publish'], isEnabled: true };
  runner.add(webhook);
  expect([runner.listeners.has('media.create'), runner.listeners.has('entry.publish')]).toEqual([true, false]);
  runner.remove(webhook);
});
