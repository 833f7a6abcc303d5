import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/** One cached answer: the bytes, the headers that went with them, and what they depend on. */
export interface CachedResponse {
  status: number;
  body: Buffer;
  /**
   * The answer's headers: those Strapi's middlewares set (security, CORS, content
   * type), minus per-exchange ones, plus ETag, Cache-Tag and Vary. Cache-Control
   * and X-Cache depend on the caller and are added when answering.
   */
  headers: Record<string, string>;
  etag: string;
  /** The route pattern that answered (`/api/articles/:id`), for request metrics on hits. */
  route?: string;
  /** The content types (uids) the answer was read from. */
  tags: readonly string[];
  /** Versions of `tags` (and of everything) when the answer was stored; a newer version makes it stale. */
  tagVersions: readonly number[];
  allVersion: number;
}

/**
 * What an entry and its key cost in memory, near enough: the body's bytes, every
 * header name and value and the key (cache keys hold the whole query or GraphQL
 * document, and headers such as Content-Security-Policy and Cache-Tag run to
 * kilobytes: an answer with a small body can cost far more than its body), plus a
 * fixed share for the structures around them (the entry's object and tag arrays,
 * the LRU's slot, the two header records the fast path prepares per entry).
 * Strings are counted in UTF-8 bytes: mostly ASCII, which V8 keeps at a byte a
 * character.
 */
const ENTRY_OVERHEAD_BYTES = 512;
export function entrySize(key: string, entry: Pick<CachedResponse, 'body' | 'headers'>): number {
  let size = ENTRY_OVERHEAD_BYTES + entry.body.length + Buffer.byteLength(key);
  for (const name in entry.headers) size += name.length + Buffer.byteLength(entry.headers[name]);
  return size;
}

/** A strong validator: the same bytes always give the same ETag, on every worker. */
export const strongEtag = (body: Buffer): string =>
  `"${createHash('sha1').update(body).digest('base64url')}"`;

/**
 * A byte-bounded LRU of responses with tag versions.
 *
 * Invalidation granularity is the content type: every entry carries the uids of
 * the content types (and components, media) its answer was read from, and a
 * write to a type bumps that type's version, which makes every entry read from
 * it stale at once. This is exact because an answer can only change when a row
 * it was read from changes, and every such row belongs to a tagged type: the
 * tags are the root type plus every type reachable through the relations the
 * query could follow (see dependencies.ts). Relations live in join tables that
 * are only written together with one of their two ends, and an answer that reads
 * a join table is tagged with both ends.
 *
 * Per-document invalidation would keep more entries on a write, but list answers
 * depend on every document that could enter them, so it would still have to drop
 * all lists of the type; with a few writes an hour against many reads a second,
 * type granularity loses little and is easy to prove.
 *
 * `epoch` changes on every invalidation; a response computed while it changed may
 * have read data from before the write, so it is not stored (see `isCurrent`).
 */
export class ResponseStore {
  private readonly entries: LRUCache<string, CachedResponse>;
  private readonly versions = new Map<string, number>();
  private allVersion = 0;
  private epochValue = 0;

  constructor(maxBytes: number) {
    this.entries = new LRUCache<string, CachedResponse>({
      maxSize: maxBytes,
      sizeCalculation: (entry, key) => entrySize(key, entry),
    });
  }

  get epoch(): number {
    return this.epochValue;
  }

  /** A fresh entry for the key, or undefined; stale entries are dropped on the way. */
  get(key: string): CachedResponse | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (!this.isFresh(entry)) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Stores an answer computed since `startEpoch`, unless an invalidation happened meanwhile. */
  set(key: string, startEpoch: number, entry: Omit<CachedResponse, 'tagVersions' | 'allVersion'>): boolean {
    if (startEpoch !== this.epochValue) return false;
    this.entries.set(key, {
      ...entry,
      tagVersions: entry.tags.map((tag) => this.versions.get(tag) ?? 0),
      allVersion: this.allVersion,
    });
    return true;
  }

  /** Makes every entry that depends on one of `tags` stale; `'*'` makes everything stale. */
  invalidate(tags: Iterable<string> | '*'): void {
    this.epochValue += 1;
    if (tags === '*') {
      this.allVersion += 1;
      this.entries.clear();
      return;
    }
    for (const tag of tags) this.versions.set(tag, (this.versions.get(tag) ?? 0) + 1);
  }

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.entries.calculatedSize;
  }

  /** The bytes an entry is accounted for (`entrySize`), or undefined when the key holds none; read-only, recency unchanged. */
  sizeOf(key: string): number | undefined {
    return this.entries.info(key)?.size;
  }

  private isFresh(entry: CachedResponse): boolean {
    if (entry.allVersion !== this.allVersion) return false;
    return entry.tags.every((tag, index) => (this.versions.get(tag) ?? 0) === entry.tagVersions[index]);
  }
}
