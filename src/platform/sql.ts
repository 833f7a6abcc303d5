/**
 * SQL pieces the app's own database objects share (the search index, the published counters,
 * the read indexes): names quoted as identifiers, and the statement-level triggers that see a
 * statement's rows through transition tables.
 */

/** `name` as a quoted identifier: any `"` doubled, so no table or column name can end it early. */
export const quoted = (identifier: string): string => `"${identifier.replace(/"/g, '""')}"`;

/**
 * The four statement-level triggers that keep a table's derived rows in step with it, by event,
 * with `%TABLE%` for the table: each sees the statement's rows as `new_rows` / `old_rows`, so a
 * bulk `INSERT … SELECT` costs one trigger call, not one a row.
 */
export const STATEMENT_TRIGGER_EVENTS = {
  insert: 'AFTER INSERT ON %TABLE% REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT',
  update: 'AFTER UPDATE ON %TABLE% REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT',
  delete: 'AFTER DELETE ON %TABLE% REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT',
  truncate: 'AFTER TRUNCATE ON %TABLE% FOR EACH STATEMENT',
} as const;
