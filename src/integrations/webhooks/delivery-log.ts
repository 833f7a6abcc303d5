import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import { lockUntilCommit } from '../../platform/advisory-locks';
import { addAfterSyncStep } from '../../platform/after-sync';
import { PAGE_SIZE } from '../../limits/page-sizes';
import { installQueueSchema, tableIn } from './queue';

/**
 * The delivery log: one row per attempt (webhook, event, webhook-id, attempt, outcome, the
 * receiver's status code, duration, error, time), never a secret, a header or a stack. Read
 * with an API token at `GET /api/webhook-deliveries`.
 *
 * Its table, like the queue's schema, is created after Strapi's schema sync (Strapi leaves
 * tables it did not create alone), once, whichever process gets there first.
 */

export const DELIVERY_LOG_TABLE = 'webhook_deliveries';
export const DELIVERY_LOG_PATH = '/webhook-deliveries';

const STATUSES = ['success', 'pending', 'failed'] as const;
/** What a row's `status` means, for the README and the contract. */
export const STATUS_MEANING = {
  success: 'the receiver answered 2xx',
  pending: 'the attempt failed and another one is scheduled',
  failed: 'the attempt failed and none follows (410 Gone, given up, or the webhook was disabled or deleted)',
} as const;

/** In `register`: the queue's schema and the log's table, after the schema sync. */
export function createDeliveryTables(strapi: Core.Strapi): void {
  addAfterSyncStep(strapi, 'webhook queue', async () => {
    await strapi.db.transaction(async ({ trx }) => {
      const knex = trx as unknown as { raw: (sql: string, bindings?: readonly unknown[]) => Promise<unknown> };
      await lockUntilCommit(knex, 'webhookQueue');
      await installQueueSchema(strapi);
      const table = tableIn(strapi, DELIVERY_LOG_TABLE);
      await knex.raw(`
        CREATE TABLE IF NOT EXISTS ${table} (
          id bigserial PRIMARY KEY,
          webhook_id integer NOT NULL,
          event text NOT NULL,
          message_id text NOT NULL,
          attempt integer NOT NULL,
          status text NOT NULL CHECK (status IN ('success', 'pending', 'failed')),
          status_code integer,
          duration_ms integer NOT NULL,
          error text,
          uid text NOT NULL,
          document_id text NOT NULL,
          job_id text,
          created_at timestamptz NOT NULL DEFAULT now()
        )`);
      await knex.raw(`CREATE INDEX IF NOT EXISTS webhook_deliveries_webhook_id ON ${table} (webhook_id, id DESC)`);
      await knex.raw(`CREATE INDEX IF NOT EXISTS webhook_deliveries_message_id ON ${table} (message_id)`);
    });
  });
}

interface Filters {
  webhook?: number;
  event?: string;
  status?: (typeof STATUSES)[number];
  page: number;
  pageSize: number;
}

const KNOWN_PARAMETERS = new Set(['webhook', 'event', 'status', 'pagination']);
const POSITIVE_INTEGER = /^[1-9]\d{0,8}$/;

