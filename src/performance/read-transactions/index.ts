import type { Core } from '@strapi/strapi';
import { guardPatch, notePatchOff } from '../registry/guard';
import { PATCHES } from '../registry/patches';

/** Document Service actions that only read. */
const READ_ACTIONS = new Set(['findMany', 'findFirst', 'findOne', 'count']);

type TransactionCallback = (params: unknown) => unknown;
type Transaction = (callback?: TransactionCallback) => Promise<unknown>;

/** Set only while a read's own Document Service call is being made (see below). */
let readCallPending = false;

/** What `strapi.db.transaction` hands its callback, for a read that runs without one. */
const NO_TRANSACTION = Object.freeze({
  trx: undefined,
  commit: async () => {},
  rollback: async () => {},
  // Nothing is pending to commit: a callback registered here runs at once, as it would after a commit.
  onCommit: (callback: () => void) => callback(),
  onRollback: () => {},
});

/**
 * Document Service reads without BEGIN and COMMIT.
 *
 * Strapi wraps every Document Service call, reads included, in a transaction:
 * a REST list costs BEGIN, the page, one statement per populated relation and
 * COMMIT, then BEGIN, the count and COMMIT again: 4 of its statements are
 * transaction control, each a round trip and work for PostgreSQL. Under READ
 * COMMITTED (PostgreSQL's default) every statement takes its own snapshot
 * whether or not it is in a transaction, so a read-only transaction gives its
 * statements nothing they would not have alone: the answer is the same without it.
 *
 * So a read that is not already inside a transaction runs its statements
 * straight on the pool. A read inside a transaction (a write's lifecycle, the
 * seed) still joins that transaction and sees its uncommitted writes, as
 * before. When the database's default isolation is stricter than READ
 * COMMITTED, a transaction does give the statements one snapshot, and reads
 * keep it (checked once at start).
 *
 * How a read is recognised: the last Document Service middleware (registered
 * in bootstrap, after every plugin's) marks the call it makes next. The
 * repository method it calls opens its transaction synchronously, before any
 * await, so the mark is seen by exactly that `strapi.db.transaction` call and
 * is cleared the moment the middleware's call returns; a transaction opened
 * later (by anything else) is never affected.
 *
 * Off when STOCK_STRAPI=true or TRANSACTION_FREE_READS=false.
 */
export async function runReadsWithoutTransactions(strapi: Core.Strapi): Promise<void> {
  if (!guardPatch(strapi, PATCHES.readsWithoutTransactions, { db: strapi.db, documents: strapi.documents })) return;

  const { rows } = (await strapi.db.connection.raw('show default_transaction_isolation')) as {
    rows: Array<{ default_transaction_isolation: string }>;
  };
  const isolation = rows[0]?.default_transaction_isolation;
  if (isolation !== 'read committed') {
    strapi.log.info(`Document Service reads keep their transactions: the default isolation is ${isolation}`);
    notePatchOff(strapi, PATCHES.readsWithoutTransactions, `the default isolation is ${isolation}`);
    return;
  }

  // Typed locally: the database's declared `transaction` overloads are narrower than the call passed through.
  const db = strapi.db as unknown as { transaction: Transaction; inTransaction: () => boolean };
  const stockTransaction: Transaction = db.transaction.bind(db);

  db.transaction = (callback) => {
    if (readCallPending && callback && !db.inTransaction()) {
      readCallPending = false;
      return Promise.resolve().then(() => callback(NO_TRANSACTION));
    }
    return stockTransaction(callback);
  };

  strapi.documents.use((context, next) => {
    if (!READ_ACTIONS.has(context.action)) return next();
    readCallPending = true;
    try {
      return next();
    } finally {
      readCallPending = false;
    }
  });
}
