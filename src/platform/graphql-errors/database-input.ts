/**
 * Database errors that the caller's input caused, by SQLSTATE, and what the
 * caller is told about them: the project's own words, never PostgreSQL's (its
 * message quotes the SQL, column types and values).
 * - class 22 ("data exception"): a value of the wrong type or out of range for
 *   the column it is compared with;
 * - 42883 ("operator does not exist"): an operator the column's type lacks,
 *   `contains` / `startsWith` / `endsWith` on a date, an id or the blocks
 *   `body`, for example.
 */
const MESSAGES: Array<[RegExp, string]> = [
  [/^22[0-9A-Z]{3}$/, 'A value in the filters does not fit the type of the field it is compared with'],
  [/^42883$/, 'An operator in the filters does not apply to the type of its field (contains, startsWith or endsWith on a date, an id or a JSON field, for example)'],
];

/** The caller's message for a database error their input caused, or null for any other error. */
export function databaseInputProblem(error: unknown): string | null {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  if (typeof code !== 'string') return null;
  for (const [pattern, message] of MESSAGES) if (pattern.test(code)) return message;
  return null;
}
