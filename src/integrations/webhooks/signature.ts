import { createHmac } from 'node:crypto';

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): `webhook-signature` is
 * `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, one per secret, space-separated,
 * so a receiver verifies with either secret while WEBHOOK_SECRET is being rotated.
 */

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * The headers of one delivery attempt. `id` is the event's, the same on every retry (a
 * receiver drops what it has seen); `timestamp` is the attempt's, in whole seconds.
 */
export function signWebhook(message: { id: string; timestamp: Date; body: string }, secrets: Buffer[]): SignedHeaders {
  if (secrets.length === 0) throw new Error('A webhook cannot be signed without WEBHOOK_SECRET');
  const seconds = String(Math.floor(message.timestamp.getTime() / 1000));
  const signed = `${message.id}.${seconds}.${message.body}`;
  const signatures = secrets.map((key) => `v1,${createHmac('sha256', key).update(signed).digest('base64')}`);
  return { 'webhook-id': message.id, 'webhook-timestamp': seconds, 'webhook-signature': signatures.join(' ') };
}
