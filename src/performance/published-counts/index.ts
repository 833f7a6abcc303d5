import type { Core, UID } from '@strapi/strapi';
import { addAfterSyncStep } from '../../platform/after-sync';
import { guardPatch, notePatchOff } from '../registry/guard';
import { PATCHES } from '../registry/patches';
import { installPublishedCounters, readPublishedCount } from './counter-schema';
import { isPlainObject } from '../../platform/values';

interface CountParams {
  _q?: unknown;
  where?: unknown;
  filters?: unknown;
}

interface EntityManager {
  count: (uid: string, params?: CountParams) => Promise<number>;
  createQueryBuilder: (uid: string) => {
    init: (params: CountParams) => { count: () => { first: () => { execute: () => Promise<{ count: unknown }> } } };
  };
}

/**
 * Exact published counts without counting.
 *
 * Every REST list answers `meta.pagination.total`, which Strapi computes with
 * `count(DISTINCT id) WHERE published_at IS NOT NULL` on each request: even
 * as an index-only scan that reads every published id, so a list page costs
 * more the more articles there are (about twice as much at 100,000 as at
 * 1,000). The trigger-maintained counter of ./counter-schema answers that
 * one question, every published row and no filter, with a single-row lookup
 * that is just as exact. Any other count (filters, search, drafts, a count
 * inside a write's transaction, which must see its own uncommitted rows)
 * runs Strapi's query as before; lifecycle subscribers run either way.
 *
 * Counters are kept for the draft-and-publish collection types of the API
 * that are not localized (a localized type would need one count per locale).
 * Off when STOCK_STRAPI=true or PUBLISHED_COUNTERS=false: the triggers are
 * then neither installed nor read (ones already installed go on counting).
 */
export function registerPublishedCounters(strapi: Core.Strapi): void {
  if (!guardPatch(strapi, PATCHES.publishedCounts, strapi.db)) return;

  // After every schema sync: on a fresh database the tables only exist from then on.
  addAfterSyncStep(strapi, 'published counters', async () => {
    const candidates = countedContentTypes(strapi);
    if (candidates.size === 0) {
      notePatchOff(strapi, PATCHES.publishedCounts, 'no content type to count');
      return;
    }
    const { counted, installed } = await strapi.db.transaction(({ trx }) => installPublishedCounters(trx, [...candidates.values()]));
    if (installed.length > 0) strapi.log.info(`Counted published rows of: ${installed.join(', ')}`);
    const tables = new Map([...candidates].filter(([, table]) => counted.includes(table)));
    if (tables.size > 0) answerPublishedCountsFromCounters(strapi, tables);
    else notePatchOff(strapi, PATCHES.publishedCounts, 'no counter could be installed');
  });
}

/** uid → table of the content types that get a counter. */
function countedContentTypes(strapi: Core.Strapi): Map<string, string> {
  const tables = new Map<string, string>();
  for (const [uid, contentType] of Object.entries(strapi.contentTypes)) {
    const localized = (contentType.pluginOptions as { i18n?: { localized?: boolean } } | undefined)?.i18n?.localized === true;
    if (!uid.startsWith('api::') || contentType.kind !== 'collectionType') continue;
    if (contentType.options?.draftAndPublish !== true || localized) continue;
    tables.set(uid, strapi.db.metadata.get(uid as UID.ContentType).tableName);
  }
  return tables;
}

function answerPublishedCountsFromCounters(strapi: Core.Strapi, tables: Map<string, string>): void {
  const { db } = strapi;
  const entityManager = db.entityManager as unknown as EntityManager;
  const stockCount = entityManager.count.bind(entityManager);

  entityManager.count = async (uid, params = {}) => {
    const table = tables.get(uid);
    if (!table) return stockCount(uid, params);

    // Strapi's own count, step by step, with the counter in place of the query when it answers the same question.
    const states = await db.lifecycles.run('beforeCount', uid as UID.Schema, { params });
    const fromCounter = !db.inTransaction() && asksForEveryPublishedRow(uid, params, strapi) ? await readPublishedCount(db.connection, table) : undefined;
    const result = fromCounter ?? (await countByQuery(entityManager, uid, params));
    await db.lifecycles.run('afterCount', uid as UID.Schema, { params, result }, states);
    return result;
  };
}

async function countByQuery(entityManager: EntityManager, uid: string, params: CountParams): Promise<number> {
  const { _q, where, filters } = params;
  const row = await entityManager.createQueryBuilder(uid).init({ _q, where, filters }).count().first().execute();
  return Number(row.count);
}

/**
 * True for exactly the query the Document Service builds for "all published
 * entries": the lookup `where: { publishedAt: { $notNull: true } }` and the
 * status filter Strapi adds beside it, a function that yields
 * `{ publishedAt: { $null: false } }`, and nothing else that the count reads
 * (no search, no other condition). Anything unexpected means no.
 */
function asksForEveryPublishedRow(uid: string, params: CountParams, strapi: Core.Strapi): boolean {
  if (params._q !== undefined || !isPublishedOnly(params.where)) return false;
  let filters = params.filters;
  if (typeof filters === 'function') {
    try {
      filters = filters({ uid, meta: strapi.db.metadata.get(uid as UID.Schema), db: strapi.db });
    } catch {
      return false;
    }
  }
  return filters === undefined || filters === null || isPublishedOnly(filters) || (isPlainObject(filters) && Object.keys(filters).length === 0);
}

/** `{ publishedAt: { $notNull: true } }` or `{ publishedAt: { $null: false } }`, exactly. */
function isPublishedOnly(condition: unknown): boolean {
  if (!isPlainObject(condition) || Object.keys(condition).length !== 1) return false;
  const operator = condition.publishedAt;
  if (!isPlainObject(operator) || Object.keys(operator).length !== 1) return false;
  return operator.$notNull === true || operator.$null === false;
}
