import type { Core } from '@strapi/strapi';
import type { PoolClient } from 'pg';
import { readMilliseconds } from '../../platform/settings';
import { DELIVERY_LOG_TABLE } from './delivery-log';
import type { DeliveryPayload } from './outbox';
import { DELIVERY_TASK, JOB_MAX_ATTEMPTS, lockQueueSql, QUEUE_SCHEMA, tableIn } from './queue';
import { retryDelayMs, webhookMaxAttempts, webhookRetryScale } from './retry-schedule';
import { readWebhookSecrets } from './secrets';
import { signWebhook } from './signature';

/**
 * One delivery attempt, as a queue job: POST the event's body, signed (Standard Webhooks), with
 * the webhook's own headers, to its URL as Settings → Webhooks has it now.
 *
 * - 2xx: delivered.
 * - 410 Gone: the receiver asks for no more; the webhook is disabled (Settings → Webhooks shows
 *   it off) and this event is not tried again.
 * - Anything else, a timeout (WEBHOOK_TIMEOUT_MS) or no answer: tried again per retry-schedule.ts,
 *   up to WEBHOOK_MAX_ATTEMPTS in all, then given up with a warning.
 *
 * Every attempt is a row of the delivery log (delivery-log.ts), written in the same transaction
 * as the job of the next attempt. A webhook deleted or disabled since the event is not called.
 */

export type DeliveryStatus = 'success' | 'pending' | 'failed';

/** WEBHOOK_TIMEOUT_MS: how long one attempt waits for the receiver's answer (default 10 s, as Strapi's runner). */
export const webhookTimeoutMs = (): number => readMilliseconds('WEBHOOK_TIMEOUT_MS', 10_000);

/** A receiver's answer body is not read: an error message stays short and carries nothing of it. */
const MAX_ERROR_LENGTH = 300;

interface WebhookRow {
  id: number;
  url: string;
  headers: Record<string, unknown> | string | null;
  enabled: boolean;
}

interface Attempt {
  status: DeliveryStatus;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  /** Set when the webhook must be turned off (410). */
  disable?: boolean;
}

/** The message of a failed fetch, without internals: a timeout, a refused connection, a bad URL. */
function networkError(error: unknown): string {
  const named = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (named?.name === 'TimeoutError' || named?.name === 'AbortError') return `no answer within ${webhookTimeoutMs()} ms`;
  const cause = named?.cause?.code ?? named?.cause?.message;
  return `${named?.message ?? String(error)}${cause ? ` (${cause})` : ''}`.slice(0, MAX_ERROR_LENGTH);
}

/** Header values as the admin saved them (Strapi keeps the object as JSON text): strings only. */
function configuredHeaders(headers: WebhookRow['headers'] | string): Record<string, string> {
  let parsed: unknown = headers;
  if (typeof headers === 'string') {
    try {
      parsed = JSON.parse(headers);
    } catch {
      parsed = {};
    }
  }
  const result: Record<string, string> = {};
  if (parsed === null || typeof parsed !== 'object') return result;
  for (const [name, value] of Object.entries(parsed)) if (typeof value === 'string') result[name] = value;
  return result;
}

async function attempt(webhook: WebhookRow, payload: DeliveryPayload): Promise<Attempt> {
  const secrets = readWebhookSecrets();
  if (secrets.length === 0) {
    // Receivers verify what they get; an unsigned delivery would teach them not to.
    return { status: 'pending', statusCode: null, durationMs: 0, error: 'WEBHOOK_SECRET is not set: deliveries are not sent unsigned' };
  }
  const signed = signWebhook({ id: payload.messageId, timestamp: new Date(), body: payload.body }, secrets);
  const started = performance.now();
  try {
    const response = await fetch(webhook.url, {
      method: 'POST',
      body: payload.body,
      headers: { ...configuredHeaders(webhook.headers), 'Content-Type': 'application/json', 'X-Strapi-Event': payload.event, ...signed },
      redirect: 'manual',
      signal: AbortSignal.timeout(webhookTimeoutMs()),
    });
    await response.body?.cancel().catch(() => undefined);
    const durationMs = Math.round(performance.now() - started);
    if (response.status >= 200 && response.status < 300) return { status: 'success', statusCode: response.status, durationMs, error: null };
    if (response.status === 410) return { status: 'failed', statusCode: 410, durationMs, error: 'the receiver answered 410 Gone: the webhook is now disabled', disable: true };
    return { status: 'pending', statusCode: response.status, durationMs, error: `the receiver answered ${response.status}` };
  } catch (error) {
    return { status: 'pending', statusCode: null, durationMs: Math.round(performance.now() - started), error: networkError(error) };
  }
}

