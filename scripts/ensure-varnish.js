#!/usr/bin/env node
// @ts-check
/**
 * The CDN suite (tests/cdn) runs a real Varnish in front of the CMS, from Debian's `varnish` package
 * (only the package registries are reachable). Installs it with apt-get when varnishd is missing and
 * this runs as root; otherwise says what to run and fails.
 */
const { execFileSync } = require('node:child_process');
const { findVarnishd, INSTALL_HINT } = require('./cdn-varnish');

/** @param {string} message */
const say = (message) => console.log(`[ensure-varnish] ${message}`);

function main() {
  if (findVarnishd()) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    console.error(`[ensure-varnish] varnishd is missing. ${INSTALL_HINT}`);
    process.exit(1);
  }
  say("varnishd is missing: installing Debian's varnish package");
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'varnish'], { stdio: 'inherit', env });
  } catch (error) {
    console.error(`[ensure-varnish] apt-get could not install varnish: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  const installed = findVarnishd();
  if (!installed) {
    console.error('[ensure-varnish] apt-get finished but varnishd is still missing');
    process.exit(1);
  }
  say(`installed ${installed}`);
}

main();
