/**
 * PostgreSQL errors a caller's values can cause: SQLSTATE class 22 ("data
 * exception": a value of the wrong type or range, a NUL byte) and 42883
 * ("operator does not exist": a text operator on a date or a number). The
 * query checks (src/limits/query-params) refuse these first; this is the
 * safety net. They are answered with a 400 in the project's words, never
 * PostgreSQL's (its messages name types and SQL).
 */
const REASONS: Array<[RegExp, string]> = [
  [/^22P02$/, 'a value is not in the form its field expects (a number for an id, a date for a date)'],
  [/^22003$/, 'a number is out of range for its field'],
  [/^22(007|008)$/, 'a date or time is not valid'],
  [/^22(021|P05)$/, 'a value contains a character that cannot be stored (such as a NUL byte)'],
  [/^22001$/, 'a value is too long for its field'],
  [/^42883$/, "an operator does not apply to the field's type (text operators such as $contains work on text fields only)"],
];

export function callerDatabaseProblem(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !(/^22[0-9A-Z]{3}$/.test(code) || code === '42883')) return null;
  const reason = REASONS.find(([pattern]) => pattern.test(code))?.[1] ?? 'a value does not fit its field';
  return `The request cannot be answered: ${reason}. Check the filters and values sent.`;
}
