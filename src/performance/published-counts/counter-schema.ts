/**
 * The database side of the published-row counters: one table of counts and
 * statement-level triggers that keep it exact.
 *
 * `published_row_counts` holds, per content-type table, how many of its rows
 * have `published_at` set, spread over COUNTER_SLOTS rows (slots) whose sum is
 * the count. Triggers on the content-type table add what each INSERT, UPDATE
 * and DELETE statement changed (counted from its transition tables, so a bulk
 * `INSERT ... SELECT` of 100,000 rows updates the counter once) and reset it
 * on TRUNCATE. The count changes in the writing transaction itself: it
 * commits or rolls back with the rows it counts, and a reader sees both or
 * neither.
 *
 * Why slots: a row updated in a transaction stays locked until it ends, and a
 * publish (Strapi deletes the published row and inserts a new one) runs for
 * tens of milliseconds after its first change, more under load. With one row
 * per table every publish, unpublish and delete of the type queued behind the
 * others' whole transactions: under 10 publishes a second they waited most of
 * a second each. A statement now adds to a slot no other transaction holds
 * (`FOR UPDATE SKIP LOCKED`), its transaction's own slot first, and waits only
 * when every slot is held. A statement that changes no published row (editing
 * a draft, nearly every save in the admin) touches no slot.
 *
 * Strapi's schema sync leaves tables it did not create alone, so the counter
 * table survives it; triggers go with their table when Strapi recreates one,
 * which the next install notices (it then recounts).
 */

import { lockUntilCommit } from '../../platform/advisory-locks';
import { quoted, STATEMENT_TRIGGER_EVENTS } from '../../platform/sql';

export const COUNTER_TABLE = 'published_row_counts';
/** Rows per counted table: more than the transactions that can write at once through one server's pools. */
export const COUNTER_SLOTS = 32;
const APPLY_FUNCTION = 'published_row_counts_apply';

interface Knex {
  raw: (sql: string, bindings?: readonly unknown[]) => PromiseLike<{ rows: Array<Record<string, unknown>> }>;
}

const triggerName = (table: string, event: string) => `${table}_published_count_${event}`;

// PL/pgSQL plans a statement when it first runs it, so the branch that reads a
// transition table an event does not have (old_rows on INSERT) is never planned.
const APPLY_FUNCTION_SQL = `
CREATE OR REPLACE FUNCTION ${APPLY_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  delta bigint := 0;
  changed bigint;
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    UPDATE ${COUNTER_TABLE} SET published = 0 WHERE table_name = TG_TABLE_NAME;
    RETURN NULL;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    SELECT count(*) INTO changed FROM new_rows WHERE published_at IS NOT NULL;
    delta := delta + changed;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    SELECT count(*) INTO changed FROM old_rows WHERE published_at IS NOT NULL;
    delta := delta - changed;
  END IF;
  IF delta <> 0 THEN
    UPDATE ${COUNTER_TABLE} SET published = published + delta
     WHERE table_name = TG_TABLE_NAME AND slot = (
       SELECT slot FROM ${COUNTER_TABLE} WHERE table_name = TG_TABLE_NAME
        ORDER BY slot = txid_current() % ${COUNTER_SLOTS} DESC, slot
        LIMIT 1 FOR UPDATE SKIP LOCKED);
    IF NOT FOUND THEN
      -- Every slot is held by another transaction: wait for this transaction's own.
      UPDATE ${COUNTER_TABLE} SET published = published + delta
       WHERE table_name = TG_TABLE_NAME AND slot = txid_current() % ${COUNTER_SLOTS};
    END IF;
  END IF;
  RETURN NULL;
END
$$`;

/** True when the counter row and all four triggers of `table` exist. */
async function isInstalled(knex: Knex, table: string): Promise<boolean> {
  const { rows } = await knex.raw(
    `SELECT
       to_regclass(?) IS NOT NULL AS counter_exists,
       (SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass(?) AND tgname = ANY(?)) AS triggers`,
    [COUNTER_TABLE, table, Object.keys(STATEMENT_TRIGGER_EVENTS).map((event) => triggerName(table, event))],
  );
  if (!rows[0].counter_exists || Number(rows[0].triggers) !== Object.keys(STATEMENT_TRIGGER_EVENTS).length) return false;
  const counted = await knex.raw(`SELECT count(*) AS slots FROM ${COUNTER_TABLE} WHERE table_name = ?`, [table]);
  return Number(counted.rows[0].slots) === COUNTER_SLOTS;
}

