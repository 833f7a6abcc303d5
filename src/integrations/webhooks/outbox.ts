import { randomUUID } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { enqueueSql, lockQueueSql, queueNameOf } from './queue';

/**
 * The outbox: a Document Service middleware that, for every write, adds one delivery job per
 * enabled webhook listening to the event, in the write's own transaction. A write that rolls
 * back (a failed request, an enclosing `strapi.db.transaction` that throws) leaves no job; a
 * committed one always has its jobs. Every write path of content ends in the Document Service:
 * REST, GraphQL, the admin's content manager, scripts.
 *
 * The events are Strapi's own, named as in Settings → Webhooks, and happen when Strapi's would:
 * a create or update with `status: 'published'` is also a publish; a delete, publish or
 * unpublish that found nothing to change is no event.
 *
 * The body carries the entry as the public REST API shows it (`GET /api/<type>/<documentId>`,
 * no relations): the published version, sanitized for the public. An event about a document
 * the public cannot see (a draft) carries only `{ documentId }`, so no draft leaves through a
 * webhook; a delete or unpublish carries the last public state, read before the write.
 */

export const DELIVERED_EVENTS = ['entry.create', 'entry.update', 'entry.delete', 'entry.publish', 'entry.unpublish', 'entry.draft-discard'] as const;
export type WebhookEvent = (typeof DELIVERED_EVENTS)[number];

/** The events each write may be, in the order they happen. */
const EVENTS_OF_ACTION: Record<string, readonly WebhookEvent[]> = {
  create: ['entry.create', 'entry.publish'],
  clone: ['entry.create'],
  update: ['entry.update', 'entry.publish'],
  delete: ['entry.delete'],
  publish: ['entry.publish'],
  unpublish: ['entry.unpublish'],
  discardDraft: ['entry.draft-discard'],
};

/** Events whose entry is the public state before the write: after it there is none. */
const READ_BEFORE: ReadonlySet<WebhookEvent> = new Set(['entry.delete', 'entry.unpublish']);

/** What a delivery job carries: everything an attempt needs, the same on every retry. */
export interface DeliveryPayload {
  webhookId: number;
  event: WebhookEvent;
  /** `webhook-id`: the same on every attempt, so a receiver drops what it has seen. */
  messageId: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** The exact bytes sent (and signed) on every attempt. */
  body: string;
  uid: string;
  documentId: string;
}

interface DocumentContext {
  uid: string;
  action: string;
  contentType?: { options?: { draftAndPublish?: boolean } };
  params?: { documentId?: unknown; locale?: unknown; status?: unknown };
}

interface WebhookRow {
  id: number;
  events: unknown;
}

type Entry = Record<string, unknown>;

const newMessageId = () => `msg_${randomUUID().replace(/-/g, '')}`;

/** The events a finished write was, given its result. */
function eventsOf(context: DocumentContext, result: unknown): WebhookEvent[] {
  if (result === null || result === undefined) return [];
  const entries = (result as { entries?: unknown[] }).entries;
  switch (context.action) {
    case 'create':
    case 'update': {
      const published = context.contentType?.options?.draftAndPublish === true && context.params?.status === 'published';
      return context.action === 'create' ? ['entry.create', ...(published ? (['entry.publish'] as const) : [])] : ['entry.update', ...(published ? (['entry.publish'] as const) : [])];
    }
    case 'clone':
      return ['entry.create'];
    default:
      return Array.isArray(entries) && entries.length > 0 ? [...(EVENTS_OF_ACTION[context.action] ?? [])] : [];
  }
}

function documentIdOf(context: DocumentContext, result: unknown): string | undefined {
  const fromParams = context.params?.documentId;
  if (typeof fromParams === 'string') return fromParams;
  const fromResult = (result as { documentId?: unknown } | null)?.documentId;
  return typeof fromResult === 'string' ? fromResult : undefined;
}

export function watchDocumentWrites(strapi: Core.Strapi): void {
  /** The document as the public API shows it now (in the current transaction), or null when the public cannot see it. */
  const publicEntry = async (uid: string, documentId: string, locale: unknown): Promise<Entry | null> => {
    const model = strapi.getModel(uid as 'api::article.article');
    const where: Record<string, unknown> = { documentId };
    if (model.options?.draftAndPublish) where.publishedAt = { $notNull: true };
    if (typeof locale === 'string' && locale !== '*') where.locale = locale;
    const row = (await strapi.db.query(uid as 'api::article.article').findOne({ where })) as Entry | null;
    if (!row) return null;
    // Strapi's sanitizer for the content API, as REST answers an anonymous reader.
    return (await strapi.contentAPI.sanitize.output(row, model, {})) as Entry;
  };

  strapi.documents.use(async (rawContext, next) => {
    const context = rawContext as unknown as DocumentContext;
    const possible = EVENTS_OF_ACTION[context.action];
    if (!possible) return next();

    return strapi.db.transaction(async ({ trx }) => {
      const rows = (await strapi.db.query('strapi::webhook').findMany({ where: { enabled: true }, select: ['id', 'events'] })) as WebhookRow[];
      const listening = (event: WebhookEvent) => rows.filter((row) => Array.isArray(row.events) && row.events.includes(event));
      if (!possible.some((event) => listening(event).length > 0)) return next();

      const documentIdBefore = typeof context.params?.documentId === 'string' ? context.params.documentId : undefined;
      const needsBefore = documentIdBefore !== undefined && possible.some((event) => READ_BEFORE.has(event) && listening(event).length > 0);
      const before = needsBefore ? await publicEntry(context.uid, documentIdBefore, context.params?.locale) : null;

      const result = await next();

      const documentId = documentIdOf(context, result);
      if (!documentId) return result;
      const events = eventsOf(context, result).filter((event) => listening(event).length > 0);
      if (events.length === 0) return result;
      const after = events.some((event) => !READ_BEFORE.has(event)) ? await publicEntry(context.uid, documentId, context.params?.locale) : null;
      const model = strapi.getModel(context.uid as 'api::article.article');

      for (const event of events) {
        const entry = (READ_BEFORE.has(event) ? before : after) ?? { documentId };
        const body = JSON.stringify({ event, model: model.modelName, uid: context.uid, entry, createdAt: new Date().toISOString() });
        for (const webhook of listening(event)) {
          const queueName = queueNameOf(webhook.id, context.uid, documentId);
          const payload: DeliveryPayload = { webhookId: webhook.id, event, messageId: newMessageId(), attempt: 1, body, uid: context.uid, documentId };
          await strapi.db.connection.raw(lockQueueSql, [queueName]).transacting(trx);
          await strapi.db.connection.raw(enqueueSql, [JSON.stringify(payload), queueName]).transacting(trx);
        }
      }
      return result;
    });
  });
}
