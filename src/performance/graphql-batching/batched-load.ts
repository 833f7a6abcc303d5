import { AsyncLocalStorage } from 'node:async_hooks';
import type { Core } from '@strapi/strapi';
import DataLoader from 'dataloader';
import type { RelationField } from './relation-fields';
import { isPlainObject } from '../../platform/values';

/**
 * Set while one of the plugin's relation resolvers runs for a read query: which
 * request it serves (the GraphQL context object, one per request) and which
 * relation it resolves.
 */
export interface RelationScope {
  request: object;
  field: RelationField;
  /** The attributes the query reads of the related rows, when known (selected-columns.ts); else all. */
  columns?: readonly string[];
}

const relationScope = new AsyncLocalStorage<RelationScope>();

/** Runs a relation resolver so that its relation load can join the request's batch. */
export const runInRelationScope = <T>(scope: RelationScope, resolve: () => T): T => relationScope.run(scope, resolve);

/** Told the query of each batched relation load made inside `observeBatchedLoads`. */
export type LoadObserver = (field: RelationField, params: Record<string, unknown>) => void;
const loadObserver = new AsyncLocalStorage<LoadObserver>();

/** Runs a relation resolver and reports the query its load joined a batch with (see shared-resolution.ts). */
export const observeBatchedLoads = <T>(observer: LoadObserver, resolve: () => T): T => loadObserver.run(observer, resolve);

type ParentId = number | string;
type Params = Record<string, unknown>;
type Load = (uid: string, entity: unknown, fields: unknown, params?: unknown) => Promise<unknown>;

/**
 * The query keys the plugin's association resolver hands to `load` (its
 * status filter and the user's filters in `where`, `sort` as `orderBy`,
 * pagination as `limit`/`offset`). Anything else is a call this module was
 * not written for, and it goes to the stock `load`.
 */
const UNDERSTOOD_KEYS = new Set(['select', 'where', 'orderBy', 'limit', 'offset']);

/**
 * Largest number of parents in one statement. It keeps the bound parameters
 * far below PostgreSQL's 65,535; a level with more parents than this (only
 * reachable through nested pages of 100) takes another pair per 1,000 parents.
 */
const MAX_PARENTS_PER_STATEMENT = 1000;

/**
 * Most related rows one batched statement may bring back, unless
 * GRAPHQL_BATCH_MAX_ROWS says otherwise. Stock reads at most one page (100
 * rows) per parent; the batch reads every parent's rows and pages them in
 * memory, which for a crowded inverse side (a person in thousands of
 * articles) could be far more. The statement asks for one row over this
 * bound; when it gets it, that batch is answered by the stock per-parent
 * loads instead, so memory stays bounded and the answer is the same.
 */
export const DEFAULT_MAX_ROWS_PER_STATEMENT = 5000;

/**
 * A key that is equal for equal query parameters, in their own key order
 * (order matters in `orderBy`). Undefined when a value is not plain data
 * (a knex raw expression, a function): such queries are not grouped.
 */
export function paramsKey(value: unknown): string | undefined {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (value instanceof Date) return `Date(${value.toISOString()})`;
  if (Array.isArray(value)) {
    const items = value.map(paramsKey);
    return items.includes(undefined) ? undefined : `[${items.join(',')}]`;
  }
  if (isPlainObject(value)) {
    const entries: string[] = [];
    for (const [key, item] of Object.entries(value)) {
      const itemKey = paramsKey(item);
      if (itemKey === undefined) return undefined;
      entries.push(`${JSON.stringify(key)}:${itemKey}`);
    }
    return `{${entries.join(',')}}`;
  }
  return undefined;
}

const isOptionalInteger = (value: unknown, min: number): value is number | undefined =>
  value === undefined || (typeof value === 'number' && Number.isInteger(value) && value >= min);

interface BatchPlan {
  loaderKey: string;
  parentId: ParentId;
  /** The call as it came, for the stock fallback. */
  entity: Record<string, unknown>;
  params: Params;
  /** The query without its page: every parent's related rows, in the stock order. */
  unpaged: Params;
  offset: number;
  limit: number | undefined;
}

/**
 * Decides whether a `load` call can be answered from a batch, and how. Stock
 * `load(uid, parent, attribute, query)` runs the query (with its LIMIT and
 * OFFSET) for one parent. The batch runs the same query without the page
 * for many parents at once, then cuts each parent's rows to the same page:
 * the rows of one parent come out in the same ORDER BY either way.
 */
