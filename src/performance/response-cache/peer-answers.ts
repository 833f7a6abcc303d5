import cluster from 'node:cluster';
import { metrics } from '../../platform/metrics';
import { PEER_MESSAGES } from './peer-messages';
import type { RawRequestAliases } from './request-keys';
import type { CachedResponse, ResponseStore } from './store';

/**
 * Answers computed once per machine, not once per worker. `npm start` serves from several worker
 * processes (scripts/serve.js), each with its own store: without this, a publish that drops the
 * front page has every worker run Strapi's whole pipeline for the same answer. Here a worker that
 * starts computing a read tells its peers (`computing`), and hands them the answer when it has
 * stored it (`answer`), through the primary process (the cluster's IPC channel, no other
 * service). A peer that misses the same read meanwhile waits for that answer, at most
 * PEER_WAIT_MS, instead of computing its own.
 *
 * A peer stores a handed-over answer only by `ResponseStore.setFromPeer`, which refuses it when
 * one of its tags was invalidated in that peer since the computation started (store.ts says why
 * that is exact), and only while its invalidation channel is proven (`ready`). A waiting read
 * takes the answer from its own store afterwards, as a hit: whatever the store holds is right
 * for a read arriving now. Anything else (the message lost, refused, late, a computation that
 * stored nothing) leaves the waiting read to compute its own.
 *
 * Only within one machine: the computation's start is given on the machine's monotonic clock.
 */

export { PEER_MESSAGES };

/** How long a read waits for a peer's computation of the same key before computing its own. */
const PEER_WAIT_MS = 3_000;
/** Answers larger than this are not handed over: copying them through two processes costs more than the read. */
const MAX_SHARED_BODY_BYTES = 1024 * 1024;

/** How a raw request finds the key (request-keys.ts `RawRequestAliases`), handed over so the peer's fast path finds it too. */
export interface SharedAlias {
  principal: string;
  variant: string;
  raw: string;
}

interface SharedEntry {
  status: number;
  /** The body's bytes as latin1, which maps each byte to one character and back. */
  body: string;
  headers: Record<string, string>;
  etag: string;
  route?: string;
  tags: string[];
}

type PeerMessage =
  | { type: typeof PEER_MESSAGES.computing; key: string }
  | { type: typeof PEER_MESSAGES.answer; key: string; startedAt: string; entry: SharedEntry | null; alias?: SharedAlias };

interface PeerFlight {
  timer: NodeJS.Timeout;
  done: Promise<void>;
  settle: () => void;
}

export class PeerAnswers {
  private readonly flights = new Map<string, PeerFlight>();

  constructor(
    private readonly store: ResponseStore,
    private readonly aliases: RawRequestAliases,
    /** Whether this process's invalidation channel is proven now (invalidation-bus.ts `ready`). */
    private readonly ready: () => boolean,
    private readonly send: (message: PeerMessage) => void,
  ) {}

  /**
   * The peers of this worker, when it is one of several cluster workers; undefined in a single
   * process. The primary relays the messages (scripts/serve.js).
   */
  static ofClusterWorker(store: ResponseStore, aliases: RawRequestAliases, ready: () => boolean): PeerAnswers | undefined {
    if (!cluster.isWorker || typeof process.send !== 'function') return undefined;
    const peers = new PeerAnswers(store, aliases, ready, (message) => {
      // A closing channel (the primary stopping) loses the message: peers then compute their own.
      if (!process.connected) return;
      process.send?.(message, undefined, undefined, () => undefined);
    });
    process.on('message', (message: unknown) => peers.receive(message));
    return peers;
  }

  /** Tells the peers this worker started computing `key`. */
  computing(key: string): void {
    this.send({ type: PEER_MESSAGES.computing, key });
  }

  /** Hands the peers this worker's stored answer to `key`, computed from `startedAt` on; `null` when it stored none. */
  answered(key: string, startedAt: bigint, entry: CachedResponse | null, alias?: SharedAlias): void {
    const shared =
      entry && entry.body.length <= MAX_SHARED_BODY_BYTES
        ? { status: entry.status, body: entry.body.toString('latin1'), headers: entry.headers, etag: entry.etag, route: entry.route, tags: [...entry.tags] }
        : null;
    this.send({ type: PEER_MESSAGES.answer, key, startedAt: startedAt.toString(), entry: shared, alias });
  }

  /** Whether a peer said it is computing `key` and has not answered yet. */
  isComputing(key: string): boolean {
    return this.flights.has(key);
  }

  /** Resolves when the peer's answer to `key` arrived (stored here or not), or after PEER_WAIT_MS. */
  async waitFor(key: string): Promise<void> {
    const flight = this.flights.get(key);
    if (!flight) return;
    metrics.cacheCoalescedWaiting.inc();
    try {
      await flight.done;
    } finally {
      metrics.cacheCoalescedWaiting.dec();
    }
  }

  receive(message: unknown): void {
    if (!isPeerMessage(message)) return;
    if (message.type === PEER_MESSAGES.computing) {
      if (this.flights.has(message.key)) return;
      let settle: () => void = () => undefined;
      const done = new Promise<void>((resolve) => (settle = resolve));
      const timer = setTimeout(() => this.settle(message.key), PEER_WAIT_MS);
      timer.unref();
      this.flights.set(message.key, { timer, done, settle });
      return;
    }
    if (message.entry) this.storeAnswer(message.key, BigInt(message.startedAt), message.entry, message.alias);
    this.settle(message.key);
  }

  private storeAnswer(key: string, startedAt: bigint, shared: SharedEntry, alias: SharedAlias | undefined): void {
    // This worker computed its own meanwhile: both are right, the one it has is kept.
    if (this.store.get(key)) return;
    const entry: CachedResponse = {
      status: shared.status,
      body: Buffer.from(shared.body, 'latin1'),
      headers: shared.headers,
      etag: shared.etag,
      route: shared.route,
      tags: shared.tags,
    };
    const stored = this.ready() && this.store.setFromPeer(key, startedAt, entry);
    if (stored && alias) this.aliases.set(alias.principal, alias.variant, alias.raw, key);
    metrics.cachePeerAnswers.inc({ result: stored ? 'stored' : 'refused' });
  }

  private settle(key: string): void {
    const flight = this.flights.get(key);
    if (!flight) return;
    this.flights.delete(key);
    clearTimeout(flight.timer);
    flight.settle();
  }
}

function isPeerMessage(message: unknown): message is PeerMessage {
  if (typeof message !== 'object' || message === null) return false;
  const { type, key } = message as { type?: unknown; key?: unknown };
  if (typeof key !== 'string') return false;
  if (type === PEER_MESSAGES.computing) return true;
  if (type !== PEER_MESSAGES.answer) return false;
  const { startedAt, entry } = message as { startedAt?: unknown; entry?: unknown };
  return typeof startedAt === 'string' && /^\d+$/.test(startedAt) && (entry === null || (typeof entry === 'object' && entry !== null));
}
