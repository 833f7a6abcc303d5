import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client, type ClientConfig, type Notification } from 'pg';
import { metrics } from '../../platform/metrics';

/**
 * Carries cache invalidations between every process serving this database
 * (the workers of `npm start`, and any other machine) over PostgreSQL's
 * LISTEN/NOTIFY, so no other service is needed; and keeps a process that may
 * have missed one from serving cached answers ("fencing").
 *
 * ## The rules
 * 1. Heartbeat. Every HEARTBEAT_MS each process NOTIFYs a beat on its LISTEN
 *    connection and notes, on its monotonic clock, when it sent it. When it hears
 *    one of its own beats back, the beat's *send* time becomes `provenAt`.
 * 2. Fence. A process serves a cached answer only while less than its fence bound
 *    F (RESPONSE_CACHE_FENCE_MS, 1.5 s by default) has passed since `provenAt`,
 *    asked of the clock at the moment of the lookup (`ready`). Past F it serves
 *    every request from the database and empties its cache; the first own beat
 *    heard again empties it once more (and bumps the store's epoch, so nothing
 *    read while fenced is stored) before hits resume. A connection that ends is
 *    reopened; one that delivers none of our beats for RECONNECT_SILENCE_FACTOR × F
 *    is dropped and reopened (a half-open socket, a stalled server process).
 * 3. Write. An invalidation is sent as a NOTIFY over Strapi's pool (not the
 *    LISTEN connection, which may be the stalled one) and its sender waits until
 *    either (a) the NOTIFY has committed and F_max + MARGIN_MS has passed since
 *    (F_max: the largest fence bound it knows, its own or a peer's), or (b) its own
 *    message came back on its LISTEN connection, and then every peer it had heard
 *    from has confirmed (`ack`) or stayed silent past that peer's last sign of life
 *    + the peer's F + MARGIN_MS, and F_max + MARGIN_MS has passed since its own LISTEN
 *    connection started listening. (a) bounds every write to F_max + MARGIN_MS after
 *    its NOTIFY commits; a peer gone for good is forgotten after its F.
 *
 * ## Why no acknowledged write is followed by a stale hit
 * PostgreSQL delivers notifications to each listening session in commit order,
 * and this process handles them in order, synchronously: when it hears its own
 * beat b, it has already applied every invalidation committed before b. Take a
 * write whose invalidation I commits at c, acknowledged at A > c, and a hit
 * served by a process P at t > A. P's `provenAt` is the send time s of some own
 * beat b heard on P's current connection. If b committed after c and that
 * connection was listening at c, P applied I before it heard b; an entry stored
 * later was read after c, or was computed across I and refused by the store's
 * epoch check. If the connection began listening after c, the first proof on it
 * emptied the cache and bumped the epoch (rule 2), so every entry P holds was
 * read after that proof, hence after c. If b committed before c, then s < c,
 * and P serves at t only if t - s < F. We show A - s >= F, so t - s > F:
 *  - by (a): A >= c + F_max >= s + F;
 *  - by (b): either P confirmed I (so it had applied it), or: if P's listening
 *    session existed when b committed, then b, committed before I, reached the
 *    writer before its own echo of I, so the writer's "last heard from P" is at
 *    least its receipt of b, which follows s, and it waited F past that; if b
 *    committed before the writer's LISTEN began, s precedes that start, and the
 *    writer waited F_max past it.
 * Clocks: every interval is measured on one machine's monotonic clock
 * (performance.now), never by comparing two machines' clocks, so wall-clock
 * steps do not matter; the writer measures only in its own monotonic time, and a
 * late timer only makes it wait longer. P's check reads the clock at each lookup
 * and relies on no timer having fired: a process stopped (SIGSTOP, a long GC
 * pause) wakes with `provenAt` older than F and is fenced at its first lookup,
 * before it has read the notifications queued while it slept; a beat it hears
 * then counts from when it was sent, so only a beat sent after the wake, hence
 * heard after everything queued before it, lifts the fence. On Linux the
 * monotonic clock does not advance while the whole machine is suspended, so P
 * also measures on the wall clock and takes the larger elapsed time (a wall
 * clock step can only fence it early). MARGIN_MS covers timer granularity and
 * the rate difference of two machines' clocks (NTP keeps it under 0.05%).
 *
 * ## Assumptions
 * - Every process sharing the database uses a fence bound no larger than the
 *   largest its peers know of: beats carry each process's bound, and writers
 *   honour the largest they have heard; keep RESPONSE_CACHE_FENCE_MS the same
 *   everywhere.
 * - The invalidation's NOTIFY commits. It is retried until SEND_GIVE_UP_MS; a
 *   database that refuses it that long is reported as an error, and a `'*'`
 *   invalidation is sent as soon as the database takes one again.
 * - The LISTEN connection reaches PostgreSQL itself or a session-mode pooler: a
 *   transaction-mode pooler never delivers notifications, and `start` refuses it.
 */

