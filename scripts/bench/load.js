// @ts-check
/**
 * Driving a target with autocannon (programmatic API): a fixed request for
 * S1–S4, and for S5 a mixed load that checks every read against the writes
 * already acknowledged. The helpers below (read paths, X-Cache and
 * X-SQL-Statements counting, edit titles) are shared with S6 (newsroom.js)
 * and the stampede (stampede.js).
 */
const { performance } = require('node:perf_hooks');
const autocannon = require('autocannon');
const { oneBySlugPath, PAGE_SIZE } = require('./scenarios');

/**
 * @typedef {{ rps: number, p50: number | null, p99: number | null, errors: number, requests: number }} Measured
 * @typedef {Record<string, string | string[] | undefined>} RawHeaders  a response's headers as autocannon gives them (names as sent)
 */

/**
 * One header of an autocannon response, whatever the case of its name (Koa
 * sends `X-SQL-Statements`, the cache's fast path `x-cache`).
 * @param {RawHeaders | undefined} headers @param {string} name  lowercase
 * @returns {string | undefined}
 */
function headerOf(headers, name) {
  if (!headers) return undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/**
 * What the response cache said about a read: `X-Cache: HIT` is a hit; `MISS`,
 * `BYPASS` or any other value means the answer was computed for it (or waited
 * for); null when there is no X-Cache header (a target without a response
 * cache).
 * @param {string | null | undefined} value
 * @returns {'hit' | 'miss' | null}
 */
function cacheOutcome(value) {
  if (!value) return null;
  return value.trim().toUpperCase() === 'HIT' ? 'hit' : 'miss';
}

/**
 * Counts the reads' cache outcomes and the statements of every response.
 *
 * Every CMS target runs with SQL_STATEMENT_HEADER=true, so a response without
 * the header was answered before Koa (a hit of the cache's fast path) and ran
 * no statement: it counts 0. When no response at all carries the header (a
 * target that does not count), the mean is null.
 */
function responseTally() {
  let hits = 0;
  let misses = 0;
  let statementTotal = 0;
  let responses = 0;
  let withHeader = 0;
  return {
    /** @param {RawHeaders | undefined} headers @param {boolean} isRead */
    note(headers, isRead) {
      responses += 1;
      const statements = Number(headerOf(headers, 'x-sql-statements'));
      if (Number.isFinite(statements)) {
        statementTotal += statements;
        withHeader += 1;
      }
      if (!isRead) return;
      const outcome = cacheOutcome(headerOf(headers, 'x-cache'));
      if (outcome === 'hit') hits += 1;
      else if (outcome === 'miss') misses += 1;
    },
    /** Hits over the reads that said HIT, MISS or BYPASS; null when none said anything. */
    figures() {
      return {
        statements: withHeader > 0 ? statementTotal / responses : null,
        hits,
        misses,
        hitRatio: hits + misses > 0 ? hits / (hits + misses) : null,
      };
    },
  };
}

/** Suffixes the bench adds to titles; a new one replaces the old, so titles do not grow run after run. */
const EDIT_SUFFIX = / \((?:edit|draft|stampede) \d+\)$/;
/** One counter for the whole run: no two edits anywhere give the same title, so no old title can pass for a new one. */
let editCount = 0;

/**
 * A new title for a document: its title without the bench's suffix, plus a
 * suffix no other edit of this run has (`(edit 12)`, `(draft 13)`, ...).
 * @param {string} title @param {'edit' | 'draft' | 'stampede'} kind
 */
function editedTitle(title, kind) {
  editCount += 1;
  return `${title.replace(EDIT_SUFFIX, '')} (${kind} ${editCount})`;
}

/**
 * The reads of S5 and S6: S1, S2 and S3 in equal parts, S3 over the hot documents' slugs.
 * @param {HotDocument[]} hot
 * @returns {() => string}
 */
function readPathPicker(hot) {
  const paths = [
    () => `/api/articles?pagination[pageSize]=${PAGE_SIZE}`,
    () => `/api/articles?pagination[pageSize]=${PAGE_SIZE}&populate[people]=true&populate[events]=true`,
    () => oneBySlugPath(hot[Math.floor(Math.random() * hot.length)].slug),
  ];
  return () => paths[Math.floor(Math.random() * paths.length)]();
}

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
 * S5: reads (S1, S2 and S3 in equal parts, S3 over the hot documents' slugs)
 * and a share of writes (5% for S5, 1% for S5@1%: PUT a hot document's
 * title, with a full-access token; without `status` the REST update saves the
 * draft and publishes it). A read that started after a write's response
 * arrived must show that write's title (or a later one already sent):
 * anything older is a stale read. Writes to one document never overlap, so
 * its versions are a simple sequence. The reads' X-Cache headers give the
 * hit ratio.
 *
 * @param {string} url
 * @param {HotDocument[]} hot  documents the reads show and the writes change
 * @param {string} token
 * @param {{ connections: number, seconds: number, writeShare: number }} load
 * @returns {Promise<Measured & { staleReads: number, writes: number, statements: number | null, hits: number, misses: number, hitRatio: number | null, examples: string[] }>}
 */
async function driveMixed(url, hot, token, load) {
  /** @type {Map<string, Version[]>} */
  const versions = new Map(hot.map((doc) => [doc.documentId, [{ title: doc.title, startedAt: -Infinity, ackedAt: -Infinity }]]));
  const writing = new Set();
  let staleReads = 0;
  let writes = 0;
  let unreadable = 0;
  const tally = responseTally();
  /** @type {string[]} */
  const examples = [];
  const nextReadPath = readPathPicker(hot);

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
            /** @type {Version} */
            const version = { title: editedTitle(doc.title, 'edit'), startedAt: now, ackedAt: Infinity };
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
          const path = nextReadPath();
          context.pending = { kind: 'read', startedAt: now, path };
          return { ...request, method: 'GET', path, headers: {}, body: undefined };
        },
        onResponse: (status, body, untypedContext, headers) => {
          const context = /** @type {{ pending?: Pending }} */ (untypedContext);
          const now = performance.now();
          /** @type {Pending | undefined} */
          const pending = context.pending;
          context.pending = undefined;
          tally.note(/** @type {RawHeaders | undefined} */ (headers), pending?.kind === 'read');
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
    ...tally.figures(),
    examples,
  };
}

module.exports = { drive, driveMixed, summarise, headerOf, cacheOutcome, responseTally, editedTitle, readPathPicker };