/** The request's filters and page, or a ValidationError naming what is wrong. */
export function readFilters(query: Record<string, unknown>): Filters {
  const bad = (message: string) => new errors.ValidationError(message, { source: 'query' });
  for (const name of Object.keys(query)) {
    if (!KNOWN_PARAMETERS.has(name)) throw bad(`${name} is not a parameter of /api${DELIVERY_LOG_PATH}; use webhook, event, status and pagination[page], pagination[pageSize]`);
  }
  const single = (name: string): string | undefined => {
    const value = query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw bad(`${name} must be given once, as a plain value`);
    return value;
  };
  const filters: Filters = { page: 1, pageSize: PAGE_SIZE.default };

  const webhook = single('webhook');
  if (webhook !== undefined) {
    if (!POSITIVE_INTEGER.test(webhook)) throw bad(`webhook must be a webhook's id (a whole number of at least 1); got ${JSON.stringify(webhook)}`);
    filters.webhook = Number(webhook);
  }
  const event = single('event');
  if (event !== undefined) {
    if (!/^[a-z]+(\.[a-z-]+)+$/.test(event)) throw bad(`event must be an event name such as entry.publish; got ${JSON.stringify(event)}`);
    filters.event = event;
  }
  const status = single('status');
  if (status !== undefined) {
    if (!(STATUSES as readonly string[]).includes(status)) throw bad(`status must be one of ${STATUSES.join(', ')}; got ${JSON.stringify(status)}`);
    filters.status = status as Filters['status'];
  }

  const pagination = query.pagination;
  if (pagination !== undefined) {
    if (pagination === null || typeof pagination !== 'object' || Array.isArray(pagination)) throw bad('pagination must be an object, such as pagination[page]=1&pagination[pageSize]=25');
    for (const [key, raw] of Object.entries(pagination as Record<string, unknown>)) {
      if (key !== 'page' && key !== 'pageSize') throw bad(`pagination[${key}] is not a parameter here; use pagination[page] and pagination[pageSize]`);
      if (typeof raw !== 'string' || !POSITIVE_INTEGER.test(raw)) throw bad(`pagination[${key}] must be a whole number of at least 1; got ${JSON.stringify(raw)}`);
      const value = Number(raw);
      if (key === 'pageSize' && value > PAGE_SIZE.max) throw bad(`pagination[pageSize] must be at most ${PAGE_SIZE.max}; got ${value}`);
      filters[key] = value;
    }
  }
  return filters;
}

interface LogRow {
  id: string;
  webhook_id: number;
  event: string;
  message_id: string;
  attempt: number;
  status: string;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  uid: string;
  document_id: string;
  created_at: Date;
}

/**
 * `GET /api/webhook-deliveries`: a content-API route that only API tokens may call (any type:
 * full access, read-only; a custom token cannot be granted it). Without a token: 401.
 */
export function serveDeliveryLog(strapi: Core.Strapi): void {
  const table = tableIn(strapi, DELIVERY_LOG_TABLE);

  const handler = async (ctx: Context) => {
    const filters = readFilters(ctx.query as Record<string, unknown>);
    const knex = strapi.db.connection;
    const where = (builder: ReturnType<typeof knex>) => {
      if (filters.webhook !== undefined) builder.where('webhook_id', filters.webhook);
      if (filters.event !== undefined) builder.where('event', filters.event);
      if (filters.status !== undefined) builder.where('status', filters.status);
      return builder;
    };
    const [rows, counted] = await Promise.all([
      where(knex(knex.raw(table)))
        .select('*')
        .orderBy('id', 'desc')
        .limit(filters.pageSize)
        .offset((filters.page - 1) * filters.pageSize) as Promise<LogRow[]>,
      where(knex(knex.raw(table))).count({ total: '*' }) as Promise<Array<{ total: string | number }>>,
    ]);
    const total = Number(counted[0]?.total ?? 0);
    ctx.set('Cache-Control', 'private, no-store');
    ctx.body = {
      data: rows.map((row) => ({
        id: Number(row.id),
        webhook: row.webhook_id,
        event: row.event,
        webhookId: row.message_id,
        attempt: row.attempt,
        status: row.status,
        statusCode: row.status_code,
        durationMs: row.duration_ms,
        error: row.error,
        uid: row.uid,
        documentId: row.document_id,
        createdAt: row.created_at.toISOString(),
      })),
      meta: { pagination: { page: filters.page, pageSize: filters.pageSize, pageCount: Math.ceil(total / filters.pageSize), total } },
    };
  };

  strapi.server.routes({
    type: 'content-api',
    routes: [
      {
        method: 'GET',
        path: DELIVERY_LOG_PATH,
        handler,
        // API tokens only; the scope reads as a read, so read-only tokens may call it.
        config: { auth: { strategies: ['content-api-token'], scope: ['api::webhook-delivery.webhook-delivery.find'] } },
      },
    ],
  } as unknown as Parameters<typeof strapi.server.routes>[0]);
}
