/**
 * The database side of the published-row counters: one table of counts and
 * statement-level triggers that keep it exact.
 *
 * `published_row_counts` holds, per content-type table, how many of its rows
 * have `published_at` set. Triggers on the content-type table add what each
 * INSERT, UPDATE and DELETE statement changed (counted from its transition
 * tables, so a bulk `INSERT ... SELECT` of 100,000 rows updates the counter
 * once) and reset it on TRUNCATE. The count changes in the writing
 * transaction itself: it commits or rolls back with the rows it counts, and
 * a reader sees both or neither.
 *
 * A statement that changes no published row (editing a draft, which is
 * nearly every save in the admin) does not touch the counter row, so only
 * publishing, unpublishing and deleting published rows queue behind each
 * other on it, for as long as their transaction lasts.
 *
 * Strapi's schema sync leaves tables it did not create alone, so the counter
 * table survives it; triggers go with their table when Strapi recreates one,
 * which the next install notices (it then recounts).
 */

import { lockUntilCommit } from '../../platform/advisory-locks';
import { quoted, STATEMENT_TRIGGER_EVENTS } from '../../platform/sql';

export const COUNTER_TABLE = 'published_row_counts';
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
    UPDATE ${COUNTER_TABLE} SET published = published + delta WHERE table_name = TG_TABLE_NAME;
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
  const counted = await knex.raw(`SELECT 1 FROM ${COUNTER_TABLE} WHERE table_name = ?`, [table]);
  return counted.rows.length === 1;
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
  const counted: string[] = [];
  const installed: string[] = [];
  for (const table of tables) {
    const { rows } = await knex.raw('SELECT to_regclass(?) IS NOT NULL AS table_exists', [table]);
    if (!rows[0].table_exists) continue;
    counted.push(table);
    if (await isInstalled(knex, table)) continue;
    // Writes wait while the triggers are created and the rows counted, so no change is missed or counted twice; reads go on.
    await knex.raw(`LOCK TABLE ${quoted(table)} IN SHARE ROW EXCLUSIVE MODE`);
    await knex.raw(`CREATE TABLE IF NOT EXISTS ${COUNTER_TABLE} (table_name text PRIMARY KEY, published bigint NOT NULL)`);
    await knex.raw(APPLY_FUNCTION_SQL);
    for (const [event, timing] of Object.entries(STATEMENT_TRIGGER_EVENTS)) {
      const name = quoted(triggerName(table, event));
      await knex.raw(`DROP TRIGGER IF EXISTS ${name} ON ${quoted(table)}`);
      await knex.raw(`CREATE TRIGGER ${name} ${timing.replace('%TABLE%', quoted(table))} EXECUTE FUNCTION ${APPLY_FUNCTION}()`);
    }
    await knex.raw(
      `INSERT INTO ${COUNTER_TABLE} (table_name, published)
       SELECT ?, count(*) FROM ${quoted(table)} WHERE published_at IS NOT NULL
       ON CONFLICT (table_name) DO UPDATE SET published = excluded.published`,
      [table],
    );
    installed.push(table);
  }
  return { counted, installed };
}

/** The published rows of `table`, or undefined when it has no counter. */
export async function readPublishedCount(knex: Knex, table: string): Promise<number | undefined> {
  const { rows } = await knex.raw(`SELECT published FROM ${COUNTER_TABLE} WHERE table_name = ?`, [table]);
  return rows.length === 1 ? Number(rows[0].published) : undefined;
}
