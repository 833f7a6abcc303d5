import type { Core } from '@strapi/strapi';

/**
 * What runs right after Strapi's schema sync (`strapi::content-types.afterSync`), in this order:
 *
 * 1. `read indexes` (src/performance/read-indexes): indexes Strapi does not create, on tables
 *    that exist only from the sync on (a fresh database has none before it);
 * 2. `published counters` (src/performance/published-counts): triggers and counts on the same
 *    tables, then the counters are read in place of Strapi's count;
 * 3. `search index` (src/content/search): the extensions, the documents table and the triggers
 *    that keep it, re-indexing a table whose triggers were missing.
 * 4. `webhook queue` (src/integrations/webhooks): the delivery queue's schema and the delivery
 *    log's table, in place before anything can write a document.
 *
 * One hook runs every step, so the order is the one written here, not the order in which modules
 * happened to register. Each step runs in its own transaction under its own advisory lock
 * (src/platform/advisory-locks). The rate-limit counters' table is not a step: only the
 * PostgreSQL counter store needs it, and the store creates it on its own pool when it starts
 * (src/limits/rate-limits/store.ts); Strapi's sync leaves it alone, as it never created it.
 */
const ORDER = ['read indexes', 'published counters', 'search index', 'webhook queue'] as const;

export type AfterSyncStep = (typeof ORDER)[number];

const steps = new WeakMap<Core.Strapi, Map<AfterSyncStep, () => Promise<void>>>();

/** In `register`: `run` is called after the schema sync, in its place in ORDER. A step named twice is refused. */
export function addAfterSyncStep(strapi: Core.Strapi, name: AfterSyncStep, run: () => Promise<void>): void {
  let registered = steps.get(strapi);
  if (!registered) {
    const ours = new Map<AfterSyncStep, () => Promise<void>>();
    registered = ours;
    steps.set(strapi, ours);
    strapi.hook('strapi::content-types.afterSync').register(async () => {
      for (const step of ORDER) await ours.get(step)?.();
    });
  }
  if (registered.has(name)) throw new Error(`The after-sync step "${name}" is registered twice`);
  registered.set(name, run);
}
