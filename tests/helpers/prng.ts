/**
 * A small seeded pseudo-random generator (mulberry32) for generated tests: the
 * same seed gives the same sequence, so a failing case can be replayed from the
 * seed its suite prints.
 */
export interface Random {
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Each item kept with the given probability, in the items' order. */
  subset<T>(items: readonly T[], probability?: number): T[];
  /** A copy in random order. */
  shuffle<T>(items: readonly T[]): T[];
  /** A new generator whose sequence depends only on this one's seed and the label. */
  fork(label: string): Random;
}

export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const random: Random = {
    seed,
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (probability) => next() < probability,
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)];
    },
    subset: (items, probability = 0.5) => items.filter(() => next() < probability),
    shuffle: (items) => {
      const copy = [...items];
      for (let index = copy.length - 1; index > 0; index -= 1) {
        const other = Math.floor(next() * (index + 1));
        [copy[index], copy[other]] = [copy[other], copy[index]];
      }
      return copy;
    },
    fork: (label) => {
      let hash = seed >>> 0;
      for (const character of label) hash = Math.imul(hash ^ character.charCodeAt(0), 0x01000193) >>> 0;
      return createRandom(hash);
    },
  };
  return random;
}

/** The seed from the named environment variable when set (to replay a failure), else a fresh one. */
export function seedFromEnvironment(name: string): number {
  const raw = process.env[name]?.trim();
  if (raw) {
    const seed = Number(raw);
    if (!Number.isInteger(seed) || seed < 0) throw new Error(`${name} must be a whole number, not "${raw}"`);
    return seed;
  }
  return Math.floor(Math.random() * 2 ** 31);
}
