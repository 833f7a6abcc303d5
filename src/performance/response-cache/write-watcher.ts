import type { Core } from '@strapi/strapi';
import type { CdnPurger } from '../cdn-purge';
import type { DependencyMap } from './dependencies';
import type { InvalidationBus } from './invalidation-bus';
import type { ResponseStore } from './store';
import { draftTag, isPublishedScopeTag, typeTag } from './tags';
import { WriteTags, type RowState } from './write-tags';

/**
 * Turns every database write that can change an API answer into an
 * invalidation of the tags it changes (tags.ts), whichever path made it: REST,
 * GraphQL mutations, the admin's content manager, the Document Service, the
 * Query Engine or the seed all end in Strapi's database layer, whose lifecycle
 * events this watches. A write of document rows emits the tags of those rows
 * before and after it (write-tags.ts); a write of other readable types (media,
 * components) emits their type; a change to who may read what drops everything.
 *
 * Each write invalidates twice. Once when the database layer reports it, inside
 * the transaction: an answer whose computation started before that does not get
 * stored (store.ts). And once after the outermost transaction commits, locally
 * and on every other process (through the bus), with the tags of the whole
 * transaction: an answer computed between the two, from rows not yet committed,
 * is dropped then. The broadcast is awaited before the write is acknowledged: by
 * the HTTP middleware for requests, and by a Document Service middleware for
 * code that writes without a request; each waits for its own broadcasts only
 * (InvalidationBus.acknowledge). With a CDN purger (src/performance/cdn-purge),
 * the CDN is purged of the same tags (those public answers carry) after the
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

/** The largest invalidation sent in one notification (PostgreSQL refuses payloads of 8,000 bytes or more). */
const MAX_TAG_BYTES_PER_MESSAGE = 6_000;
const DOCUMENT_WRITES = new Set(['create', 'update', 'delete', 'clone', 'publish', 'unpublish', 'discardDraft']);

interface LifecycleEvent {
  model: { uid: string };
  params?: { data?: Record<string, unknown>; where?: Record<string, unknown> };
  result?: unknown;
  /** Shared by the `before*` and `after*` events of one call (Strapi keeps one per subscriber). */
  state: { before?: RowState[]; beforeTags?: Set<string> };
}

