// @ts-check
/**
 * The `varnish` target: Varnish (deploy/varnish/default.vcl, started by the same code as
 * `npm run cdn:varnish`) in front of the warm target, measured on S1–S4 like the others.
 *
 * For the answers to be kept, warm then sends what public answers carry when a CDN purger is configured
 * (`s-maxage`, src/performance/cdn-purge/cache-control.ts), set through CACHE_CONTROL rather than a
 * purger: S1–S4 write nothing, and a purger would also purge during warm's mixed scenarios, which
 * measure warm alone. S4 is a GraphQL POST: Varnish passes it to warm, so its figure is warm's through
 * one more hop. Without varnishd the target is skipped, with one line saying so.
 */
const fs = require('node:fs');
const path = require('node:path');
const { findVarnishd, startVarnish } = require('../cdn-varnish');
const { freePort } = require('./targets');
const { onCleanup, isStopping } = require('./processes');

/** What warm's public answers carry while Varnish is measured in front of it. */
const CDN_CACHE_CONTROL = 'public, max-age=0, s-maxage=86400, must-revalidate';

/**
 * Variables a CMS target gets on top of its switches: warm's Cache-Control when Varnish sits in front of it.
 * @param {string} target @param {readonly string[]} targets  --targets
 * @returns {Record<string, string>}
 */
function frontedByVarnishEnv(target, targets) {
  return target === 'warm' && targets.includes('varnish') ? { CACHE_CONTROL: CDN_CACHE_CONTROL } : {};
}

/** @param {readonly string[]} targets  --targets; varnish is measured in front of warm */
function checkVarnishTarget(targets) {
  if (targets.includes('varnish') && !targets.includes('warm')) throw new Error('the varnish target runs in front of warm: add warm to --targets');
}

/**
 * Starts Varnish in front of warm, or says in one line why it is skipped.
 * @param {import('./targets').Running} warm
 * @param {string} logDir
 * @param {(message: string) => void} say
 * @returns {Promise<import('./targets').Running | undefined>}
 */
async function startVarnishTarget(warm, logDir, say) {
  if (!findVarnishd()) {
    say('varnish: skipped, varnishd is not installed (sudo apt-get install varnish, or node scripts/ensure-varnish.js as root)');
    return undefined;
  }
  const port = await freePort();
  const logFile = path.join(logDir, 'varnish.log');
  const logFd = fs.openSync(logFile, 'a');
  let varnish;
  try {
    varnish = await startVarnish({ backendHost: '127.0.0.1', backendPort: warm.port, port, listenHost: '127.0.0.1', output: logFd });
  } catch (error) {
    throw new Error(`Varnish did not start (${error instanceof Error ? error.message : String(error)}); see ${logFile}`);
  } finally {
    fs.closeSync(logFd);
  }
  const stop = varnish.stop;
  onCleanup(stop);
  if (isStopping()) {
    await stop();
    throw new Error('stopped while Varnish was starting');
  }
  say(`varnish: in front of warm on port ${port}; S4 is a GraphQL POST, which Varnish passes to warm (warm's figure through one more hop)`);
  return {
    name: 'varnish',
    port,
    url: varnish.url,
    pid: varnish.pid,
    launcher: false,
    managed: { name: 'varnish', child: varnish.child, exited: varnish.exited, hasExited: varnish.hasExited, stop },
    logFile,
  };
}

/**
 * Varnish's own view of an answer: HIT when X-Varnish holds two ids (this request's and the fetch's).
 * @param {Headers} headers
 */
function varnishCacheStatus(headers) {
  const ids = (headers.get('x-varnish') ?? '').trim().split(/\s+/).filter(Boolean);
  return ids.length === 2 ? 'varnish HIT' : 'varnish MISS/PASS';
}

module.exports = { frontedByVarnishEnv, checkVarnishTarget, startVarnishTarget, varnishCacheStatus, CDN_CACHE_CONTROL };
