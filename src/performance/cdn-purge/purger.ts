import { metrics } from '../../platform/metrics';
import type { PurgeBatch, PurgeRequest, PurgeTarget } from './targets';

/**
 * Purges one CDN: batches what writes ask for, sends it with a timeout and a couple of fast retries, and
 * when a purge still fails, owes the CDN a ban of everything and keeps sending one in the background
 * until it gets through, so the CDN does not keep an answer older than an acknowledged write for long.
 *
 * ## Batching
 * Purges asked for in the same turn of the event loop (the invalidations of one transaction's commit)
 * travel together, and while one batch is on its way every purge asked for meanwhile waits for the
 * next: under a burst of writes each CDN gets one request at a time, holding every tag asked for since.
 * A ban of everything absorbs the tags queued with it.
 *
 * ## Failure
 * A purge is never an error for the write that asked for it (the write has committed): `purge` resolves
 * once the batch holding it was taken or given up. Giving up is logged (the CDN's origin, never its path,
 * query or credentials), counted in `news_cms_cdn_purges_total{result="failed"}`, and raises
 * `news_cms_cdn_purge_owed` until a ban of everything has been taken after the last failure.
 */

export interface PurgeLog {
  info(message: string): void;
  error(message: string): void;
}

export interface PurgeTiming {
  /** Longest one request may take. */
  attemptTimeoutMs: number;
  /** Pauses before each retry: its length is the number of retries. */
  retryDelaysMs: readonly number[];
  /** First and longest pause between background bans of everything. */
  catchUpFirstDelayMs: number;
  catchUpMaxDelayMs: number;
}

export const DEFAULT_PURGE_TIMING: PurgeTiming = {
  attemptTimeoutMs: 2_000,
  retryDelaysMs: [100, 400],
  catchUpFirstDelayMs: 1_000,
  catchUpMaxDelayMs: 30_000,
};

/** Tags named in a log line, at most. */
const LOGGED_TAGS = 5;

