/**
 * Every PostgreSQL advisory lock the app takes, each key given out here once, so no two pieces of
 * work share a number by accident. They are transaction-level locks (`pg_advisory_xact_lock`):
 * held until the caller's transaction ends, so processes that start together (cluster workers, a
 * test run beside `npm run seed`) do each piece of work one after another, and the later ones find
 * it done. The numbers are arbitrary and fixed: they name the locks in pg_locks.
 */
export const ADVISORY_LOCK_KEYS = {
  /** The seed (src/content/seed): concurrent boots must not create duplicates. */
  seed: 74042022,
  /** The read indexes, after the schema sync (src/performance/read-indexes). */
  readIndexes: 74042023,
  /** The published-row counters' triggers, after the schema sync (src/performance/published-counts). */
  publishedCounters: 74042024,
  /** The webhook queue's schema and the delivery log's table, after the schema sync (src/integrations/webhooks). */
  webhookQueue: 74042025,
  /** The search index's table, functions and triggers, after the schema sync (src/content/search). */
  searchIndex: 74042026,
} as const;

/**
 * The class of the two-key locks `(class, hashtext(queue name))` that order one webhook queue's
 * jobs (src/integrations/webhooks/queue.ts): a different key space from the one-key locks above.
 */
export const WEBHOOK_QUEUE_LOCK_CLASS = 74042027;

export type AdvisoryLock = keyof typeof ADVISORY_LOCK_KEYS;

interface Knex {
  raw: (sql: string, bindings?: readonly unknown[]) => PromiseLike<unknown>;
}

/** Waits for the lock and holds it until the transaction of `trx` ends. */
export async function lockUntilCommit(trx: Knex, lock: AdvisoryLock): Promise<void> {
  await trx.raw('SELECT pg_advisory_xact_lock(?)', [ADVISORY_LOCK_KEYS[lock]]);
}
