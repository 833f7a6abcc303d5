// @ts-check
/**
 * Every process the benchmark starts is registered here, so that a normal
 * end, a failure and a Ctrl-C all stop the same set, children of children
 * included (the launcher starts Strapi in a process group of its own, and a
 * cluster primary forks workers).
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const { isAlive } = require('../embedded-postgres');

const STOP_TIMEOUT_MS = 20_000;

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));


/**
 * Parent pid of every process, read from /proc.
 * @returns {Map<number, number>} pid → ppid
 */
function parentsByPid() {
  /** @type {Map<number, number>} */
  const parents = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name (field 2) is in parentheses and may contain spaces: read after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(fields[1]));
    } catch {
      // the process ended while we looked
    }
  }
  return parents;
}

/**
 * The process and all its descendants, parents first.
 * @param {number} rootPid
 * @returns {number[]}
 */
function processTree(rootPid) {
  const parents = parentsByPid();
  /** @type {Map<number, number[]>} */
  const children = new Map();
  for (const [pid, ppid] of parents) {
    const list = children.get(ppid) ?? [];
    list.push(pid);
    children.set(ppid, list);
  }
  const tree = [];
  const queue = parents.has(rootPid) ? [rootPid] : [];
  while (queue.length > 0) {
    const pid = /** @type {number} */ (queue.shift());
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/**
 * Resident memory of one process in bytes (0 once it has gone).
 * @param {number} pid
 */
function residentBytes(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * CPU time a process has used so far, in clock ticks (user + system); with `reaped`, plus
 * that of its children that have ended and been waited for (PostgreSQL's backends, whose
 * time would otherwise leave a sum over the live processes when one exits).
 * @param {number} pid
 * @param {{ reaped?: boolean }} [options]
 */
function cpuTicks(pid, options = {}) {
  try {
    // The command name (field 2) may hold spaces: count fields from the closing parenthesis.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const own = Number(fields[11]) + Number(fields[12]);
    return options.reaped ? own + Number(fields[13]) + Number(fields[14]) : own;
  } catch {
    return 0;
  }
}

/** @param {number} pid */
function commandLine(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

/**
 * @typedef {object} Managed
 * @property {string} name
 * @property {import('node:child_process').ChildProcess} child
 * @property {Promise<number>} exited   resolves with the exit code (1 when killed by a signal)
 * @property {() => boolean} hasExited
 * @property {() => Promise<void>} stop
 */

/** @type {Set<Managed>} */
const running = new Set();

let cleaning = /** @type {Promise<void> | null} */ (null);

/**
 * Starts a process in its own process group (so a terminal's Ctrl-C reaches
 * only the harness, which then stops everything in order) and registers it.
 * Output goes to `logFile`.
 * @param {string} name
 * @param {string} command
 * @param {string[]} args
 * @param {{ env: NodeJS.ProcessEnv, cwd: string, logFile: string, ipc?: boolean }} options
 * @returns {Managed}
 */
function startProcess(name, command, args, options) {
  // Once clean-up has begun nothing new may start: it would outlive the harness.
  if (cleaning) throw new Error(`not starting ${name}: the benchmark is stopping`);
  const logFd = fs.openSync(options.logFile, 'a');
  const stdio = /** @type {import('node:child_process').StdioOptions} */ (
    options.ipc ? ['ignore', logFd, logFd, 'ipc'] : ['ignore', logFd, logFd]
  );
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio });
  fs.closeSync(logFd);
  let exited = false;
  const exitedPromise = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      resolve(code ?? (signal ? 1 : 0));
    });
    child.once('error', () => {
      exited = true;
      resolve(1);
    });
  });
  /** @type {Managed} */
  const managed = {
    name,
    child,
    exited: /** @type {Promise<number>} */ (exitedPromise),
    hasExited: () => exited,
    stop: async () => {
      running.delete(managed);
      await stopTree(child.pid, () => exited);
    },
  };
  running.add(managed);
  return managed;
}

/**
 * SIGTERM to the root (launchers forward it and stop their children in
 * order), then SIGKILL to whatever of the tree is left after the timeout.
 * The tree is listed before the root is signalled: once a parent is gone its
 * orphans can no longer be found through it.
 * @param {number | undefined} pid
 * @param {() => boolean} hasExited
 */
async function stopTree(pid, hasExited) {
  if (!pid) return;
  const tree = processTree(pid);
  if (!hasExited()) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (tree.some(isAlive) && Date.now() < deadline) await sleep(50);
  for (const leftover of tree.filter(isAlive)) {
    try {
      process.kill(leftover, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}

/** Stops every registered process, newest first. */
async function stopAll() {
  const all = [...running].reverse();
  for (const managed of all) await managed.stop();
}

/** @type {Array<() => Promise<void>>} */
const cleanups = [];

/**
 * Work to do after every process has been stopped (the database last,
 * temporary folders after it).
 * @param {() => Promise<void>} cleanup
 */
function onCleanup(cleanup) {
  cleanups.push(cleanup);
}

/** Stops every process, then runs the registered clean-ups in reverse order. Safe to call twice. */
function cleanUp() {
  cleaning ??= (async () => {
    await stopAll();
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        console.error(`[bench] clean-up failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  })();
  return cleaning;
}

/**
 * Ctrl-C, SIGTERM and SIGHUP stop everything and exit non-zero.
 * @param {(message: string) => void} say
 */
function cleanUpOnSignals(say) {
  let received = false;
  for (const signal of /** @type {NodeJS.Signals[]} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
    process.on(signal, () => {
      if (received) return;
      received = true;
      say(`${signal}: stopping every process the benchmark started`);
      cleanUp().finally(() => process.exit(130));
    });
  }
}

/** True once clean-up has begun (a signal or the end of the run). */
const isStopping = () => cleaning !== null;

module.exports = {
  isStopping,
  startProcess,
  stopAll,
  cleanUp,
  onCleanup,
  cleanUpOnSignals,
  processTree,
  residentBytes,
  cpuTicks,
  commandLine,
  isAlive,
  sleep,
};
