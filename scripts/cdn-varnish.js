#!/usr/bin/env node
// @ts-check
/**
 * `npm run cdn:varnish`: Varnish in front of the CMS, in the foreground.
 *
 * Listens on VARNISH_PORT (6081) and forwards to the CMS at HOST/PORT, read from the environment or
 * `.env` (ENV_PATH) as the launcher reads them, with deploy/varnish/default.vcl: a copy whose backend
 * is rewritten to that address goes into a temporary folder with varnishd's working directory, and the
 * folder goes when varnishd stops. Ctrl-C stops it.
 *
 * The same code starts Varnish for the CDN suite (tests/cdn) and the bench's `varnish` target.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const APP_ROOT = path.resolve(__dirname, '..');
const VCL_TEMPLATE = path.join(APP_ROOT, 'deploy', 'varnish', 'default.vcl');
const DEFAULT_VARNISH_PORT = 6081;
const DEFAULT_MEMORY_MB = 256;
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
/** Where Debian puts varnishd; /usr/sbin is not on every user's PATH. */
const VARNISHD_CANDIDATES = ['/usr/sbin/varnishd', '/usr/bin/varnishd', '/usr/local/sbin/varnishd'];

const INSTALL_HINT =
  "Install Debian's varnish package: `sudo apt-get install varnish` (as root, `node scripts/ensure-varnish.js` does it).";

/** @param {string} message */
const say = (message) => console.log(`[cdn:varnish] ${message}`);

