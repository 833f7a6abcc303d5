import { Client } from 'pg';

/** Empties a database the suites may wipe (TEST_DATABASE_URL): drops and recreates its public schema, and drops the webhook queue's. */
export async function resetDatabase(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('DROP SCHEMA IF EXISTS public CASCADE');
    await client.query('CREATE SCHEMA public');
    await client.query('DROP SCHEMA IF EXISTS graphile_worker CASCADE');
  } finally {
    await client.end();
  }
}
