import type { Core } from '@strapi/strapi';
import { createDeliveryTask, webhookTimeoutMs } from './delivery';
import { createDeliveryTables, serveDeliveryLog } from './delivery-log';
import { watchDocumentWrites } from './outbox';
import { startQueueWorker, workerConcurrency, type QueueWorker } from './queue';
import { webhookMaxAttempts, webhookRetryScale } from './retry-schedule';
import { assertProductionWebhookSecret, assertWebhookSecretFormat } from './secrets';
import { takeOverEntryEvents } from './strapi-runner';

export { retryDelayMs, webhookMaxAttempts } from './retry-schedule';
export { readWebhookSecrets } from './secrets';
export { signWebhook } from './signature';

/**
 * Webhooks configured in Settings → Webhooks (Strapi's `strapi_webhooks` table), delivered
 * durably: each document write adds its deliveries to a queue on PostgreSQL in the write's
 * transaction (outbox.ts); a worker in every serving process sends them, signed, retried on
 * a schedule, in order per document (delivery.ts, queue.ts); every attempt is logged and
 * readable with an API token (delivery-log.ts). Strapi's own runner no longer sends the
 * entry events (strapi-runner.ts).
 */

/** In `register`: a malformed webhook setting stops the start. */
export function checkWebhookSettings(): void {
  assertWebhookSecretFormat();
  webhookMaxAttempts();
  webhookRetryScale();
  webhookTimeoutMs();
  workerConcurrency();
}

/** In `register`: Strapi's runner leaves the entry events to the queue; the queue's tables come after the schema sync. */
export function registerWebhookDelivery(strapi: Core.Strapi): void {
  takeOverEntryEvents(strapi);
  createDeliveryTables(strapi);
}

const workers = new WeakMap<Core.Strapi, QueueWorker>();

/**
 * In `bootstrap`: writes go through the outbox, the log is served, and this process's worker
 * starts. Not in the process `npm start` runs once to prepare the database before its workers
 * start (scripts/serve.js, SERVE_ROLE=prepare): it exits as soon as it is done.
 */
export async function startWebhookDelivery(strapi: Core.Strapi): Promise<void> {
  watchDocumentWrites(strapi);
  serveDeliveryLog(strapi);
  if (process.env.SERVE_ROLE === 'prepare') return;
  workers.set(strapi, await startQueueWorker(strapi, createDeliveryTask(strapi)));
}

/** In `destroy`: deliveries in flight finish; the queued ones wait in the database for the next start. */
export async function stopWebhookDelivery(strapi: Core.Strapi): Promise<void> {
  const worker = workers.get(strapi);
  workers.delete(strapi);
  await worker?.stop();
}

/** In `bootstrap`, once the database answers: production needs WEBHOOK_SECRET while a webhook exists. */
export async function checkProductionWebhookSecret(strapi: Core.Strapi): Promise<void> {
  const webhookCount = await strapi.db.query('strapi::webhook').count({});
  assertProductionWebhookSecret(process.env, process.env.NODE_ENV ?? 'development', webhookCount);
}
