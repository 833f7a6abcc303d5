import { randomUUID } from 'node:crypto';
import { Client, type ClientConfig, type Notification } from 'pg';
import { metrics } from '../../platform/metrics';

/**
 * Carries cache invalidations between every process serving this database
 * (the workers of `npm start`, and any other machine) over PostgreSQL's
 * LISTEN/NOTIFY, so no other service is needed.
 *
 * A write is acknowledged only once every peer has dropped the affected
 * entries: `broadcast` sends the tags, waits for its own message to come back
 * (PostgreSQL delivers notifications in commit order, so every peer that had
 * announced itself before is known by then), then waits for each of those peers
 * to confirm. A peer that does not answer within ACK_TIMEOUT_MS is taken as
 * gone and dropped from the list; it will have to announce itself again.
 *
 * While the listening connection is down a process may miss invalidations, so
 * it serves no cached answers (`ready` is false) and empties its cache when it
 * reconnects; its own writes are still announced, over Strapi's connection pool.
 */

const CHANNEL = 'news_cms_response_cache';
const ACK_TIMEOUT_MS = 2_000;
/** After announcing itself, time for running peers' replies to arrive before hits are served. */
const SETTLE_MS = 300;
const RECONNECT_MS = 1_000;

type Message =
  | { kind: 'hello' | 'here' | 'bye'; from: string }
  | { kind: 'invalidate'; from: string; seq: number; tags: string[] | '*' }
  | { kind: 'ack'; from: string; to: string; seq: number };

interface Pending {
  echoed: boolean;
  waitingFor: Set<string>;
  settle: () => void;
  timer?: NodeJS.Timeout;
}

export interface BusOptions {
  connection: ClientConfig;
  /** Sends a NOTIFY over another connection: used while the listening one is down. */
  notifyFallback: (channel: string, payload: string) => Promise<unknown>;
  /** Drops the given tags (or everything) from this process's cache. */
  onInvalidate: (tags: string[] | '*') => void;
  log: { warn: (message: string) => void; debug?: (message: string) => void };
}

export class InvalidationBus {
  readonly id = randomUUID();
  private client: Client | undefined;
  private readonly peers = new Set<string>();
  private readonly pending = new Map<number, Pending>();
  private readonly inFlight = new Set<Promise<void>>();
  private seq = 0;
  private connected = false;
  private settled = false;
  private stopped = false;

  constructor(private readonly options: BusOptions) {}

  /** True when invalidations from other processes are known to reach this one. */
  get ready(): boolean {
    return this.connected && this.settled;
  }

  /** Other processes known to listen on the channel. */
  get peerCount(): number {
    return this.peers.size;
  }

  async start(): Promise<void> {
    await this.connect();
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    this.settled = true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.drain();
    const client = this.client;
    this.client = undefined;
    this.connected = false;
    if (!client) return;
    await this.send(client, { kind: 'bye', from: this.id }).catch(() => undefined);
    await client.end().catch(() => undefined);
  }

  /** Tells every peer to drop `tags`; resolves when all of them have. */
  broadcast(tags: string[] | '*'): Promise<void> {
    const client = this.client;
    if (!client || !this.connected) {
      // The peers must still hear of the write; without our listener their confirmations cannot be heard.
      const message: Message = { kind: 'invalidate', from: this.id, seq: ++this.seq, tags };
      return this.options.notifyFallback(CHANNEL, JSON.stringify(message)).then(
        () => undefined,
        (error: Error) => this.options.log.warn(`response cache: could not send an invalidation (${error.message})`),
      );
    }
    const seq = ++this.seq;
    const endLagTimer = metrics.invalidationLag.startTimer();
    const done = new Promise<void>((resolve) => {
      const settle = () => {
        endLagTimer();
        resolve();
      };
      const entry: Pending = { echoed: false, waitingFor: new Set(), settle };
      this.pending.set(seq, entry);
      entry.timer = setTimeout(() => this.giveUp(seq), ACK_TIMEOUT_MS);
    });
    this.send(client, { kind: 'invalidate', from: this.id, seq, tags }).catch((error: Error) => {
      this.options.log.warn(`response cache: could not send an invalidation (${error.message})`);
      this.finish(seq);
    });
    const tracked = done.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
    return tracked;
  }

  /** Waits for every broadcast started so far to be confirmed. */
  async drain(): Promise<void> {
    if (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private async connect(): Promise<void> {
    const client = new Client(this.options.connection);
    client.on('notification', (notification) => this.receive(client, notification));
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.client = client;
    this.connected = true;
    await this.send(client, { kind: 'hello', from: this.id });
  }

  private lost(client: Client, error?: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.connected = false;
    // Invalidations may be missed from now on: forget everything, and let writes go unconfirmed.
    this.options.onInvalidate('*');
    for (const seq of [...this.pending.keys()]) this.finish(seq);
    if (this.stopped) return;
    this.options.log.warn(`response cache: lost the invalidation channel${error ? ` (${error.message})` : ''}; reconnecting`);
    const retry = () => {
      if (this.stopped) return;
      this.connect().catch(() => setTimeout(retry, RECONNECT_MS));
    };
    setTimeout(retry, RECONNECT_MS);
  }

  private async send(client: Client, message: Message): Promise<void> {
    await client.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify(message)]);
  }

  private receive(client: Client, notification: Notification): void {
    if (notification.channel !== CHANNEL || !notification.payload) return;
    let message: Message;
    try {
      message = JSON.parse(notification.payload) as Message;
    } catch {
      return;
    }
    if (message.from === this.id) {
      if (message.kind === 'invalidate') this.echoed(message.seq);
      return;
    }
    switch (message.kind) {
      case 'hello':
        this.peers.add(message.from);
        this.send(client, { kind: 'here', from: this.id }).catch(() => undefined);
        break;
      case 'here':
        this.peers.add(message.from);
        break;
      case 'bye':
        this.peers.delete(message.from);
        for (const [seq, entry] of this.pending) {
          entry.waitingFor.delete(message.from);
          if (entry.echoed && entry.waitingFor.size === 0) this.finish(seq);
        }
        break;
      case 'invalidate':
        this.peers.add(message.from);
        this.options.onInvalidate(message.tags);
        this.send(client, { kind: 'ack', from: this.id, to: message.from, seq: message.seq }).catch(() => undefined);
        break;
      case 'ack': {
        if (message.to !== this.id) return;
        const entry = this.pending.get(message.seq);
        if (!entry) return;
        entry.waitingFor.delete(message.from);
        if (entry.echoed && entry.waitingFor.size === 0) this.finish(message.seq);
        break;
      }
    }
  }

  /** Our own message is back: every peer that announced itself before it is known now. */
  private echoed(seq: number): void {
    const entry = this.pending.get(seq);
    if (!entry) return;
    entry.echoed = true;
    entry.waitingFor = new Set(this.peers);
    if (entry.waitingFor.size === 0) this.finish(seq);
  }

  private giveUp(seq: number): void {
    const entry = this.pending.get(seq);
    if (!entry) return;
    for (const peer of entry.waitingFor) {
      this.peers.delete(peer);
      this.options.log.warn(`response cache: peer ${peer} did not confirm an invalidation in ${ACK_TIMEOUT_MS} ms; treating it as gone`);
    }
    this.finish(seq);
  }

  private finish(seq: number): void {
    const entry = this.pending.get(seq);
    if (!entry) return;
    this.pending.delete(seq);
    if (entry.timer) clearTimeout(entry.timer);
    entry.settle();
  }
}
