import { retryDelayMs, webhookMaxAttempts } from '../../src/integrations/webhooks';
import { JITTER } from '../../src/integrations/webhooks/retry-schedule';
import { createRandom } from '../helpers/prng';

const mulberry32 = (seed: number) => createRandom(seed).next;

/** The back-off of failed deliveries: quick at first, about a day in all, never in lockstep. */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The waits of one event that fails every attempt. */
const waits = (maxAttempts: number, random: () => number) => {
  const delays: number[] = [];
  for (let attempt = 1; ; attempt += 1) {
    const delay = retryDelayMs(attempt, maxAttempts, random);
    if (delay === null) return delays;
    delays.push(delay);
  }
};

test('12 attempts by default: the first two retries within a minute, then growing waits, about a day in all', () => {
  const previous = process.env.WEBHOOK_MAX_ATTEMPTS;
  delete process.env.WEBHOOK_MAX_ATTEMPTS;
  expect(webhookMaxAttempts()).toBe(12);
  process.env.WEBHOOK_MAX_ATTEMPTS = 'twelve';
  expect(() => webhookMaxAttempts()).toThrow(/WEBHOOK_MAX_ATTEMPTS must be a whole number/);
  process.env.WEBHOOK_MAX_ATTEMPTS = '5';
  expect(webhookMaxAttempts()).toBe(5);
  if (previous === undefined) delete process.env.WEBHOOK_MAX_ATTEMPTS;
  else process.env.WEBHOOK_MAX_ATTEMPTS = previous;

  for (const random of [() => 0, () => 0.999_999, mulberry32(7)]) {
    const delays = waits(12, random);
    expect(delays).toHaveLength(11);
    expect(delays[0] + delays[1]).toBeLessThan(MINUTE);
    const total = delays.reduce((sum, delay) => sum + delay, 0);
    expect(total).toBeGreaterThan(16 * HOUR);
    expect(total).toBeLessThan(28 * HOUR);
  }
  // Without jitter each wait is longer than the one before.
  const middle = waits(12, () => 0.5);
  for (let index = 1; index < middle.length; index += 1) expect(middle[index]).toBeGreaterThan(middle[index - 1]);
});

test('jitter spreads events that failed together, within ±20 %', () => {
  const random = mulberry32(42);
  const firstRetries = Array.from({ length: 200 }, () => retryDelayMs(1, 12, random) as number);
  expect(new Set(firstRetries).size).toBeGreaterThan(150);
  expect(Math.min(...firstRetries)).toBeGreaterThanOrEqual(5_000 * (1 - JITTER));
  expect(Math.max(...firstRetries)).toBeLessThanOrEqual(5_000 * (1 + JITTER));
});

test('WEBHOOK_MAX_ATTEMPTS bounds the attempts; attempts past the schedule wait as long as its last step', () => {
  expect(waits(1, Math.random)).toEqual([]);
  expect(waits(3, () => 0.5)).toEqual([5_000, 30_000]);
  const long = waits(15, () => 0.5);
  expect(long).toHaveLength(14);
  expect(long.slice(-4)).toEqual([8 * HOUR, 8 * HOUR, 8 * HOUR, 8 * HOUR]);
  expect(() => retryDelayMs(0, 12)).toThrow(/at least 1/);
});
