import type { Core } from '@strapi/strapi';
import { guardPatch } from '../../performance/registry/guard';
import { PATCHES } from '../../performance/registry/patches';

/**
 * A write is acknowledged only once its COMMIT succeeded.
 *
 * Strapi runs every Document Service write in a transaction it opens with
 * `knex.transaction()` and ends with `await trx.commit()`. In knex 3 that
 * `commit()` resolves even when the COMMIT fails (the connection was ended by a
 * server restart, say): the failure only rejects the transaction's
 * `executionPromise`, which Strapi does not read. The write is rolled back, and
 * the request still answers 201. Found by the restart-under-load fault test.
 *
 * This makes the transactions Strapi opens wait for that promise after
 * committing, so a failed COMMIT fails the request (a 503, as the database
 * fault it is). Guarded as every patch is (src/performance/registry): when
 * knex is not the 3.x this was written for, the start is refused rather than
 * run with writes that may be acknowledged and lost.
 */

interface Transactor {
  commit: (value?: unknown) => Promise<unknown>;
  executionPromise?: Promise<unknown>;
}

type TransactionFn = (container?: unknown, config?: unknown) => Promise<unknown>;

const guarded = new WeakSet<object>();

function guardCommit(trx: Transactor): void {
  const execution = trx.executionPromise;
  if (!(execution instanceof Promise) || typeof trx.commit !== 'function') return;
  // Read here, so a failure never goes unhandled; it reaches the committer below.
  execution.catch(() => undefined);
  const commit = trx.commit;
  trx.commit = async function commitAndConfirm(this: unknown, value?: unknown) {
    await commit.call(this, value);
    await execution;
  };
}

export function confirmCommits(strapi: Core.Strapi): void {
  const knex = strapi.db.connection as unknown as { transaction: TransactionFn };
  if (guarded.has(knex)) return;
  // Throws (refusing the start) when knex's transaction() is not what this was written for.
  if (!guardPatch(strapi, PATCHES.commitGuard, knex)) return;
  const original = knex.transaction;
  guarded.add(knex);
  Object.defineProperty(knex, 'transaction', {
    configurable: true,
    value: function transaction(this: unknown, container?: unknown, config?: unknown) {
      const result = original.call(this, container, config);
      // With a handler, knex settles the returned promise with the COMMIT's outcome itself.
      if (typeof container === 'function' || !(result instanceof Promise)) return result;
      return result.then((trx) => {
        if ((trx !== null && typeof trx === 'object') || typeof trx === 'function') guardCommit(trx as Transactor);
        return trx;
      });
    },
  });
}