function planBatch(scope: RelationScope, uid: string, entity: unknown, fields: unknown, params: unknown): BatchPlan | undefined {
  const { field } = scope;
  if (uid !== field.uid || fields !== field.attributeName) return undefined;
  if (!isPlainObject(entity)) return undefined;
  const parentId = entity.id;
  if (typeof parentId !== 'number' && typeof parentId !== 'string') return undefined;
  if (!isPlainObject(params) || !Object.keys(params).every((key) => UNDERSTOOD_KEYS.has(key))) return undefined;

  const { limit, offset, ...unpaged } = params;
  if (!isOptionalInteger(limit, 1) || !isOptionalInteger(offset, 0)) return undefined;
  if (scope.columns && unpaged.select === undefined) unpaged.select = scope.columns;
  // A to-one relation is one row; a page that skips rows of it is left to stock.
  if (!field.isToMany && (offset ?? 0) > 0) return undefined;

  const key = paramsKey(unpaged);
  if (key === undefined) return undefined;
  return {
    loaderKey: [uid, field.attributeName, key, offset ?? 0, limit ?? 'all'].join('\u0000'),
    parentId,
    entity,
    params,
    unpaged,
    offset: offset ?? 0,
    limit,
  };
}

interface RelationBatch {
  loader: DataLoader<ParentId, unknown>;
  /** The parent rows as the resolvers passed them, for the stock fallback. */
  parents: Map<ParentId, Record<string, unknown>>;
}

/** One loader per relation, query and page, per request: one statement pair per level of a query. */
const batchesByRequest = new WeakMap<object, Map<string, RelationBatch>>();

interface BatchContext {
  strapi: Core.Strapi;
  stockLoad: Load;
  maxRows: number;
}

function batchFor({ strapi, stockLoad, maxRows }: BatchContext, scope: RelationScope, plan: BatchPlan): RelationBatch {
  let batches = batchesByRequest.get(scope.request);
  if (!batches) {
    batches = new Map();
    batchesByRequest.set(scope.request, batches);
  }
  const existing = batches.get(plan.loaderKey);
  if (existing) return existing;

  const { uid, attributeName } = scope.field;
  const { unpaged, offset, limit, params } = plan;
  const page = (related: unknown): unknown =>
    Array.isArray(related) ? related.slice(offset, limit === undefined ? undefined : offset + limit) : related;
  const parents = new Map<ParentId, Record<string, unknown>>();

  const loader = new DataLoader<ParentId, unknown>(
    async (parentIds) => {
      // The same query the stock `load` sends (a findOne of the parent with this
      // relation populated), for all parents at once: the parents' ids, then one
      // join of the link table and the target table. A populate's limit applies
      // to the whole join, which is what bounds the rows here.
      const rows = (await strapi.db.query(uid as never).findMany({
        select: ['id'],
        where: { id: { $in: [...parentIds] } },
        populate: { [attributeName]: { ...unpaged, limit: maxRows + 1 } },
      })) as Array<Record<string, unknown>>;

      const relatedRows = rows.reduce((sum, row) => {
        const related = row[attributeName];
        return sum + (Array.isArray(related) ? related.length : related ? 1 : 0);
      }, 0);
      if (relatedRows > maxRows) {
        return Promise.all(parentIds.map((id) => stockLoad(uid, parents.get(id), attributeName, params)));
      }

      const relatedByParent = new Map(rows.map((row) => [row.id as ParentId, row[attributeName]]));
      // A parent that is gone by now gets null, as from stock `load`.
      return parentIds.map((id) => (relatedByParent.has(id) ? page(relatedByParent.get(id)) : null));
    },
    {
      // Every parent of a level calls `load` after a few promise turns of
      // argument checks; waiting for the next macrotask collects them all,
      // where DataLoader's default (the end of the current tick) can split a level.
      batchScheduleFn: (dispatch) => setImmediate(dispatch),
      maxBatchSize: MAX_PARENTS_PER_STATEMENT,
    },
  );
  const batch = { loader, parents };
  batches.set(plan.loaderKey, batch);
  return batch;
}

/**
 * Routes the relation loads of the plugin's association resolvers through
 * per-request DataLoaders. Only calls made inside `runInRelationScope` for
 * the scope's own relation, with parameters this module understands, are
 * batched; every other caller of `load` gets the stock one.
 */
export function batchRelationLoads(strapi: Core.Strapi, { maxRows }: { maxRows: number }): void {
  // Typed locally: the database package types `load`'s populate narrowly, and
  // the call is passed through untouched.
  const entityManager = strapi.db.entityManager as unknown as { load: Load };
  const stockLoad: Load = entityManager.load.bind(entityManager);

  entityManager.load = (uid, entity, fields, params) => {
    const scope = relationScope.getStore();
    const plan = scope && planBatch(scope, uid, entity, fields, params);
    if (!scope || !plan) return stockLoad(uid, entity, fields, params);
    loadObserver.getStore()?.(scope.field, plan.params);
    const batch = batchFor({ strapi, stockLoad, maxRows }, scope, plan);
    if (!batch.parents.has(plan.parentId)) batch.parents.set(plan.parentId, plan.entity);
    return batch.loader.load(plan.parentId);
  };
}
