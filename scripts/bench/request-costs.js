// @ts-check
/**
 * What one of S5's writes and one of its reads cost the machine, measured one
 * request at a time on an otherwise idle target: the CPU time of the CMS's
 * processes plus the database's (when the bench runs its own, embedded one),
 * per request. Under S5's load the machine's two cores are the limit, so these
 * costs bound what a response cache can give: with every read a free hit,
 * warm ÷ cold is at most (s·W + (1 − s)·R) ÷ (s·W), s the write share, W a
 * write's cost on warm (a saved and published title, with its invalidation)
 * and R a read's on cold. The bench prints that bound beside S5's measured
 * ratio: a ratio near it is the writes' cost, not the cache's.
 */
const { processTree, cpuTicks } = require('./processes');
const { editedTitle, readPathPicker } = require('./load');

/** Linux reports CPU time in ticks of 1/100 s (USER_HZ). */
const MS_PER_TICK = 10;

/**
 * @typedef {import('./load').HotDocument} HotDocument
 * @typedef {{ writeCpuMs: number, readCpuMs: number, databaseCounted: boolean }} RequestCosts
 */

/**
 * CPU time used so far by the process trees rooted at `pids`, in ms, counting processes of the
 * trees that have ended (a database backend whose pooled connection closed) with their parents.
 * @param {number[]} pids
 */
function cpuMs(pids) {
  return pids.flatMap((pid) => processTree(pid)).reduce((sum, pid) => sum + cpuTicks(pid, { reaped: true }), 0) * MS_PER_TICK;
}

/**
 * @param {() => Promise<void>} request  one request, awaited to its last byte
 * @param {number} count
 * @param {number[]} pids
 */
async function cpuPerRequest(request, count, pids) {
  // A few unmeasured first: the code paths compiled, the pools' connections open.
  for (let i = 0; i < 3; i++) await request();
  const before = cpuMs(pids);
  for (let i = 0; i < count; i++) await request();
  return (cpuMs(pids) - before) / count;
}

/** @param {string} url @param {RequestInit} init */
async function fetchOk(url, init = {}) {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url} answered ${response.status}`);
}

/**
 * @param {{ url: string, pid: number }} writeTarget  where writes are measured (warm: they include the invalidation)
 * @param {{ url: string, pid: number }} readTarget  where reads are measured (cold: every read computed)
 * @param {{ hot: HotDocument[], token: string, databasePid?: number, writes?: number, reads?: number }} options
 * @returns {Promise<RequestCosts>}
 */
async function measureRequestCosts(writeTarget, readTarget, options) {
  const { hot, token, databasePid, writes = 20, reads = 60 } = options;
  const database = databasePid ? [databasePid] : [];
  let turn = 0;
  const write = async () => {
    const doc = hot[turn++ % hot.length];
    await fetchOk(`${writeTarget.url}/api/articles/${doc.documentId}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ data: { title: editedTitle(doc.title, 'edit') } }),
    });
  };
  const nextReadPath = readPathPicker(hot);
  const read = () => fetchOk(`${readTarget.url}${nextReadPath()}`);
  return {
    writeCpuMs: await cpuPerRequest(write, writes, [writeTarget.pid, ...database]),
    readCpuMs: await cpuPerRequest(read, reads, [readTarget.pid, ...database]),
    databaseCounted: database.length > 0,
  };
}

/**
 * The largest warm ÷ cold a cache could give a load with this write share, if every read were a hit that
 * costs nothing. @param {RequestCosts} costs @param {number} writeShare
 */
function cacheBound(costs, writeShare) {
  const writes = writeShare * costs.writeCpuMs;
  return (writes + (1 - writeShare) * costs.readCpuMs) / writes;
}

module.exports = { measureRequestCosts, cacheBound };
