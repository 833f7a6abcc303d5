/**
 * PostgreSQL's SQLSTATE class 22 ("data exception") is the database saying a
 * value has the wrong type or range: `filters[id][$eq]=abc` compared with an
 * integer column, a number too large for its column. Those are the caller's
 * mistakes, so they are answered with a 400, never a 500.
 */
export function databaseValueProblem(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^22[0-9A-Z]{3}$/.test(code)) return null;
  // knex prefixes the SQL text to the message; keep only PostgreSQL's own words.
  const message = String((error as Error).message ?? '');
  const reason = message.includes(' - ') ? message.slice(message.lastIndexOf(' - ') + 3) : message;
  return `A value in the request does not fit its field: ${reason}`;
}