export class TargetPurger {
  private readonly queuedTags = new Set<string>();
  private queuedEverything = false;
  /** Tags (or everything) to send once more, without holding any write: the target's repeat. */
  private readonly repeatTags = new Set<string>();
  private repeatEverything = false;
  private waiters: Array<() => void> = [];
  private scheduled = false;
  private sending = false;
  /** Failures so far, and how many of them a ban of everything has since covered. */
  private failures = 0;
  private failuresCovered = 0;
  private catchUpTimer: NodeJS.Timeout | undefined;
  private catchingUp = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    readonly target: PurgeTarget,
    private readonly log: PurgeLog,
    private readonly timing: PurgeTiming = DEFAULT_PURGE_TIMING,
  ) {}

  /** True while a failed purge has not been made good by a ban of everything. */
  get owesEverything(): boolean {
    return this.failures > this.failuresCovered;
  }

  /** Resolves once the batch holding `batch` has been taken or given up; never rejects. */
  purge(batch: PurgeBatch): Promise<void> {
    if (batch !== '*' && batch.length === 0) return Promise.resolve();
    if (batch === '*') this.queuedEverything = true;
    else for (const tag of batch) this.queuedTags.add(tag);
    return new Promise<void>((resolve) => {
      this.waiters.push(resolve);
      this.schedule();
    });
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.catchUpTimer);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private schedule(): void {
    if (this.scheduled || this.sending) return;
    this.scheduled = true;
    // The rest of this turn's purges join the batch.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.sending = true;
    try {
      while (this.queuedEverything || this.queuedTags.size > 0 || this.repeatEverything || this.repeatTags.size > 0) {
        const fresh: PurgeBatch = this.queuedEverything ? '*' : [...this.queuedTags];
        const everything = this.queuedEverything || this.repeatEverything;
        const batch: PurgeBatch = everything ? '*' : [...new Set([...this.queuedTags, ...this.repeatTags])];
        const waiters = this.waiters;
        this.queuedTags.clear();
        this.repeatTags.clear();
        this.queuedEverything = false;
        this.repeatEverything = false;
        this.waiters = [];
        const taken = await this.deliver(batch);
        if (taken && (fresh === '*' || fresh.length > 0)) this.scheduleRepeat(fresh);
        for (const resolve of waiters) resolve();
      }
    } finally {
      this.sending = false;
    }
  }

  /** Sends every request of `batch`; false (logged, counted, owed) when one was not taken. */
  private async deliver(batch: PurgeBatch): Promise<boolean> {
    const failures = (await Promise.all(this.target.requestsFor(batch).map((request) => this.sendWithRetries(request)))).filter(
      (failure): failure is string => failure !== null,
    );
    if (failures.length === 0) {
      metrics.cdnPurges.inc({ target: this.target.name, result: 'ok' });
      return true;
    }
    metrics.cdnPurges.inc({ target: this.target.name, result: 'failed' });
    this.log.error(
      `CDN purge: ${this.target.name} at ${this.target.where} did not take the purge of ${describe(batch)} ` +
        `(${failures[0]}; ${1 + this.timing.retryDelaysMs.length} attempts). The write stands; everything will be ` +
        'banned there as soon as it answers, and until then it may serve older answers.',
    );
    this.oweEverything();
    return false;
  }

  private scheduleRepeat(batch: PurgeBatch): void {
    const delay = this.target.repeatAfterMs;
    if (delay === undefined || this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.stopped) return;
      if (batch === '*') this.repeatEverything = true;
      else for (const tag of batch) this.repeatTags.add(tag);
      this.schedule();
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }

  private oweEverything(): void {
    this.failures += 1;
    metrics.cdnPurgeOwed.set({ target: this.target.name }, 1);
    if (!this.catchUpTimer && !this.catchingUp) this.scheduleCatchUp(this.timing.catchUpFirstDelayMs);
  }

  private scheduleCatchUp(delayMs: number): void {
    if (this.stopped) return;
    this.catchUpTimer = setTimeout(() => {
      this.catchUpTimer = undefined;
      void this.catchUp(delayMs);
    }, delayMs);
    this.catchUpTimer.unref();
  }

  /** One background ban of everything; again later, each pause twice the last, until one is taken. */
  private async catchUp(delayMs: number): Promise<void> {
    if (this.stopped) return;
    this.catchingUp = true;
    const covering = this.failures;
    const failures = (await Promise.all(this.target.requestsFor('*').map((request) => this.send(request)))).filter((failure) => failure !== null);
    this.catchingUp = false;
    if (failures.length > 0) {
      metrics.cdnPurges.inc({ target: this.target.name, result: 'failed' });
      this.scheduleCatchUp(Math.min(delayMs * 2, this.timing.catchUpMaxDelayMs));
      return;
    }
    metrics.cdnPurges.inc({ target: this.target.name, result: 'ok' });
    // A failure while this ban was on its way may be about a write that committed after it: owed still.
    this.failuresCovered = covering;
    if (this.owesEverything) {
      this.scheduleCatchUp(this.timing.catchUpFirstDelayMs);
      return;
    }
    metrics.cdnPurgeOwed.set({ target: this.target.name }, 0);
    this.log.info(`CDN purge: ${this.target.name} at ${this.target.where} took a ban of everything; it holds no answer older than the writes acknowledged so far`);
    this.scheduleRepeat('*');
  }

  /** null when taken, else why not; retried after each of `retryDelaysMs`, except for a refusal. */
  private async sendWithRetries(request: PurgeRequest): Promise<string | null> {
    let failure = await this.send(request);
    for (const delay of this.timing.retryDelaysMs) {
      if (failure === null || failure.startsWith('refused')) return failure;
      await new Promise((resolve) => setTimeout(resolve, delay));
      failure = await this.send(request);
    }
    return failure;
  }

  private async send(request: PurgeRequest): Promise<string | null> {
    try {
      const response = await fetch(this.target.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timing.attemptTimeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) return null;
      // A refusal (a purger ACL, a wrong key, a malformed request) will not change on a retry.
      const refusal = response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429;
      return `${refusal ? 'refused: ' : ''}HTTP ${response.status}`;
    } catch (error) {
      return reasonOf(error, this.timing.attemptTimeoutMs);
    }
  }
}

/** A network failure in a few words: a timeout, or the system's error code. */
function reasonOf(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs} ms`;
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === 'string') return cause.code;
  return error instanceof Error ? error.message : String(error);
}

function describe(batch: PurgeBatch): string {
  if (batch === '*') return 'everything';
  const named = batch.slice(0, LOGGED_TAGS).join(', ');
  return `${batch.length} tag${batch.length === 1 ? '' : 's'} (${named}${batch.length > LOGGED_TAGS ? ', ...' : ''})`;
}
