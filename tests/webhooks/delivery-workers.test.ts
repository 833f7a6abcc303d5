import crypto from 'node:crypto';
import request from 'supertest';
import { fullAccessToken, startServer, stopServer, type Server } from '../helpers/serve';
import { startReceiver, waitFor, type Receiver } from '../helpers/webhook-receiver';

/**
 * The queue under `npm start` (scripts/serve.js): with two worker processes each event is
 * delivered once, by one of them; deliveries queued when the CMS stops are made after it starts
 * again.
 */
const secret = `whsec_${crypto.randomBytes(32).toString('base64')}`;
// Retries after a hundredth of the real waits: 50 ms, 300 ms, 1.2 s, 3 s, 9 s, ... (minutes in all).
const env = { WEBHOOK_SECRET: secret, WEBHOOK_RETRY_SCALE: '0.01' };
const databaseUrl = process.env.DATABASE_URL as string;
let server: Server | undefined;
let receiver: Receiver;
let token: string;
let adminJwt: string;
let webhookId: string;
const created: string[] = [];

const http = () => request((server as Server).baseUrl);

async function login(): Promise<string> {
  const response = await http().post('/admin/login').send({ email: process.env.ADMIN_EMAIL, password: process.env.ADMIN_PASSWORD }).expect(200);
  return response.body.data.token as string;
}

async function createArticle(index: number): Promise<string> {
  const response = await http()
    .post('/api/articles')
    .set('Authorization', `Bearer ${token}`)
    .send({ data: { title: `Worker story ${index}`, slug: `worker-story-${index}-${Date.now()}`, publishedDate: '2026-12-02', body: [] } })
    .expect(201);
  created.push(response.body.data.documentId as string);
  return response.body.data.documentId as string;
}

beforeAll(async () => {
  receiver = await startReceiver(secret);
  server = await startServer(databaseUrl, 2, env);
  token = await fullAccessToken(server.baseUrl);
  adminJwt = await login();
  const webhook = await http()
    .post('/admin/webhooks')
    .set('Authorization', `Bearer ${adminJwt}`)
    .send({ name: 'two workers', url: receiver.url, headers: {}, events: ['entry.create', 'entry.publish'] })
    .expect(201);
  webhookId = String(webhook.body.data.id);
}, 240_000);

afterAll(async () => {
  if (server) {
    for (const documentId of created) await http().delete(`/api/articles/${documentId}`).set('Authorization', `Bearer ${token}`);
    await http().delete(`/admin/webhooks/${webhookId}`).set('Authorization', `Bearer ${adminJwt}`);
  }
  await stopServer(server);
  await receiver.close();
}, 120_000);

test('two worker processes deliver each event exactly once', async () => {
  const documentIds = await Promise.all(Array.from({ length: 8 }, (_, index) => createArticle(index)));
  await waitFor('16 deliveries', () => receiver.received.length >= 16, 60_000);
  // Time for a duplicate to show up, were there one.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  expect(receiver.received).toHaveLength(16);
  expect(receiver.received.every((received) => received.verified && received.answered === 200)).toBe(true);
  expect(new Set(receiver.received.map((received) => received.headers['webhook-id'])).size).toBe(16);
  for (const documentId of documentIds) {
    const events = receiver.received.filter((received) => received.event.entry.documentId === documentId).map((received) => received.event.event);
    expect([documentId, events]).toEqual([documentId, ['entry.create', 'entry.publish']]);
  }
}, 120_000);

test('deliveries queued while the receiver is down survive a stop of the CMS and are made after it starts again', async () => {
  receiver.received.length = 0;
  await receiver.stop();
  const documentIds = await Promise.all([100, 101, 102].map((index) => createArticle(index)));
  // Every event has failed at least once (connection refused) and waits for its retry.
  await waitFor('six failed attempts', async () => {
    const log = await http().get('/api/webhook-deliveries').query({ webhook: webhookId, status: 'pending', 'pagination[pageSize]': '100' }).set('Authorization', `Bearer ${token}`);
    const pending = (log.body.data as Array<{ documentId: string; error: string }>).filter((entry) => documentIds.includes(entry.documentId));
    return new Set(pending.map((entry) => entry.documentId)).size === 3 && pending.length >= 6;
  });
  await stopServer(server);
  server = undefined;
  expect(receiver.received).toHaveLength(0);

  await receiver.start();
  server = await startServer(databaseUrl, 1, env);
  await waitFor('the six queued events', () => receiver.received.length >= 6, 120_000);
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const delivered = receiver.received.map((received) => `${received.event.entry.documentId} ${received.event.event}`);
  expect(delivered.sort()).toEqual(documentIds.flatMap((documentId) => [`${documentId} entry.create`, `${documentId} entry.publish`]).sort());
  expect(receiver.received.every((received) => received.verified)).toBe(true);

  const log = await http().get('/api/webhook-deliveries').query({ webhook: webhookId, status: 'success', 'pagination[pageSize]': '100' }).set('Authorization', `Bearer ${token}`).expect(200);
  const successes = (log.body.data as Array<{ documentId: string; event: string; attempt: number }>).filter((entry) => documentIds.includes(entry.documentId));
  expect(successes).toHaveLength(6);
  // Each create had failed before the stop; each publish waited behind its document's create.
  expect(successes.filter((entry) => entry.event === 'entry.create').every((entry) => entry.attempt > 1)).toBe(true);
}, 300_000);