/**
 * Makes the counters of `tables` exact: creates what is missing and recounts
 * a table whose triggers were missing. Call it inside a transaction: the
 * advisory lock (processes booting together install once) and the table
 * locks are held until it ends. A table the connection's search path does
 * not find (another schema) gets no counter.
 *
 * @returns `counted`: the tables whose counters can be read; `installed`: those of them (re)installed now
 */
export async function installPublishedCounters(knex: Knex, tables: readonly string[]): Promise<{ counted: string[]; installed: string[] }> {
  await lockUntilCommit(knex, 'publishedCounters');
  await addSlotsToCounterTable(knex);
  const counted: string[] = [];
  const installed: string[] = [];
  for (const table of tables) {
    const { rows } = await knex.raw('SELECT to_regclass(?) IS NOT NULL AS table_exists', [table]);
    if (!rows[0].table_exists) continue;
    counted.push(table);
    if (await isInstalled(knex, table)) continue;
    // Writes wait while the triggers are created and the rows counted, so no change is missed or counted twice; reads go on.
    await knex.raw(`LOCK TABLE ${quoted(table)} IN SHARE ROW EXCLUSIVE MODE`);
    await knex.raw(
      `CREATE TABLE IF NOT EXISTS ${COUNTER_TABLE} (table_name text NOT NULL, slot smallint NOT NULL, published bigint NOT NULL, PRIMARY KEY (table_name, slot))`,
    );
    await knex.raw(APPLY_FUNCTION_SQL);
    for (const [event, timing] of Object.entries(STATEMENT_TRIGGER_EVENTS)) {
      const name = quoted(triggerName(table, event));
      await knex.raw(`DROP TRIGGER IF EXISTS ${name} ON ${quoted(table)}`);
      await knex.raw(`CREATE TRIGGER ${name} ${timing.replace('%TABLE%', quoted(table))} EXECUTE FUNCTION ${APPLY_FUNCTION}()`);
    }
    // The whole count in slot 0, every other slot at 0.
    await knex.raw(
      `INSERT INTO ${COUNTER_TABLE} (table_name, slot, published)
       SELECT ?, slot, CASE WHEN slot = 0 THEN (SELECT count(*) FROM ${quoted(table)} WHERE published_at IS NOT NULL) ELSE 0 END
         FROM generate_series(0, ${COUNTER_SLOTS - 1}) AS slot
       ON CONFLICT (table_name, slot) DO UPDATE SET published = excluded.published`,
      [table],
    );
    installed.push(table);
  }
  return { counted, installed };
}

/** The published rows of `table`, or undefined when it has no counter. */
export async function readPublishedCount(knex: Knex, table: string): Promise<number | undefined> {
  const { rows } = await knex.raw(`SELECT count(*) AS slots, sum(published) AS published FROM ${COUNTER_TABLE} WHERE table_name = ?`, [table]);
  return Number(rows[0].slots) === COUNTER_SLOTS ? Number(rows[0].published) : undefined;
}

/**
 * A counter table from before slots (one row per table) gets the slot column, its row becoming
 * slot 0; `isInstalled` then finds the other slots missing and recounts each table.
 */
async function addSlotsToCounterTable(knex: Knex): Promise<void> {
  const { rows } = await knex.raw(
    `SELECT to_regclass(?) IS NOT NULL AS counter_exists,
            EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass(?) AND attname = 'slot' AND NOT attisdropped) AS has_slots`,
    [COUNTER_TABLE, COUNTER_TABLE],
  );
  if (!rows[0].counter_exists || rows[0].has_slots) return;
  await knex.raw(`ALTER TABLE ${COUNTER_TABLE} ADD COLUMN slot smallint NOT NULL DEFAULT 0`);
  await knex.raw(`ALTER TABLE ${COUNTER_TABLE} ALTER COLUMN slot DROP DEFAULT`);
  await knex.raw(`ALTER TABLE ${COUNTER_TABLE} DROP CONSTRAINT ${COUNTER_TABLE}_pkey, ADD PRIMARY KEY (table_name, slot)`);
}
