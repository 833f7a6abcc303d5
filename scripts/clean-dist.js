#!/usr/bin/env node
// @ts-check
/**
 * Removes the compiled server code (dist/src, dist/config) before a build.
 *
 * TypeScript's compile writes what exists and never deletes: a file moved or
 * removed in src/ would live on in dist/, and Strapi loads dist/src/middlewares,
 * dist/src/api and the like by folder, so a stale file there still runs (or
 * clashes with the code that replaced it). `strapi develop` cleans dist/ itself;
 * `strapi build` and the test harness's compile do not, so they call this first.
 * The admin panel's build (dist/build) is left alone.
 */
const fs = require('node:fs');
const path = require('node:path');

/** @param {string} appRoot */
function removeCompiledServer(appRoot) {
  for (const folder of ['src', 'config']) fs.rmSync(path.join(appRoot, 'dist', folder), { recursive: true, force: true });
}

if (require.main === module) removeCompiledServer(path.resolve(__dirname, '..'));

module.exports = { removeCompiledServer };
