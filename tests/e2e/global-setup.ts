import path from 'node:path';
import { APP_ROOT } from '../helpers/paths';
import { startE2eServer, type E2eServer } from './server';

declare global {
  // Handed from global setup to global teardown (same process).
  var __e2eServer: E2eServer | undefined;
}

export const ARTIFACTS = path.join(APP_ROOT, 'tests', 'artifacts', 'e2e');

export default async function globalSetup() {
  const server = await startE2eServer(ARTIFACTS);
  globalThis.__e2eServer = server;
  // The test files inherit this environment.
  process.env.E2E_BASE_URL = server.baseUrl;
}
