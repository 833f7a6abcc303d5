// @ts-check
/**
 * Driving a target with autocannon (programmatic API): a fixed request for
 * S1–S4, and for S5 a mixed load that checks every read against the writes
 * already acknowledged.
 */
const { performance } = require('node:perf_hooks');
const autocannon = require('autocannon');
const { oneBySlugPath, PAGE_SIZE } = require('./scenarios');

/**
 * @typedef {{ rps: number, p50: number | null, p99: number | null, errors: number, requests: number }} Measured
 */

/**
 * Latencies are null when no response arrived within the run (a request
 * slower than --duration): autocannon reports 0 ms then.
 * @param {autocannon.Result} result @returns {Measured}
 */
function summarise(result) {
  const answered = result.requests.total > 0;
  return {
    rps: result.requests.average,
    p50: answered ? result.latency.p50 : null,
    p99: answered ? result.latency.p99 : null,
    errors: result.errors + result.timeouts + result.non2xx,
    requests: result.requests.total,
  };
}

/**
 * @param {string} url
 * @param {import('./scenarios').Scenario} scenario
 * @param {{ connections: number, seconds: number }} load
 * @returns {Promise<Measured>}
 */
async function drive(url, scenario, load) {
  const result = await autocannon({
    url: `${url}${scenario.path}`,
    method: scenario.method,
    body: scenario.body,
    headers: scenario.headers,
    connections: load.connections,
    duration: load.seconds,
    timeout: 30,
  });
  return summarise(result);
}

/**
 * @typedef {object} HotDocument
 * @property {string} documentId
 * @property {string} slug
 * @property {string} title  the title at the start of the run
 *
 * @typedef {{ title: string, startedAt: number, ackedAt: number }} Version
 */

/**
 * S5: 95% reads (S1, S2 and S3 in equal parts, S3 over the hot documents'
 * slugs) and 5% writes (PUT a hot document's title, with a full-access
 * token). A read that started after a write's response arrived must show
 * that write's title (or a later one already sent): anything older is a
 * stale read. Writes to one document never overlap, so its versions are a
 * simple sequence.
 *
 * @param {string} url
 * @param {HotDocument[]} hot  documents the reads show and the writes change
 * @param {string} token
 * @param {{ connections: number, seconds: number, writeShare: number }} load
 * @returns {Promise<Measured & { staleReads: number, writes: number, statements: number | null, examples: string[] }>}
 */
async function driveMixed(url, hot, token, load) {
  /** @type {Map<string, Version[]>} */
  const versions = new Map(hot.map((doc) => [doc.documentId, [{ title: doc.title, startedAt: -Infinity, ackedAt: -Infinity }]]));
  const writing = new Set();
  let edits = 0;
  let staleReads = 0;
  let writes = 0;
  let statementTotal = 0;
  let statementCount = 0;
  let unreadable = 0;
  /** @type {string[]} */
  const examples = [];
  const readPaths = [
    () => `/api/articles?pagination[pageSize]=${PAGE_SIZE}`,
    () => `/api/articles?pagination[pageSize]=${PAGE_SIZE}&populate[people]=true&populate[events]=true`,
    () => oneBySlugPath(hot[Math.floor(Math.random() * hot.length)].slug),
  ];

  /**
   * @typedef {{ kind: 'read', startedAt: number, path: string } | { kind: 'write', documentId: string, version: Version }} Pending
   */

  /** @param {string} documentId @param {string} title @param {number} startedAt @param {number} endedAt @param {string} path */
  function check(documentId, title, startedAt, endedAt, path) {
    const history = versions.get(documentId);
    if (!history) return;
    // The newest version acknowledged before the read started, and any sent before it ended.
    let required = 0;
    for (let i = 0; i < history.length; i++) if (history[i].ackedAt < startedAt) required = i;
    for (let i = required; i < history.length; i++) {
      if (i === required || history[i].startedAt < endedAt) {
        if (history[i].title === title) return;
      }
    }
    staleReads += 1;
    if (examples.length < 5) examples.push(`${path}: ${documentId} showed "${title}", expected "${history[required].title}"`);
  }

  const result = await autocannon({
    url,
    connections: load.connections,
    duration: load.seconds,
    timeout: 30,
    requests: [
      {
        setupRequest: (request, untypedContext) => {
          const context = /** @type {{ pending?: Pending }} */ (untypedContext);
          const now = performance.now();
          const free = Math.random() < load.writeShare ? hot.filter((doc) => !writing.has(doc.documentId)) : [];
          if (free.length > 0) {
            const doc = free[Math.floor(Math.random() * free.length)];
            edits += 1;
            /** @type {Version} */
            const version = { title: `${doc.title} (edit ${edits})`, startedAt: now, ackedAt: Infinity };
            /** @type {Version[]} */ (versions.get(doc.documentId)).push(version);
            writing.add(doc.documentId);
            context.pending = { kind: 'write', documentId: doc.documentId, version };
            return {
              ...request,
              method: 'PUT',
              path: `/api/articles/${doc.documentId}`,
              headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
              body: JSON.stringify({ data: { title: version.title } }),
            };
          }
          const path = readPaths[Math.floor(Math.random() * readPaths.length)]();
          context.pending = { kind: 'read', startedAt: now, path };
          return { ...request, method: 'GET', path, headers: {}, body: undefined };
        },
        onResponse: (status, body, untypedContext, headers) => {
          const context = /** @type {{ pending?: Pending }} */ (untypedContext);
          const now = performance.now();
          /** @type {Pending | undefined} */
          const pending = context.pending;
          context.pending = undefined;
          const statements = Number(headers?.['x-sql-statements'] ?? headers?.['X-SQL-Statements']);
          if (Number.isFinite(statements)) {
            statementTotal += statements;
            statementCount += 1;
          }
          if (!pending) return;
          if (pending.kind === 'write') {
            writing.delete(pending.documentId);
            writes += 1;
            // A failed write keeps ackedAt = Infinity: it may or may not have happened, so its
            // title is accepted when seen but never required.
            if (status >= 200 && status < 300) pending.version.ackedAt = now;
            return;
          }
          if (status < 200 || status >= 300) return;
          /** @type {{ data?: Array<{ documentId: string, title: string }> }} */
          let parsed;
          try {
            parsed = JSON.parse(body);
          } catch {
            unreadable += 1;
            return;
          }
          for (const entry of parsed.data ?? []) check(entry.documentId, entry.title, pending.startedAt, now, pending.path);
        },
      },
    ],
  });
  const measured = summarise(result);
  return {
    ...measured,
    // A 2xx read whose body is not JSON is an error too.
    errors: measured.errors + unreadable,
    staleReads,
    writes,
    statements: statementCount > 0 ? statementTotal / statementCount : null,
    examples,
  };
}

module.exports = { drive, driveMixed };
