import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../scripts/embedded-postgres';

type EmbeddedServer = Awaited<ReturnType<typeof startEmbeddedPostgres>>;

/**
 * A PostgreSQL server of the suite's own (a second embedded cluster, not the
 * run's shared one), which the suite may stop, start and lock at will.
 */
export interface OwnDatabase {
  url: string;
  /** Stops the server (fast shutdown: sessions are ended with 57P01). */
  stop(): Promise<void>;
  /** Starts it again on the same folder and port. */
  start(): Promise<void>;
  /** Stops and removes it. */
  remove(): Promise<void>;
  /** Runs statements on a connection of their own. */
  query<T = Record<string, unknown>>(sql: string, values?: unknown[]): Promise<T[]>;
}

export async function startOwnDatabase(name: string): Promise<OwnDatabase> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `news-cms-${name}-`));
  fs.chmodSync(root, 0o755);
  const dataDir = path.join(root, 'cluster');
  let server: EmbeddedServer | undefined = await startEmbeddedPostgres({ dataDir, database: name });
  const { url, port } = server;
  const database: OwnDatabase = {
    url,
    async stop() {
      await server?.stop();
      server = undefined;
    },
    async start() {
      server = await startEmbeddedPostgres({ dataDir, database: name, port });
      if (server.port !== port) throw new Error(`port ${port} was taken while the database was down`);
    },
    async remove() {
      await server?.stop();
      server = undefined;
      fs.rmSync(root, { recursive: true, force: true });
    },
    async query<T>(sql: string, values: unknown[] = []) {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query(sql, values)).rows as T[];
      } finally {
        await client.end();
      }
    },
  };
  return database;
}