const CHANNEL = 'news_cms_response_cache';
/** How often a process sends itself a beat. */
export const HEARTBEAT_MS = 250;
export const DEFAULT_FENCE_MS = 1_500;
/** A bound shorter than four beats would fence a healthy process at every hiccup. */
export const MIN_FENCE_MS = 4 * HEARTBEAT_MS;
/** Writes to a silent peer wait this long: longer would stall writes for no gain. */
export const MAX_FENCE_MS = 30_000;
/** Timer granularity and clock-rate differences between machines. */
const MARGIN_MS = 50;
/** At start, the channel must carry one of our beats back within this long. */
const START_PROOF_MS = 10_000;
/** A connection that carries none of our beats for this many fence bounds is replaced. */
const RECONNECT_SILENCE_FACTOR = 2;
/**
 * A lost LISTEN connection is reopened after RECONNECT_FIRST_MS, then at doubling intervals up to
 * RECONNECT_MAX_MS: writes wait one fence bound past the new connection's start (rule 3b), so every
 * moment it is late after the database is back is a moment added to the first writes' answers.
 */
const RECONNECT_FIRST_MS = 50;
const RECONNECT_MAX_MS = 1_000;
/** An invalidation's NOTIFY is retried until then, each try given up after one fence bound. */
const SEND_GIVE_UP_MS = 10_000;
const SEND_RETRY_MS = 100;

type Message =
  | { kind: 'beat'; from: string; seq: number; fenceMs: number }
  | { kind: 'bye'; from: string }
  | { kind: 'invalidate'; from: string; seq: number; tags: string[] | '*'; fenceMs: number }
  | { kind: 'ack'; from: string; to: string; seq: number };

/** A moment on both clocks: the monotonic one for intervals, the wall one for machine suspends. */
interface Instant {
  monotonic: number;
  wall: number;
}
const instant = (): Instant => ({ monotonic: performance.now(), wall: Date.now() });
/** Time since `since` by whichever clock says more (for the fence: it can only fence earlier). */
const longestElapsedSince = (since: Instant): number => Math.max(performance.now() - since.monotonic, Date.now() - since.wall);

interface Peer {
  /** Monotonic time this process last heard anything from the peer. */
  lastHeard: number;
  fenceMs: number;
}

interface PendingWrite {
  /** The largest fence bound known when the write was sent. */
  fenceMs: number;
  /** Monotonic time by which the NOTIFY had committed (its query returned). */
  committedAt?: number;
  /** Set when our own message came back: whom to wait for, until when, and since when we listen. */
  echo?: { listeningSince: number; silentUntil: Map<string, number> };
  acked: Set<string>;
  settle: () => void;
  timer?: NodeJS.Timeout;
}