/** The varnishd binary, or undefined when Varnish is not installed. */
function findVarnishd() {
  const onPath = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, 'varnishd'));
  return [...onPath, ...VARNISHD_CANDIDATES].find((candidate) => {
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Where the CMS listens, as a backend address: a wildcard HOST (all interfaces) is reached on loopback.
 * @param {string | undefined} host
 */
function backendHost(host) {
  const value = (host ?? '').trim();
  if (value === '' || value === '0.0.0.0') return '127.0.0.1';
  if (value === '::' || value === '[::]') return '::1';
  return value.replace(/^\[(.*)\]$/, '$1');
}

/**
 * A port setting: a whole number from 1 to 65535, or `fallback` when unset.
 * @param {string} name @param {string | undefined} raw @param {number} fallback
 */
function readPort(name, raw, fallback) {
  const value = (raw ?? '').trim();
  if (value === '') return fallback;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) throw new Error(`${name} must be a port number (1-65535), not "${raw}"`);
  return port;
}

/**
 * VARNISH_MEMORY_MB: the object store's size, at least 16 MB.
 * @param {string | undefined} raw
 */
function readMemoryMb(raw) {
  const value = (raw ?? '').trim();
  if (value === '') return DEFAULT_MEMORY_MB;
  const megabytes = Number(value);
  if (!/^\d+$/.test(value) || megabytes < 16) throw new Error(`VARNISH_MEMORY_MB must be a whole number of megabytes, at least 16, not "${raw}"`);
  return megabytes;
}

/**
 * The VCL with its backend pointed at the CMS. The template is a working VCL as it stands (a backend on
 * 127.0.0.1:1337); only the `.host` and `.port` of `backend cms` change.
 * @param {{ host: string, port: number }} backend
 * @param {string} [template]
 */
function renderVcl(backend, template = fs.readFileSync(VCL_TEMPLATE, 'utf8')) {
  if (!/^[A-Za-z0-9.:-]+$/.test(backend.host)) throw new Error(`the CMS host "${backend.host}" is not a host name or an IP address`);
  const block = /backend cms \{[\s\S]*?\n\}/.exec(template);
  if (!block) throw new Error(`${path.relative(APP_ROOT, VCL_TEMPLATE)} has no "backend cms { ... }" block`);
  const rewritten = block[0]
    .replace(/\.host = "[^"]*";/, `.host = "${backend.host}";`)
    .replace(/\.port = "[^"]*";/, `.port = "${backend.port}";`);
  if (!rewritten.includes(`.host = "${backend.host}";`) || !rewritten.includes(`.port = "${backend.port}";`)) {
    throw new Error(`the backend in ${path.relative(APP_ROOT, VCL_TEMPLATE)} has no .host or .port line to point at the CMS`);
  }
  return template.replace(block[0], rewritten);
}

/**
 * @typedef {object} VarnishOptions
 * @property {string} backendHost  where the CMS listens (a host name or IP address, not a wildcard)
 * @property {number} backendPort
 * @property {number} port  where Varnish listens
 * @property {string} [listenHost]  the interface to listen on (default: all)
 * @property {number} [memoryMb]  the object store's size (malloc)
 * @property {'inherit' | 'pipe' | number} [output]  varnishd's stdout and stderr: inherited, piped (see `output`), or a file descriptor
 *
 * @typedef {object} Varnish
 * @property {string} url  where to send requests (and bans)
 * @property {number} port
 * @property {number} pid  varnishd's manager process (its child serves the requests)
 * @property {string[]} output  varnishd's output, when piped
 * @property {Promise<number>} exited  its exit code (1 when a signal ended it)
 * @property {() => boolean} hasExited
 * @property {import('node:child_process').ChildProcess} child
 * @property {() => Promise<void>} stop  stops it and removes its working folder
 */

/**
 * Starts varnishd in the foreground (`-F`) in a process group of its own, with the VCL pointed at the
 * CMS and a working folder in a temporary directory; resolves once it accepts connections.
 * @param {VarnishOptions} options
 * @returns {Promise<Varnish>}
 */
async function startVarnish(options) {
  const varnishd = findVarnishd();
  if (!varnishd) throw new Error(`varnishd is not installed. ${INSTALL_HINT}`);
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'news-cms-varnish-'));
  // As root, varnishd compiles the VCL and runs its child as the `varnish` user: it must reach the folder.
  fs.chmodSync(folder, 0o755);
  const vclFile = path.join(folder, 'default.vcl');
  fs.writeFileSync(vclFile, renderVcl({ host: options.backendHost, port: options.backendPort }), { mode: 0o644 });
  const listen = options.listenHost ? `${options.listenHost.includes(':') ? `[${options.listenHost}]` : options.listenHost}:${options.port}` : `:${options.port}`;
  const args = ['-F', '-a', listen, '-f', vclFile, '-n', path.join(folder, 'work'), '-s', `malloc,${options.memoryMb ?? DEFAULT_MEMORY_MB}m`];
  const outputMode = options.output ?? 'pipe';
  const child = spawn(varnishd, args, { stdio: ['ignore', outputMode, outputMode], detached: true });
  /** @type {string[]} */
  const output = [];
  child.stdout?.on('data', (chunk) => output.push(String(chunk)));
  child.stderr?.on('data', (chunk) => output.push(String(chunk)));
  let hasExited = false;
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      hasExited = true;
      resolve(code ?? (signal ? 1 : 0));
    });
    child.once('error', () => {
      hasExited = true;
      resolve(1);
    });
  });
  const removeFolder = () => fs.rmSync(folder, { recursive: true, force: true });
  const stop = async () => {
    if (!hasExited && child.pid) {
      signalGroup(child.pid, 'SIGTERM');
      const timer = setTimeout(() => child.pid && signalGroup(child.pid, 'SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    removeFolder();
  };
  const host = options.listenHost && options.listenHost !== '0.0.0.0' && options.listenHost !== '::' ? options.listenHost : '127.0.0.1';
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await accepts(host, options.port))) {
    if (hasExited || Date.now() > deadline) {
      await stop();
      const why = hasExited ? 'varnishd exited' : `varnishd did not listen on port ${options.port} within ${READY_TIMEOUT_MS / 1000} s`;
      throw new Error(`${why}${output.length > 0 ? `:\n${output.join('').trim()}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${options.port}`,
    port: options.port,
    pid: /** @type {number} */ (child.pid),
    output,
    exited,
    hasExited: () => hasExited,
    child,
    stop,
  };
}

/**
 * True when something accepts a TCP connection on host:port.
 * @param {string} host @param {number} port
 */
function accepts(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(1_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * @param {number} pid
 * @param {NodeJS.Signals} signal
 */
function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

async function main() {
  // The same env file as the launcher and Strapi: ENV_PATH, else .env (never written here).
  const envFile = process.env.ENV_PATH ? path.resolve(process.env.ENV_PATH) : path.join(APP_ROOT, '.env');
  require('dotenv').config({ path: envFile, quiet: true });
  if (!findVarnishd()) {
    console.error(`[cdn:varnish] varnishd is not installed. ${INSTALL_HINT}`);
    process.exit(1);
  }
  const backend = { host: backendHost(process.env.HOST), port: readPort('PORT', process.env.PORT, 1337) };
  const port = readPort('VARNISH_PORT', process.env.VARNISH_PORT, DEFAULT_VARNISH_PORT);
  const memoryMb = readMemoryMb(process.env.VARNISH_MEMORY_MB);
  const varnish = await startVarnish({ backendHost: backend.host, backendPort: backend.port, port, memoryMb, output: 'inherit' });
  const backendAddress = backend.host.includes(':') ? `[${backend.host}]:${backend.port}` : `${backend.host}:${backend.port}`;
  say(`Varnish listens on port ${port} in front of the CMS at ${backendAddress} (${memoryMb} MB of objects)`);
  say(`for the CMS to purge it, start the CMS with PURGE_VARNISH_URL=http://127.0.0.1:${port} (and PROXY_HOPS=1: clients then arrive through Varnish)`);
  say('Ctrl-C stops it');
  let stopping = false;
  for (const signal of /** @type {NodeJS.Signals[]} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      say(`${signal}: stopping Varnish`);
      void varnish.stop();
    });
  }
  const code = await varnish.exited;
  await varnish.stop();
  process.exit(stopping ? 0 : code);
}

module.exports = { startVarnish, findVarnishd, renderVcl, backendHost, readPort, INSTALL_HINT, DEFAULT_VARNISH_PORT, VCL_TEMPLATE };

if (require.main === module) {
  main().catch((error) => {
    console.error(`[cdn:varnish] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
