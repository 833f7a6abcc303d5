import type { Core } from '@strapi/strapi';
import type { CdnPurger } from '../cdn-purge';
import type { DependencyMap } from './dependencies';
import type { InvalidationBus } from './invalidation-bus';
import type { ResponseStore } from './store';

/**
 * Turns every database write that can change an API answer into an
 * invalidation, whichever path made it: REST, GraphQL mutations, the admin's
 * content manager, the Document Service, the Query Engine or the seed all end
 * in Strapi's database layer, whose lifecycle events this watches.
 *
 * Each write invalidates twice. Once when the database layer reports it, inside
 * the transaction: that bumps the store's epoch, so no answer computed across the
 * write is stored. And once after the outermost transaction commits, locally and
 * on every other process (through the bus): an answer computed between the two,
 * from rows not yet committed, is dropped then. The broadcast is awaited before
 * the write is acknowledged: by the HTTP middleware for requests, and by a
 * Document Service middleware for code that writes without a request. With a CDN
 * purger (src/performance/cdn-purge), the CDN is purged of the same tags after the
 * broadcast, and the acknowledgement waits for that as well.
 */

/** Models whose rows decide who may read what: any change to them drops every cached answer. */
const ACCESS_MODELS = new Set([
  'plugin::users-permissions.permission',
  'plugin::users-permissions.role',
  'admin::api-token',
  'admin::api-token-permission',
  'plugin::i18n.locale',
]);

/** Writes Strapi makes to a token on use; they change no answer. */
const TOKEN_BOOKKEEPING = new Set(['lastUsedAt', 'updatedAt']);

const WRITE_EVENTS = ['afterCreate', 'afterCreateMany', 'afterUpdate', 'afterUpdateMany', 'afterDelete', 'afterDeleteMany'] as const;
const DOCUMENT_WRITES = new Set(['create', 'update', 'delete', 'clone', 'publish', 'unpublish', 'discardDraft']);

interface LifecycleEvent {
  model: { uid: string };
  params?: { data?: Record<string, unknown> };
}

export function watchWrites(
  strapi: Core.Strapi,
  store: ResponseStore,
  bus: InvalidationBus,
  dependencies: DependencyMap,
  cdnPurger?: CdnPurger,
): void {
  let readable: Set<string> | undefined;
  /** Every uid some cached answer can depend on: the project's content types and what they reach. */
  const readableUids = () => {
    if (!readable) {
      readable = new Set();
      for (const uid of Object.keys(strapi.contentTypes)) {
        if (uid.startsWith('api::')) for (const reached of dependencies.reachableFrom(uid)) readable.add(reached);
      }
    }
    return readable;
  };

  const tagsFor = (event: LifecycleEvent): string[] | '*' | null => {
    const { uid } = event.model;
    if (uid === 'admin::api-token') {
      const changed = Object.keys(event.params?.data ?? {});
      if (changed.length > 0 && changed.every((field) => TOKEN_BOOKKEEPING.has(field))) return null;
    }
    if (ACCESS_MODELS.has(uid)) return '*';
    return readableUids().has(uid) ? [uid] : null;
  };

  const afterCommit = (tags: string[] | '*') => {
    store.invalidate(tags);
    const broadcast = bus.broadcast(tags);
    // The CDN is purged once no process can serve the old answers any more (else one could hand an old
    // answer to the CDN after the ban), and the write's acknowledgement waits for the purge too.
    if (cdnPurger) bus.track(broadcast.then(() => cdnPurger.purge(tags === '*' ? '*' : tags.map((uid) => dependencies.tagName(uid)))));
  };

  const onWrite = async (event: LifecycleEvent) => {
    const tags = tagsFor(event);
    if (!tags) return;
    store.invalidate(tags);
    if (strapi.db.inTransaction()) {
      // A nested transaction call shares the outer one's commit callbacks: this runs after the real commit.
      await strapi.db.transaction(async ({ onCommit }) => onCommit(() => afterCommit(tags)));
    } else {
      afterCommit(tags);
    }
  };

  const subscriber: Record<string, unknown> = {};
  for (const name of WRITE_EVENTS) subscriber[name] = onWrite;
  strapi.db.lifecycles.subscribe(subscriber);

  // Code that writes through the Document Service outside a request (scripts, cron) gets its
  // answer only once the other processes have dropped what the write changed.
  strapi.documents.use(async (context, next) => {
    const result = await next();
    if (DOCUMENT_WRITES.has(context.action)) await bus.drain();
    return result;
  });
}