export interface BusOptions {
  /** The LISTEN connection's settings (give it a recognisable application_name). */
  connection: ClientConfig;
  /** Sends a NOTIFY over Strapi's pool; resolves once it has committed. */
  notify: (channel: string, payload: string) => Promise<unknown>;
  /** Drops the given tags (or everything) from this process's cache. */
  onInvalidate: (tags: string[] | '*') => void;
  fenceMs: number;
  log: { info: (message: string) => void; warn: (message: string) => void; error: (message: string) => void };
}

export class InvalidationBus {
  readonly id = randomUUID();
  private client: Client | undefined;
  /** Monotonic time the current LISTEN connection started listening. */
  private listeningSince = 0;
  /** Send time of the latest own beat heard on the current connection. */
  private provenAt: Instant | undefined;
  /** When the current fence began (monotonic), once noticed; undefined while proven. */
  private fencedSince: number | undefined;
  private everProven = false;
  private readonly beatsSent = new Map<number, Instant>();
  private beatSeq = 0;
  private beatInFlight = false;
  private readonly peers = new Map<string, Peer>();
  private readonly pending = new Map<number, PendingWrite>();
  private readonly inFlight = new Set<Promise<void>>();
  /** The settlements the write running in this async context waits for (see `acknowledge`). */
  private readonly writeScope = new AsyncLocalStorage<Set<Promise<void>>>();
  private writeSeq = 0;
  /** An invalidation could not be sent: everything is invalidated once the database takes a NOTIFY again. */
  private owesEverything = false;
  private ticker: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private proofWaiters: Array<() => void> = [];
  private stopped = false;

  constructor(private readonly options: BusOptions) {}

  /**
   * True when this process may serve cached answers now: it heard its own beat,
   * sent less than a fence bound ago. Read from the clock at each call.
   */
  get ready(): boolean {
    return !this.stopped && this.client !== undefined && this.provenAt !== undefined && longestElapsedSince(this.provenAt) < this.options.fenceMs;
  }

  /** Other processes heard from within their fence bound. */
  get peerCount(): number {
    const now = performance.now();
    let count = 0;
    for (const peer of this.peers.values()) if (now - peer.lastHeard <= peer.fenceMs) count += 1;
    return count;
  }

