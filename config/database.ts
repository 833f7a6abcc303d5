import type { Core } from '@strapi/strapi';

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
  const connectionString = env('DATABASE_URL');
  if (!connectionString) {
    // scripts/launch.js sets DATABASE_URL to its embedded server when none is configured,
    // and the test harness to its own; reaching this means Strapi was started some other way.
    throw new Error(
      'DATABASE_URL is not set. Start the CMS with `npm run develop` or `npm start`, which start an ' +
        'embedded PostgreSQL when no database is configured, or set DATABASE_URL to a PostgreSQL server.',
    );
  }

  return {
    connection: {
      client: 'postgres',
      connection: {
        ...parseDatabaseUrl(connectionString),
        ssl: env.bool('DATABASE_SSL', false)
          ? { rejectUnauthorized: env.bool('DATABASE_SSL_REJECT_UNAUTHORIZED', true) }
          : false,
        schema: env('DATABASE_SCHEMA', 'public'),
      },
      pool: {
        min: env.int('DATABASE_POOL_MIN', 0),
        max: env.int('DATABASE_POOL_MAX', 10),
      },
      acquireConnectionTimeout: env.int('DATABASE_CONNECTION_TIMEOUT', 60000),
    },
  };
};
