import fs from 'node:fs';

export default async function globalTeardown() {
  const embedded = globalThis.__embeddedPostgres;
  if (!embedded) return;
  await embedded.server.stop();
  fs.rmSync(embedded.dataDir, { recursive: true, force: true });
}
