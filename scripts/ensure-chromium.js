#!/usr/bin/env node
// @ts-check
/**
 * The browser suite drives Debian's Chromium (no browser download: only the package registries are
 * reachable). Installs it with apt-get when it is missing and this runs as root; otherwise says what
 * to run and fails.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');

const CHROMIUM = '/usr/bin/chromium';

/** @param {string} message */
const say = (message) => console.log(`[ensure-chromium] ${message}`);

function main() {
  if (fs.existsSync(CHROMIUM)) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    console.error(`[ensure-chromium] ${CHROMIUM} is missing. Install it with: sudo apt-get install -y chromium`);
    process.exit(1);
  }
  say(`${CHROMIUM} is missing: installing Debian's chromium package`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', 'chromium'], { stdio: 'inherit', env });
  } catch (error) {
    console.error(`[ensure-chromium] apt-get could not install chromium: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  if (!fs.existsSync(CHROMIUM)) {
    console.error(`[ensure-chromium] apt-get finished but ${CHROMIUM} is still missing`);
    process.exit(1);
  }
  say('installed');
}

main();
