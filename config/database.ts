import type { Core } from '@strapi/strapi';
import { databaseTimeouts, readFlag } from '../src/platform/settings';

/** Splits a postgres:// URL into the fields Strapi's connection type names. */
function parseDatabaseUrl(connectionString: string) {
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    throw new Error('DATABASE_URL is not a valid URL; expected postgres://user:password@host:port/database');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new Error(`DATABASE_URL must be a postgres:// URL (got ${url.protocol}//): PostgreSQL is the only database.`);
  }
  return {
    connectionString,
    host: url.hostname || '127.0.0.1',
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.replace(/^\//, '')),
  };
}

export default ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Database<'postgres'> => {
  const { statementTimeoutMs, idleInTransactionTimeoutMs, acquireTimeoutMs } = databaseTimeouts();
  return {
    connection: {
      client: 'postgres',
      connection: {
        // Unset only for commands that never connect (`strapi build`); a start without it
        // is refused by src/platform/startup-checks before anything connects.
        ...parseDatabaseUrl(env('DATABASE_URL', 'postgres://unset@127.0.0.1:1/unset')),
        ssl: readFlag('DATABASE_SSL') ? { rejectUnauthorized: readFlag('DATABASE_SSL_REJECT_UNAUTHORIZED') } : false,
        schema: env('DATABASE_SCHEMA', 'public'),
        // Sent with every new pool connection (a startup parameter): a blocked statement fails with
        // 57014 instead of holding its connection, and the request answers 503 (src/platform/database-faults).
        ...(statementTimeoutMs > 0 ? { statement_timeout: statementTimeoutMs } : {}),
        ...(idleInTransactionTimeoutMs > 0 ? { idle_in_transaction_session_timeout: idleInTransactionTimeoutMs } : {}),
        // Opening a connection to an unreachable server gives up as soon as a checkout would.
        connectionTimeoutMillis: acquireTimeoutMs,
      },
      pool: {
        min: env.int('DATABASE_POOL_MIN', 0),
        max: env.int('DATABASE_POOL_MAX', 10),
      },
      // A request waits this long for a free connection, then answers 503 (knex's default is 60 s).
      acquireConnectionTimeout: acquireTimeoutMs,
    },
  };
};
