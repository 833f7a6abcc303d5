import { readPositiveInteger } from '../../platform/settings';

/**
 * When a failed delivery is tried again. Exponential-ish back-off with jitter: the first
 * two retries within a minute (a receiver restarting), then growing waits, so the default
 * 12 attempts span about a day (5 s, 30 s, 2 min, 5 min, 15 min, 30 min, 1 h, 2 h, 4 h,
 * 6 h, 8 h: 21.9 h). Attempts past the list wait as long as the last. The jitter
 * (±20 %) keeps the retries of many events that failed together from arriving together.
 */

const BASE_DELAYS_MS = [5, 30, 120, 300, 900, 1_800, 3_600, 7_200, 14_400, 21_600, 28_800].map((seconds) => seconds * 1000);
export const JITTER = 0.2;

/** WEBHOOK_MAX_ATTEMPTS: attempts in all, the first one included (default 12). */
export const webhookMaxAttempts = (): number => readPositiveInteger('WEBHOOK_MAX_ATTEMPTS', 12);

export const RETRY_SCALE_RANGE = { min: 0.001, max: 1 } as const;

/**
 * WEBHOOK_RETRY_SCALE: every wait multiplied by this (default 1). Below 1 only to try the
 * schedule out (tests, a staging receiver): at the floor, 0.001, the first retry comes after
 * about 5 ms and the whole day of retries takes under a minute and a half.
 */
export function webhookRetryScale(env: Record<string, string | undefined> = process.env): number {
  const raw = env.WEBHOOK_RETRY_SCALE?.trim();
  if (raw === undefined || raw === '') return 1;
  const value = Number(raw);
  if (!/^\d*\.?\d+$/.test(raw) || !(value >= RETRY_SCALE_RANGE.min && value <= RETRY_SCALE_RANGE.max)) {
    throw new Error(`WEBHOOK_RETRY_SCALE must be a number from ${RETRY_SCALE_RANGE.min} to ${RETRY_SCALE_RANGE.max}, not "${raw}"`);
  }
  return value;
}

/**
 * How long to wait after failed attempt `attempt` (1 for the first) before the next one;
 * null when it was the last allowed. `random` is in [0, 1).
 */
export function retryDelayMs(attempt: number, maxAttempts: number, random: () => number = Math.random, scale = 1): number | null {
  if (!Number.isInteger(attempt) || attempt < 1) throw new Error(`attempt must be a whole number of at least 1, not ${attempt}`);
  if (attempt >= maxAttempts) return null;
  const base = BASE_DELAYS_MS[Math.min(attempt, BASE_DELAYS_MS.length) - 1];
  return Math.max(1, Math.round(base * scale * (1 - JITTER + 2 * JITTER * random())));
}
