import type { Core } from '@strapi/strapi';
import { webhookMaxAttempts } from './retry-schedule';
import { assertProductionWebhookSecret, assertWebhookSecretFormat } from './secrets';

export { retryDelayMs, webhookMaxAttempts } from './retry-schedule';
export { readWebhookSecrets } from './secrets';
export { signWebhook } from './signature';

/**
 * Webhooks configured in Settings → Webhooks (Strapi's `strapi_webhooks` table). So far:
 * the signing secret and the retry settings are checked at start; signing and the retry
 * schedule are ready for the delivery queue.
 */

/** In `register`: a malformed WEBHOOK_SECRET or WEBHOOK_MAX_ATTEMPTS stops the start. */
export function checkWebhookSettings(): void {
  assertWebhookSecretFormat();
  webhookMaxAttempts();
}

/** In `bootstrap`, once the database answers: production needs WEBHOOK_SECRET while a webhook exists. */
export async function checkProductionWebhookSecret(strapi: Core.Strapi): Promise<void> {
  const webhookCount = await strapi.db.query('strapi::webhook').count({});
  assertProductionWebhookSecret(process.env, process.env.NODE_ENV ?? 'development', webhookCount);
}
