import type { Core } from '@strapi/strapi';

interface PoolStats {
  numUsed(): number;
  numPendingAcquires(): number;
  numPendingCreates(): number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until no query is running or waiting for a connection, for `quietMs`
 * in a row. Strapi emits entry events (webhooks, audit) after a write without
 * awaiting them; destroying Strapi under them aborts their queries with an
 * unhandled rejection. Call this before `strapi.destroy()` after writes.
 */
export async function waitForDatabaseIdle(strapi: Core.Strapi, { quietMs = 150, timeoutMs = 10_000 } = {}) {
  // knex keeps its tarn pool on the client; Strapi's types do not expose it.
  const pool = (strapi.db.connection.client as unknown as { pool?: PoolStats }).pool;
  if (!pool) return;
  const busy = () => pool.numUsed() + pool.numPendingAcquires() + pool.numPendingCreates() > 0;
  const deadline = Date.now() + timeoutMs;
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    if (busy()) quietSince = Date.now();
    else if (Date.now() - quietSince >= quietMs) return;
    await sleep(20);
  }
}
