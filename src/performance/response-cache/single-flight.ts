import { metrics } from '../../platform/metrics';
import type { CachedResponse, ResponseStore } from './store';

/**
 * Identical misses computed once. When a publish drops the front page, every
 * reader who asks before it is stored again would otherwise run Strapi's whole
 * pipeline for the same answer; here the first one computes it (`lead`) and the
 * others wait for it (`join`), each process on its own (peer-answers.ts hands
 * the answer to the other workers of the machine).
 *
 * A waiting read gets the answer only if it holds for it: no invalidation of
 * one of the answer's tags started between the moment the computation started
 * and the moment the waiting read arrived. A write is acknowledged only after
 * its invalidation (write-watcher.ts), so a read that arrived after an
 * acknowledged write that concerns the answer computes its own; one that
 * arrived before the acknowledgement was concurrent with the write, and either
 * answer is right for it. The wait is bounded: past FOLLOWER_WAIT_MS, or when the
 * computation gives nothing storable (an error, a bypass), the read computes
 * its own.
 */

/** How long a read waits for an identical one's computation before computing its own. */
const FOLLOWER_WAIT_MS = 5_000;

interface Flight {
  startEpoch: number;
  answer: Promise<CachedResponse | null>;
}

export class SingleFlights {
  private readonly flights = new Map<string, Flight>();

  constructor(private readonly store: ResponseStore) {}

  /** The answer of the computation of `key` in progress, when there is one and it holds for a read arriving now. */
  async join(key: string): Promise<CachedResponse | null> {
    const flight = this.flights.get(key);
    if (!flight) return null;
    const arrivalEpoch = this.store.epoch;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(resolve, FOLLOWER_WAIT_MS, null);
    });
    metrics.cacheCoalescedWaiting.inc();
    const answer = await Promise.race([flight.answer, timeout]).finally(() => {
      clearTimeout(timer);
      metrics.cacheCoalescedWaiting.dec();
    });
    if (!answer || this.store.invalidatedBetween(flight.startEpoch, arrivalEpoch, answer.tags)) return null;
    return answer;
  }

  /** Runs the computation of `key`, for this read and for the identical reads that join it meanwhile. */
  async lead(key: string, compute: () => Promise<CachedResponse | null>): Promise<void> {
    let settle: (answer: CachedResponse | null) => void = () => undefined;
    const flight: Flight = { startEpoch: this.store.epoch, answer: new Promise((resolve) => (settle = resolve)) };
    // A read that found another's flight and then computed its own does not replace it.
    const mine = !this.flights.has(key);
    if (mine) this.flights.set(key, flight);
    try {
      settle(await compute());
    } catch (error) {
      settle(null);
      throw error;
    } finally {
      if (mine && this.flights.get(key) === flight) this.flights.delete(key);
    }
  }
}
