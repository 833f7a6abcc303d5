const path = require('node:path');

// As in the main suites: an empty env file, so a developer's .env cannot change what is tested.
process.env.ENV_PATH = path.join(__dirname, '..', 'test.env');
require('node:fs').mkdirSync(path.join(__dirname, '..', 'artifacts', 'e2e'), { recursive: true });

/**
 * The browser suite: Chromium against the built admin panel of a production-mode Strapi on a fresh
 * database. `npm run test:e2e`; the unit suites' config ignores this folder.
 * @type {import('jest').Config}
 */
module.exports = {
  rootDir: '../..',
  roots: ['<rootDir>/tests/e2e'],
  testEnvironment: 'node',
  testMatch: ['<rootDir>/tests/e2e/**/*.e2e.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  globalSetup: '<rootDir>/tests/e2e/global-setup.ts',
  globalTeardown: '<rootDir>/tests/e2e/global-teardown.ts',
  // A browser step waits on a real admin panel on a busy machine.
  testTimeout: 120_000,
  maxWorkers: 1,
};
