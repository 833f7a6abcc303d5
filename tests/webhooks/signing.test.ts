import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'dotenv';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { fillSecrets } from '../../scripts/dev-env';
import { readWebhookSecrets, signWebhook } from '../../src/integrations/webhooks';
import { assertProductionWebhookSecret, assertWebhookSecretFormat, webhookSecretProblems } from '../../src/integrations/webhooks/secrets';
import { APP_ROOT } from '../helpers/paths';

/**
 * Deliveries are signed so that a receiver using the `standardwebhooks` package verifies
 * them, with either secret while WEBHOOK_SECRET is rotated, and rejects any change.
 */
const newSecret = () => `whsec_${crypto.randomBytes(32).toString('base64')}`;
const body = JSON.stringify({ event: 'entry.publish', model: 'article', entry: { documentId: 'vfhgau4um9m0cen40h9t02ve', title: 'Ünïcode — “quotes”' }, createdAt: '2026-12-05T12:00:00.000Z' });

test('a receiver verifies a signed delivery with standardwebhooks, and rejects a changed body, id, timestamp or secret', () => {
  const secret = newSecret();
  const headers = signWebhook({ id: 'msg_2fX1', timestamp: new Date(), body }, readWebhookSecrets({ WEBHOOK_SECRET: secret }));
  expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
  expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));

  const receiver = new Webhook(secret);
  expect(() => receiver.verify(body.replace('publish', 'update'), { ...headers })).toThrow(WebhookVerificationError);
  expect(() => receiver.verify(body, { ...headers, 'webhook-id': 'msg_other' })).toThrow(WebhookVerificationError);
  expect(() => receiver.verify(body, { ...headers, 'webhook-timestamp': String(Number(headers['webhook-timestamp']) - 1) })).toThrow(WebhookVerificationError);
  expect(() => new Webhook(newSecret()).verify(body, { ...headers })).toThrow(WebhookVerificationError);
});

test('a delivery older than the receiver tolerates (5 minutes) is refused: the timestamp is the attempt time', () => {
  const secret = newSecret();
  const headers = signWebhook({ id: 'msg_old', timestamp: new Date(Date.now() - 10 * 60_000), body }, readWebhookSecrets({ WEBHOOK_SECRET: secret }));
  expect(() => new Webhook(secret).verify(body, { ...headers })).toThrow(/too old/i);
});

test('while rotating, WEBHOOK_SECRET=new,old signs with both: receivers holding either verify', () => {
  const [fresh, old] = [newSecret(), newSecret()];
  const headers = signWebhook({ id: 'msg_rotate', timestamp: new Date(), body }, readWebhookSecrets({ WEBHOOK_SECRET: `${fresh}, ${old}` }));
  expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
  expect(new Webhook(fresh).verify(body, { ...headers })).toEqual(JSON.parse(body));
  expect(new Webhook(old).verify(body, { ...headers })).toEqual(JSON.parse(body));
});

test('WEBHOOK_SECRET is checked: unset is fine outside production, a placeholder or a malformed secret names the problem', () => {
  expect(webhookSecretProblems({})).toEqual([]);
  expect(webhookSecretProblems({ WEBHOOK_SECRET: newSecret() })).toEqual([]);
  expect(webhookSecretProblems({ WEBHOOK_SECRET: 'whsec_replace-me' })).toEqual(['WEBHOOK_SECRET (secret 1) still holds a placeholder value']);
  for (const bad of ['secret', 'whsec_', 'whsec_c2hvcnQ=', `whsec_${crypto.randomBytes(80).toString('base64')}`, `${newSecret()},nope`]) {
    expect(webhookSecretProblems({ WEBHOOK_SECRET: bad }).join()).toMatch(/must be whsec_ followed by base64/);
    expect(() => assertWebhookSecretFormat({ WEBHOOK_SECRET: bad })).toThrow(/WEBHOOK_SECRET/);
  }
  expect(() => signWebhook({ id: 'x', timestamp: new Date(), body }, [])).toThrow(/WEBHOOK_SECRET/);
});

test('the development .env gets a fresh whsec_ secret; production refuses to start without one only while a webhook exists', () => {
  const example = fs.readFileSync(path.join(APP_ROOT, '.env.example'), 'utf8');
  expect(parse(example).WEBHOOK_SECRET).toBe('whsec_replace-me');
  const [first, second] = [parse(fillSecrets(example)).WEBHOOK_SECRET, parse(fillSecrets(example)).WEBHOOK_SECRET];
  expect(webhookSecretProblems({ WEBHOOK_SECRET: first })).toEqual([]);
  expect(first).not.toBe(second);

  expect(() => assertProductionWebhookSecret({}, 'production', 1)).toThrow(/WEBHOOK_SECRET is not set and 1 webhook/);
  expect(() => assertProductionWebhookSecret({}, 'production', 0)).not.toThrow();
  expect(() => assertProductionWebhookSecret({}, 'development', 3)).not.toThrow();
  expect(() => assertProductionWebhookSecret({ WEBHOOK_SECRET: first }, 'production', 1)).not.toThrow();
});
