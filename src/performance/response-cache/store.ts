import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/** One cached answer: the bytes, the headers that went with them, and the tags it is stored under. */
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
  /** What the answer depends on (tags.ts): an invalidation of any of them drops it. */
  tags: readonly string[];
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

/** Invalidations remembered for the check at `set`; an answer computed across more than this many is not stored. */
const INVALIDATION_LOG_SIZE = 4_096;

interface LoggedInvalidation {
  epoch: number;
  /** When it was applied here, on the machine's monotonic clock (`machineClock`). */
  at: bigint;
  tags: ReadonlySet<string> | '*';
}

/**
 * The machine's monotonic clock in nanoseconds (CLOCK_MONOTONIC on Linux), the same for every
 * process on the machine: an answer handed over by another worker says when its computation
 * started on this clock (peer-answers.ts).
 */
export const machineClock = (): bigint => process.hrtime.bigint();

/**
 * A byte-bounded LRU of responses, indexed by tag.
 *
 * An invalidation deletes every entry stored under one of its tags (tags.ts
 * says which answers carry which tags, and why that is exact), and is logged
 * with the epoch it starts. An answer is stored only if no invalidation of one
 * of its tags started since its computation did (`set`): its reads may have
 * seen the rows from before that write, and the write's invalidation has
 * already passed. Invalidations of other tags (an editor's draft saves, a
 * write to another document) leave it alone.
 */
export class ResponseStore {
  private readonly entries: LRUCache<string, CachedResponse>;
  /** Tag → the keys of the entries stored under it; kept in step with `entries` by its dispose hook. */
  private readonly index = new Map<string, Set<string>>();
  private readonly log: LoggedInvalidation[] = [];
  private epochValue = 0;
  /** Invalidations applied before this moment are not all in the log: since the store began, or since the log last dropped one. */
  private loggedSince = machineClock();

  constructor(maxBytes: number) {
    this.entries = new LRUCache<string, CachedResponse>({
      maxSize: maxBytes,
      sizeCalculation: (entry, key) => entrySize(key, entry),
      dispose: (entry, key) => this.unindex(key, entry),
    });
  }

  /** Counts invalidations: a computation notes it when it starts (`set`, `invalidatedBetween`). */
  get epoch(): number {
    return this.epochValue;
  }

  get(key: string): CachedResponse | undefined {
    return this.entries.get(key);
  }

  /** Whether `entry` is the one stored under `key` now (recency unchanged). */
  holds(key: string, entry: CachedResponse): boolean {
    return this.entries.peek(key) === entry;
  }

  /** Stores an answer computed since `startEpoch`, unless one of its tags was invalidated meanwhile. */
  set(key: string, startEpoch: number, entry: CachedResponse): boolean {
    if (this.invalidatedBetween(startEpoch, this.epochValue, entry.tags)) return false;
    return this.put(key, entry);
  }

  /**
   * Stores an answer another process on this machine computed, its computation started at
   * `startedAt` (`machineClock`), unless an invalidation of one of its tags was applied here since
   * that moment, or may have been (before the store began, or forgotten by the log).
   *
   * Why that is as exact as `set`: the answer's reads all ran after `startedAt`, so it shows every
   * write committed before then. A write it may not show committed after `startedAt`; its
   * invalidation is sent after its commit, so this process applies it after `startedAt` too:
   * either already (it is in the log from `startedAt` on, and the answer is refused here) or
   * later (it drops the entry then, as any other). A process that missed invalidations (a lost
   * LISTEN connection, a fence) applies `'*'` when it proves its channel again, and that refuses
   * every answer started before. Both moments are read on one machine's clock.
   */
  setFromPeer(key: string, startedAt: bigint, entry: CachedResponse): boolean {
    if (this.invalidatedSince(startedAt, entry.tags)) return false;
    return this.put(key, entry);
  }

  private put(key: string, entry: CachedResponse): boolean {
    this.entries.set(key, entry);
    if (this.entries.peek(key) !== entry) return false; // larger than the whole bound
    for (const tag of entry.tags) {
      let keys = this.index.get(tag);
      if (!keys) this.index.set(tag, (keys = new Set()));
      keys.add(key);
    }
    return true;
  }

  /**
   * Whether an invalidation started after `fromEpoch`, up to and including `toEpoch`, touched one
   * of `tags`. True when that span is older than the log remembers.
   */
  invalidatedBetween(fromEpoch: number, toEpoch: number, tags: readonly string[]): boolean {
    if (toEpoch === fromEpoch) return false;
    if (this.epochValue - fromEpoch > this.log.length) return true;
    for (let index = this.log.length - 1; index >= 0; index -= 1) {
      const logged = this.log[index];
      if (logged.epoch <= fromEpoch) break;
      if (logged.epoch > toEpoch) continue;
      if (logged.tags === '*') return true;
      for (const tag of tags) if (logged.tags.has(tag)) return true;
    }
    return false;
  }

  /** Whether an invalidation applied here at or after `time` (`machineClock`) touched one of `tags`; true when the log cannot tell. */
  private invalidatedSince(time: bigint, tags: readonly string[]): boolean {
    if (time <= this.loggedSince) return true;
    for (let index = this.log.length - 1; index >= 0; index -= 1) {
      const logged = this.log[index];
      if (logged.at < time) break;
      if (logged.tags === '*') return true;
      for (const tag of tags) if (logged.tags.has(tag)) return true;
    }
    return false;
  }

  /** Drops every entry stored under one of `tags`; `'*'` drops everything. */
  invalidate(tags: Iterable<string> | '*'): void {
    this.epochValue += 1;
    const logged: LoggedInvalidation = { epoch: this.epochValue, at: machineClock(), tags: tags === '*' ? '*' : new Set(tags) };
    this.log.push(logged);
    if (this.log.length > INVALIDATION_LOG_SIZE) this.loggedSince = (this.log.shift() as LoggedInvalidation).at;
    if (logged.tags === '*') {
      this.entries.clear();
      return;
    }
    for (const tag of logged.tags) {
      const keys = this.index.get(tag);
      if (!keys) continue;
      for (const key of [...keys]) this.entries.delete(key);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.entries.calculatedSize;
  }

  /** Tags indexed, for the tests that prove the index follows evictions. */
  get indexedTags(): number {
    return this.index.size;
  }

  /** The bytes an entry is accounted for (`entrySize`), or undefined when the key holds none; read-only, recency unchanged. */
  sizeOf(key: string): number | undefined {
    return this.entries.info(key)?.size;
  }

  private unindex(key: string, entry: CachedResponse): void {
    for (const tag of entry.tags) {
      const keys = this.index.get(tag);
      if (!keys) continue;
      keys.delete(key);
      if (keys.size === 0) this.index.delete(tag);
    }
  }
}