export function watchWrites(
  strapi: Core.Strapi,
  store: ResponseStore,
  bus: InvalidationBus,
  dependencies: DependencyMap,
  cdnPurger?: CdnPurger,
): void {
  const writeTags = new WriteTags(strapi, dependencies);
  let readable: Set<string> | undefined;
  /** Every uid some cached answer can depend on: the project's content types and what they reach. */
  const isReadable = (uid: string) => {
    if (!readable) {
      readable = new Set();
      for (const contentType of Object.keys(strapi.contentTypes)) {
        if (contentType.startsWith('api::')) for (const reached of dependencies.reachableFrom(contentType)) readable.add(reached);
      }
    }
    return readable.has(uid);
  };

  const isAccessChange = (event: LifecycleEvent): boolean => {
    const { uid } = event.model;
    if (uid === 'admin::api-token') {
      const changed = Object.keys(event.params?.data ?? {});
      if (changed.length > 0 && changed.every((field) => TOKEN_BOOKKEEPING.has(field))) return false;
    }
    return ACCESS_MODELS.has(uid);
  };

  /** Tags of a write to a readable type that is not a document type: the type, in both scopes. */
  const typeTagsOf = (uid: string): string[] => {
    const name = dependencies.tagName(uid);
    return [typeTag(name), draftTag(name)];
  };

  const afterCommit = (tags: ReadonlySet<string> | '*') => {
    store.invalidate(tags);
    const broadcasts = tags === '*' ? [bus.broadcast('*')] : chunksOf([...tags]).map((chunk) => bus.broadcast(chunk));
    // The CDN is purged of what public answers carry once no process can serve the old answers any more
    // (else one could hand an old answer to the CDN after the ban); the acknowledgement waits for it too.
    const purged = tags === '*' ? '*' : [...tags].filter(isPublishedScopeTag);
    if (cdnPurger && purged.length > 0) bus.track(Promise.all(broadcasts).then(() => cdnPurger.purge(purged)));
  };

  /** Tags of the transaction in progress, sent once it commits. */
  const pendingByTransaction = new WeakMap<object, Set<string> | { all: true }>();

  const emit = async (tags: ReadonlySet<string> | '*') => {
    if (tags !== '*' && tags.size === 0) return;
    store.invalidate(tags);
    if (!strapi.db.inTransaction()) {
      afterCommit(tags);
      return;
    }
    // A nested transaction call shares the outer one's commit callbacks: they run after the real commit.
    await strapi.db.transaction(async ({ trx, onCommit }) => {
      let pending = pendingByTransaction.get(trx);
      if (!pending) {
        const created: Set<string> | { all: true } = new Set<string>();
        pending = created;
        pendingByTransaction.set(trx, created);
        onCommit(() => {
          const settled = pendingByTransaction.get(trx) ?? created;
          pendingByTransaction.delete(trx);
          afterCommit(settled instanceof Set ? settled : '*');
        });
      }
      if (tags === '*') pendingByTransaction.set(trx, { all: true });
      else if (pending instanceof Set) for (const tag of tags) pending.add(tag);
    });
  };

  /** `before*`: the rows as they are, and their tags, read while they and their relations still exist. */
  const before = (many: boolean) => async (event: LifecycleEvent) => {
    const { uid } = event.model;
    if (!dependencies.isDocumentType(uid)) return;
    const rows = await writeTags.rowsWhere(uid, event.params?.where, !many);
    const tags = new Set<string>();
    await writeTags.tagsOf(uid, rows, tags);
    event.state.before = rows;
    event.state.beforeTags = tags;
  };

  /**
   * `after*`: the tags of the rows as the write left them, with those of the state before.
   * Sent only now, after the write: sent earlier, an answer read between the invalidation and
   * the write would be stored with the old rows and kept.
   */
  const after = (rowsLeft: (uid: string, event: LifecycleEvent) => Promise<RowState[]>) => async (event: LifecycleEvent) => {
    const { uid } = event.model;
    if (isAccessChange(event)) return emit('*');
    if (!isReadable(uid)) return;
    if (!dependencies.isDocumentType(uid)) return emit(new Set(typeTagsOf(uid)));
    const tags = new Set<string>(event.state.beforeTags);
    await writeTags.tagsOf(uid, await rowsLeft(uid, event), tags);
    await emit(tags);
  };

  const rowWritten = (uid: string, event: LifecycleEvent) => writeTags.rowWritten(uid, event.result);
  const rowsCreated = (uid: string, event: LifecycleEvent) => writeTags.rowsById(uid, (event.result as { ids?: unknown[] } | null)?.ids ?? []);
  const rowsUpdated = (uid: string, event: LifecycleEvent) => writeTags.rowsById(uid, (event.state.before ?? []).map((row) => row.id));
  const none = async () => [];

  strapi.db.lifecycles.subscribe({
    beforeUpdate: before(false),
    beforeUpdateMany: before(true),
    beforeDelete: before(false),
    beforeDeleteMany: before(true),
    afterCreate: after(rowWritten),
    afterCreateMany: after(rowsCreated),
    afterUpdate: after(rowWritten),
    afterUpdateMany: after(rowsUpdated),
    afterDelete: after(none),
    afterDeleteMany: after(none),
  } as Record<string, unknown>);

  // Code that writes through the Document Service outside a request (scripts, cron) gets its
  // answer only once the other processes have dropped what the write changed. Within a request the
  // HTTP middleware waits, once, before answering (a nested call shares its scope).
  strapi.documents.use(async (context, next) => (DOCUMENT_WRITES.has(context.action) ? bus.acknowledge(async () => next()) : next()));
}

/** Tags split so that each notification stays well under PostgreSQL's payload limit. */
function chunksOf(tags: string[]): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const tag of tags) {
    const size = Buffer.byteLength(tag) + 3;
    if (bytes + size > MAX_TAG_BYTES_PER_MESSAGE && current.length > 0) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(tag);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