  /** Joins the channel and proves it carries our own beats back; refuses a channel that does not. */
  async start(): Promise<void> {
    this.ticker = setInterval(() => this.tick(), HEARTBEAT_MS);
    this.ticker.unref();
    try {
      await this.connect();
      await this.waitForProof(START_PROOF_MS);
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  async stop(): Promise<void> {
    // From here on no hit is served (`ready` is false), so a `bye` is truthful.
    this.stopped = true;
    clearInterval(this.ticker);
    clearTimeout(this.reconnectTimer);
    await this.drain();
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    await withTimeout(this.send(client, { kind: 'bye', from: this.id }), 1_000).catch(() => undefined);
    await withTimeout(client.end(), 1_000).catch(() => client.connection.stream.destroy());
  }

  /** Tells every process to drop `tags`; resolves once no process can serve them any more (see the top). */
  broadcast(tags: string[] | '*'): Promise<void> {
    const seq = ++this.writeSeq;
    const endLagTimer = metrics.invalidationLag.startTimer();
    const done = new Promise<void>((resolve) => {
      const settle = () => {
        endLagTimer();
        resolve();
      };
      this.pending.set(seq, { fenceMs: this.largestFenceMs(), acked: new Set(), settle });
    });
    const message: Message = { kind: 'invalidate', from: this.id, seq, tags, fenceMs: this.options.fenceMs };
    void this.sendCommitted(JSON.stringify(message)).then((sent) => {
      const entry = this.pending.get(seq);
      if (!entry) return;
      if (!sent) {
        this.owesEverything = true;
        this.options.log.error(
          `response cache: could not announce an invalidation for ${SEND_GIVE_UP_MS} ms; other processes may serve ` +
            'older answers until the database takes notifications again, when everything is invalidated',
        );
        return this.finish(seq);
      }
      entry.committedAt = performance.now();
      this.check(seq);
    });
    return this.keep(done);
  }

  /**
   * Makes the write that started it, and `drain`, wait for `work` as well as for the broadcasts (a CDN purge
   * that follows one), so a write is acknowledged only once it has settled. A rejection is dropped here:
   * `work` reports its own failures.
   */
  track(work: Promise<unknown>): void {
    void this.keep(work.then(
      () => undefined,
      () => undefined,
    ));
  }

  /**
   * Runs one write (an HTTP request, a Document Service call made outside one) and settles once every
   * broadcast and tracked work it started has settled, whether it succeeded or threw: its answer may be
   * sent then. Only its own: a write does not wait for the broadcasts of writes running beside it, whose
   * answers wait for them. Nested calls share the outermost write's scope, which waits for them all.
   */
  async acknowledge<T>(write: () => Promise<T>): Promise<T> {
    if (this.writeScope.getStore()) return write();
    const own = new Set<Promise<void>>();
    try {
      return await this.writeScope.run(own, write);
    } finally {
      // A settling broadcast can start tracked work (a CDN purge): wait until nothing new was added.
      for (let seen = 0; own.size > seen; ) {
        seen = own.size;
        await Promise.all([...own]);
      }
    }
  }

  /** Waits for every broadcast (and tracked work) started so far, by any write, to be settled. */
  async drain(): Promise<void> {
    if (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Notes `settled` in the process-wide set and in the scope of the write running now, if any. */
  private keep(settled: Promise<void>): Promise<void> {
    const tracked = settled.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
    this.writeScope.getStore()?.add(tracked);
    return tracked;
  }

  /** Sends `payload` over the pool until it has committed; false when it could not within SEND_GIVE_UP_MS. */
  private async sendCommitted(payload: string): Promise<boolean> {
    const giveUpAt = performance.now() + SEND_GIVE_UP_MS;
    for (;;) {
      try {
        await withTimeout(this.options.notify(CHANNEL, payload), this.options.fenceMs);
        return true;
      } catch (error) {
        if (performance.now() + SEND_RETRY_MS >= giveUpAt) {
          this.options.log.warn(`response cache: could not send an invalidation (${(error as Error).message})`);
          return false;
        }
        await new Promise((resolve) => setTimeout(resolve, SEND_RETRY_MS));
      }
    }
  }

  private largestFenceMs(): number {
    let largest = this.options.fenceMs;
    for (const peer of this.peers.values()) largest = Math.max(largest, peer.fenceMs);
    return largest;
  }

  /** Settles a write once rule 3 of the top comment holds; otherwise looks again at the next deadline. */
  private check(seq: number): void {
    const entry = this.pending.get(seq);
    if (!entry) return;
    const now = performance.now();
    let next = Infinity;
    if (entry.committedAt !== undefined) {
      const everyoneFencedAt = entry.committedAt + entry.fenceMs + MARGIN_MS;
      if (now >= everyoneFencedAt) return this.finish(seq);
      next = everyoneFencedAt;
    }
    if (entry.echo) {
      let settledAt = entry.echo.listeningSince + entry.fenceMs + MARGIN_MS;
      for (const [peer, until] of entry.echo.silentUntil) if (!entry.acked.has(peer)) settledAt = Math.max(settledAt, until);
      if (now >= settledAt) return this.finish(seq);
      next = Math.min(next, settledAt);
    }
    clearTimeout(entry.timer);
    // Before the NOTIFY has committed there is nothing to time: its own completion calls check again.
    if (next !== Infinity) entry.timer = setTimeout(() => this.check(seq), Math.max(1, Math.ceil(next - now)));
  }

  private finish(seq: number): void {
    const entry = this.pending.get(seq);
    if (!entry) return;
    this.pending.delete(seq);
    clearTimeout(entry.timer);
    entry.settle();
  }

  private async connect(): Promise<void> {
    const client = new Client(this.options.connection);
    client.on('notification', (notification) => this.receive(client, notification));
    client.on('error', (error) => this.lost(client, error.message));
    client.on('end', () => this.lost(client, 'the connection ended'));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      client.removeAllListeners('end');
      await withTimeout(client.end(), 1_000).catch(() => client.connection.stream.destroy());
      throw error;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.listeningSince = performance.now();
    this.provenAt = undefined;
    this.beatsSent.clear();
    this.beatInFlight = false;
    this.beat();
  }

  private waitForProof(timeoutMs: number): Promise<void> {
    if (this.provenAt) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.proofWaiters = this.proofWaiters.filter((waiter) => waiter !== proven);
        reject(
          new Error(
            `Response cache: the invalidation channel does not deliver notifications. This process sent itself a ` +
              `NOTIFY on "${CHANNEL}" and did not hear it back on its LISTEN connection within ${timeoutMs} ms. ` +
              'A connection pooler in transaction or statement mode (PgBouncer pool_mode=transaction, for example) ' +
              'cannot LISTEN: point DATABASE_URL at PostgreSQL itself or at a session-mode pool, or turn the ' +
              'response cache off with RESPONSE_CACHE=false.',
          ),
        );
      }, timeoutMs);
      const proven = () => {
        clearTimeout(timer);
        resolve();
      };
      this.proofWaiters.push(proven);
    });
  }

