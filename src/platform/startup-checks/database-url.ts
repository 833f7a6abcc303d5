/**
 * Without DATABASE_URL, PostgreSQL clients fall back to localhost:5432 and the
 * current user: on a machine with its own PostgreSQL server that would quietly
 * connect to the wrong database. A start without one is refused instead.
 */
export function assertDatabaseUrl(env: Record<string, string | undefined>): void {
  if (env.DATABASE_URL?.trim()) return;
  throw new Error(
    'DATABASE_URL is not set. Start the CMS with `npm run develop` or `npm start`, which start an ' +
      'embedded PostgreSQL when no database is configured, or set DATABASE_URL to a PostgreSQL server.',
  );
}
