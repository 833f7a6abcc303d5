import path from 'node:path';

export const APP_ROOT = path.resolve(__dirname, '..', '..');
export const DIST_DIR = path.join(APP_ROOT, 'dist');

/** The dev admin the suites' Strapi creates from ADMIN_EMAIL / ADMIN_PASSWORD. */
export const TEST_ADMIN = { email: 'editor@news-cms.test', password: 'Test-Editor-Passw0rd' } as const;

/** Strapi's CLI; the package's exports hide it, so it is found beside package.json. */
export const STRAPI_BIN = path.join(path.dirname(require.resolve('@strapi/strapi/package.json')), 'bin', 'strapi.js');
