import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { runningServer, startEmbeddedPostgres } from '../../scripts/embedded-postgres';

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-pg-suite-'));
  fs.chmodSync(root, 0o755);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Holds a port, the way a PostgreSQL server already on it would. */
function occupy(): Promise<{ port: number; release: () => Promise<void> }> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({ port, release: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

describe('the embedded PostgreSQL', () => {
  it('keeps its data across a stop and a start, and leaves no server running', async () => {
    const dataDir = path.join(root, 'cluster');
    const first = await startEmbeddedPostgres({ dataDir, database: 'keeps' });
    expect(first.owned).toBe(true);
    await query(first.url, 'CREATE TABLE notes (body text); INSERT INTO notes VALUES ($$kept$$)');
    await first.stop();
    expect(runningServer(dataDir)).toBeNull();

    const second = await startEmbeddedPostgres({ dataDir, database: 'keeps' });
    expect(await query<{ body: string }>(second.url, 'SELECT body FROM notes')).toEqual([{ body: 'kept' }]);
    await second.stop();
    expect(runningServer(dataDir)).toBeNull();
  });

  it('takes another port when the preferred one is busy', async () => {
    const busy = await occupy();
    try {
      const server = await startEmbeddedPostgres({ dataDir: path.join(root, 'busy-port'), port: busy.port });
      expect(server.port).not.toBe(busy.port);
      expect(await query<{ one: number }>(server.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
      await server.stop();
    } finally {
      await busy.release();
    }
  });

  it('a second start on the same folder reuses the running server and does not stop it', async () => {
    const dataDir = path.join(root, 'shared');
    const owner = await startEmbeddedPostgres({ dataDir });
    const guest = await startEmbeddedPostgres({ dataDir, database: 'guest' });
    expect(guest.owned).toBe(false);
    expect(guest.port).toBe(owner.port);
    await guest.stop();
    expect(await query<{ one: number }>(owner.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await owner.stop();
    expect(runningServer(dataDir)).toBeNull();
  });

  // PostgreSQL refuses to run as root: as root the server runs as `postgres`, which cannot enter a
  // private folder such as root's home (mode 700). Binaries and cluster are then kept where it can.
  (process.getuid?.() === 0 ? it : it.skip)('as root, starts from a private folder the postgres user cannot traverse', async () => {
    const privateRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-pg-private-'));
    const runtime = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-pg-runtime-'));
    const previousRuntime = process.env.EMBEDDED_DB_RUNTIME_DIR;
    process.env.EMBEDDED_DB_RUNTIME_DIR = runtime;
    try {
      fs.chmodSync(privateRoot, 0o700);
      const installed = path.resolve(path.dirname(require.resolve(`@embedded-postgres/${os.platform()}-${os.arch()}`)), '..');
      const checkout = path.join(privateRoot, 'news-cms');
      fs.cpSync(installed, path.join(checkout, 'pkg'), { recursive: true, verbatimSymlinks: true });
      const dataDir = path.join(checkout, '.data', 'postgres');
      const options = { dataDir, database: 'private', nativeDir: path.join(checkout, 'pkg', 'native') };

      const first = await startEmbeddedPostgres(options);
      await query(first.url, 'CREATE TABLE notes (body text); INSERT INTO notes VALUES ($$kept$$)');
      await first.stop();
      // Found again where it was asked for, with its data.
      expect(fs.lstatSync(dataDir).isSymbolicLink()).toBe(true);
      const second = await startEmbeddedPostgres(options);
      expect(await query<{ body: string }>(second.url, 'SELECT body FROM notes')).toEqual([{ body: 'kept' }]);
      await second.stop();
      expect(runningServer(dataDir)).toBeNull();
    } finally {
      if (previousRuntime === undefined) delete process.env.EMBEDDED_DB_RUNTIME_DIR;
      else process.env.EMBEDDED_DB_RUNTIME_DIR = previousRuntime;
      fs.rmSync(privateRoot, { recursive: true, force: true });
      fs.rmSync(runtime, { recursive: true, force: true });
    }
  });

  it('accepts only its password, and only on 127.0.0.1', async () => {
    const server = await startEmbeddedPostgres({ dataDir: path.join(root, 'auth') });
    try {
      const wrong = server.url.replace(/:[^:@/]+@/, ':wrong@');
      await expect(query(wrong, 'SELECT 1')).rejects.toThrow(/password authentication failed/);
      const [setting] = await query<{ listen_addresses: string }>(server.url, 'SHOW listen_addresses');
      expect(setting.listen_addresses).toBe('127.0.0.1');
    } finally {
      await server.stop();
    }
  });
});
