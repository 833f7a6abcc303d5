const path = require('node:path');

// Strapi loads ENV_PATH (default: ./.env) as soon as it is required: point it at an empty file
// so a developer's .env cannot change what the suites test.
process.env.ENV_PATH = path.join(__dirname, 'test.env');

// `npm test` writes jest's JSON report here (git-ignored); jest does not create the folder itself.
require('node:fs').mkdirSync(path.join(__dirname, 'artifacts'), { recursive: true });

/** @type {import('jest').Config} */
module.exports = {
  rootDir: '..',
  roots: ['<rootDir>/tests'],
  testEnvironment: 'node',
  testMatch: ['<rootDir>/tests/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/tests/e2e/'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  globalSetup: '<rootDir>/tests/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/tests/helpers/global-teardown.ts',
  // Booting Strapi takes seconds; a suite's hooks get enough time for it.
  testTimeout: 60_000,
  // Strapi instances are heavy and share one database: one suite at a time.
  maxWorkers: 1,
};