  /** Every HEARTBEAT_MS: notice a fence, forget long-silent peers, replace a silent connection, send a beat. */
  private tick(): void {
    if (this.stopped) return;
    const now = performance.now();
    if (this.everProven && !this.ready) this.fence(this.client ? 'has not heard its own heartbeat in time' : 'lost its LISTEN connection');
    for (const [id, peer] of this.peers) if (now - peer.lastHeard > peer.fenceMs + MARGIN_MS) this.peers.delete(id);
    const client = this.client;
    if (!client) return;
    const silentSince = this.provenAt ? this.provenAt.monotonic : this.listeningSince;
    if (this.everProven && now - silentSince > RECONNECT_SILENCE_FACTOR * this.options.fenceMs) {
      this.lost(client, `none of its heartbeats came back for ${Math.round(now - silentSince)} ms`);
      client.connection.stream.destroy();
      return;
    }
    this.beat();
    if (this.owesEverything && this.ready) {
      this.owesEverything = false;
      this.broadcast('*').catch(() => undefined);
    }
  }

  /** Sends a beat on the LISTEN connection, one at a time: a stalled connection queues nothing. */
  private beat(): void {
    const client = this.client;
    if (!client || this.beatInFlight) return;
    const seq = ++this.beatSeq;
    // Noted before sending: the beat can only commit after this moment.
    this.beatsSent.set(seq, instant());
    this.beatInFlight = true;
    this.send(client, { kind: 'beat', from: this.id, seq, fenceMs: this.options.fenceMs })
      .catch(() => undefined)
      .finally(() => {
        if (this.client === client) this.beatInFlight = false;
      });
  }

  /** Stops serving hits and empties the cache (once per fence); hits resume when a beat is heard again. */
  private fence(reason: string): void {
    if (this.fencedSince !== undefined || this.stopped) return;
    this.fencedSince = this.provenAt ? this.provenAt.monotonic + this.options.fenceMs : performance.now();
    this.options.onInvalidate('*');
    metrics.cacheFences.inc();
    this.options.log.warn(`response cache: fenced (pid ${process.pid}): ${reason}; serving every request from the database until the channel is proven again`);
  }