export function createDeliveryTask(strapi: Core.Strapi) {
  const webhooksTable = tableIn(strapi, 'strapi_webhooks');
  const logTable = tableIn(strapi, DELIVERY_LOG_TABLE);
  const knexBindings = (sql: string) => {
    // The queue's statements are written with knex's `?`; pg wants $1, $2, ...
    let index = 0;
    return sql.replace(/\?/g, () => `$${++index}`);
  };

  return async (rawPayload: unknown, job: { id: string; queueName: string | null }, withClient: <T>(fn: (client: PoolClient) => Promise<T>) => Promise<T>) => {
    const payload = rawPayload as DeliveryPayload;
    const webhook = await withClient(async (client) => {
      const found = await client.query<WebhookRow>(`SELECT id, url, headers, enabled FROM ${webhooksTable} WHERE id = $1`, [payload.webhookId]);
      return found.rows[0];
    });

    let outcome: Attempt;
    if (!webhook) outcome = { status: 'failed', statusCode: null, durationMs: 0, error: 'the webhook was deleted' };
    else if (!webhook.enabled) outcome = { status: 'failed', statusCode: null, durationMs: 0, error: 'the webhook is disabled' };
    else outcome = await attempt(webhook, payload);

    const maxAttempts = webhookMaxAttempts();
    const delay = outcome.status === 'pending' ? retryDelayMs(payload.attempt, maxAttempts, Math.random, webhookRetryScale()) : null;
    if (outcome.status === 'pending' && delay === null) {
      outcome = { ...outcome, status: 'failed', error: `${outcome.error}; given up after ${payload.attempt} attempts` };
    }

    await withClient(async (client) => {
      await client.query('BEGIN');
      try {
        if (job.queueName) await client.query(knexBindings(lockQueueSql), [job.queueName]);
        await client.query(
          `INSERT INTO ${logTable} (webhook_id, event, message_id, attempt, status, status_code, duration_ms, error, uid, document_id, job_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          [payload.webhookId, payload.event, payload.messageId, payload.attempt, outcome.status, outcome.statusCode, outcome.durationMs, outcome.error, payload.uid, payload.documentId, job.id],
        );
        if (outcome.disable) await client.query(`UPDATE ${webhooksTable} SET enabled = false WHERE id = $1`, [payload.webhookId]);
        if (delay !== null && job.queueName) {
          const next: DeliveryPayload = { ...payload, attempt: payload.attempt + 1 };
          // The queue's waiting jobs (later events of this document) move behind the retry.
          const retry = await client.query<{ id: string; run_at: Date }>(
            `SELECT job.id, job.run_at FROM ${QUEUE_SCHEMA}.add_job('${DELIVERY_TASK}', $1::json, queue_name => $2,
               run_at => now() + $3 * interval '1 millisecond', max_attempts => ${JOB_MAX_ATTEMPTS}) AS job`,
            [JSON.stringify(next), job.queueName, delay],
          );
          const { id, run_at: runAt } = retry.rows[0];
          await client.query(
            `SELECT count(*) FROM ${QUEUE_SCHEMA}.reschedule_jobs(
               ARRAY(SELECT jobs.id FROM ${QUEUE_SCHEMA}.jobs AS jobs
                     WHERE jobs.queue_name = $1 AND jobs.id <> $2 AND jobs.locked_at IS NULL AND jobs.run_at <= $3),
               run_at => $3::timestamptz + interval '1 millisecond')`,
            [job.queueName, id, runAt],
          );
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });

    if (outcome.disable) {
      strapi.log.warn(`webhooks: webhook ${payload.webhookId} answered 410 Gone and is now disabled`);
      // This process's copy of the webhook (Strapi's runner, for the events it still sends) follows.
      const fresh = await strapi.get('webhookStore').findWebhook(String(payload.webhookId)).catch(() => null);
      if (fresh) strapi.get('webhookRunner').update(fresh);
    } else if (outcome.status === 'failed' && webhook?.enabled) {
      strapi.log.warn(`webhooks: ${payload.event} ${payload.messageId} to webhook ${payload.webhookId} given up: ${outcome.error}`);
    }
  };
}