  private proven(sentAt: Instant): void {
    if (this.provenAt && sentAt.monotonic <= this.provenAt.monotonic) return;
    if (!this.ready) {
      // Fenced until now, whether or not a tick noticed (a stopped process wakes with stale timers):
      // drop everything, and bump the epoch so nothing read while fenced is stored.
      if (this.everProven) this.fence('had not heard its own heartbeat in time');
      this.options.onInvalidate('*');
    }
    this.provenAt = sentAt;
    this.everProven = true;
    if (this.fencedSince !== undefined) {
      metrics.cacheFencedSeconds.inc(Math.max(0, performance.now() - this.fencedSince) / 1000);
      this.fencedSince = undefined;
      this.options.log.info(`response cache: the invalidation channel is proven again (pid ${process.pid}); serving cached answers`);
    }
    const waiters = this.proofWaiters;
    this.proofWaiters = [];
    for (const waiter of waiters) waiter();
  }

  private lost(client: Client, reason: string): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.provenAt = undefined;
    // Invalidations may be missed from now on. Writes in flight are not settled early: each waits for
    // its own deadline, which holds without this connection (rule 3a).
    if (this.everProven) this.fence(`lost its LISTEN connection (${reason}); reconnecting`);
    else this.options.onInvalidate('*');
    if (this.stopped) return;
    if (!this.everProven) this.options.log.warn(`response cache: lost the invalidation channel (${reason}); reconnecting`);
    let delay = RECONNECT_FIRST_MS;
    const retry = () => {
      if (this.stopped) return;
      this.connect().catch(() => {
        delay = Math.min(RECONNECT_MAX_MS, delay * 2);
        this.reconnectTimer = setTimeout(retry, delay);
      });
    };
    this.reconnectTimer = setTimeout(retry, delay);
  }

  private async send(client: Client, message: Message): Promise<void> {
    await client.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify(message)]);
  }

  private receive(client: Client, notification: Notification): void {
    if (this.client !== client || notification.channel !== CHANNEL || !notification.payload) return;
    let message: Message;
    try {
      message = JSON.parse(notification.payload) as Message;
    } catch {
      return;
    }
    if (message.from === this.id) {
      if (message.kind === 'beat') {
        const sentAt = this.beatsSent.get(message.seq);
        for (const seq of this.beatsSent.keys()) if (seq <= message.seq) this.beatsSent.delete(seq);
        if (sentAt) this.proven(sentAt);
      } else if (message.kind === 'invalidate') {
        this.echoed(message.seq);
      }
      return;
    }
    if (message.kind === 'bye') {
      // A peer says bye only once it serves no more hits.
      this.peers.delete(message.from);
      for (const [seq, entry] of this.pending) {
        entry.acked.add(message.from);
        this.check(seq);
      }
      return;
    }
    const known = this.peers.get(message.from);
    const fenceMs = 'fenceMs' in message ? Math.min(MAX_FENCE_MS, Math.max(MIN_FENCE_MS, Number(message.fenceMs) || DEFAULT_FENCE_MS)) : known?.fenceMs ?? DEFAULT_FENCE_MS;
    this.peers.set(message.from, { lastHeard: performance.now(), fenceMs });
    switch (message.kind) {
      case 'invalidate':
        this.options.onInvalidate(message.tags);
        this.send(client, { kind: 'ack', from: this.id, to: message.from, seq: message.seq }).catch(() => undefined);
        break;
      case 'ack': {
        if (message.to !== this.id) return;
        const entry = this.pending.get(message.seq);
        if (!entry) return;
        entry.acked.add(message.from);
        this.check(message.seq);
        break;
      }
    }
  }

  /** Our own invalidation is back: every peer heard before it is known, with its last sign of life. */
  private echoed(seq: number): void {
    const entry = this.pending.get(seq);
    if (!entry || entry.echo) return;
    const silentUntil = new Map<string, number>();
    for (const [id, peer] of this.peers) silentUntil.set(id, peer.lastHeard + peer.fenceMs + MARGIN_MS);
    entry.fenceMs = Math.max(entry.fenceMs, this.largestFenceMs());
    entry.echo = { listeningSince: this.listeningSince, silentUntil };
    this.check(seq);
  }
}

/** Rejects when `promise` has not settled within `ms`. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
