// @ts-check
/**
 * S6, the newsroom: public reads of the S1–S3 mix (as S5's reads) while
 * editors save drafts of the documents those reads show, each editor a save
 * every 1/savesPerSecond seconds, with a full-access API token.
 *
 * A draft save is `PUT /api/articles/:documentId?status=draft`. In Strapi
 * 5.54 the REST update (core-api/controller/collection-type.js → the core
 * service, whose `status` defaults to 'published' → document-service
 * repository.js `update`) always writes the draft row, and publishes it only
 * when `status === 'published'`: with `status=draft` no published row
 * changes. The harness checks both ends: every save must answer the draft
 * (`publishedAt: null`, the new title), and after the run the published rows
 * must still hold the titles they had before it (see `publishedTitles`).
 *
 * So no public read may ever show anything but the published title: a read
 * showing any other title (a draft's) is counted as a draft read, an error.
 * The reads' X-Cache headers give the public hit ratio. With no editors the
 * same driver measures the reads alone (the comparison S6 is held to).
 */
const { performance } = require('node:perf_hooks');
const autocannon = require('autocannon');
const { summarise, responseTally, editedTitle, readPathPicker } = require('./load');

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * @typedef {import('./load').HotDocument} HotDocument
 * @typedef {{ saves: number, failed: number, examples: string[] }} EditorReport
 */

/**
 * One editor: a draft save of a hot document every `1 / perSecond` seconds
 * until `until`. A save slower than that is followed by the next one at once,
 * without catching up, so an editor never sends a burst; the saves actually
 * sent are reported.
 * @param {string} url
 * @param {HotDocument[]} hot
 * @param {string} token
 * @param {{ until: number, perSecond: number, editing: Set<string> }} plan
 * @returns {Promise<EditorReport>}
 */
async function saveDrafts(url, hot, token, plan) {
  const interval = 1000 / plan.perSecond;
  /** @type {EditorReport} */
  const report = { saves: 0, failed: 0, examples: [] };
  const fail = (/** @type {string} */ why) => {
    report.failed += 1;
    if (report.examples.length < 3) report.examples.push(why);
  };
  for (let slot = performance.now(); slot < plan.until; slot = Math.max(slot + interval, performance.now())) {
    if (slot > performance.now()) await sleep(slot - performance.now());
    if (performance.now() >= plan.until) break;
    // Two editors never save the same document at once (as in S5's writes).
    const free = hot.filter((doc) => !plan.editing.has(doc.documentId));
    if (free.length === 0) continue;
    const doc = free[Math.floor(Math.random() * free.length)];
    const title = editedTitle(doc.title, 'draft');
    plan.editing.add(doc.documentId);
    report.saves += 1;
    try {
      const response = await fetch(`${url}/api/articles/${doc.documentId}?status=draft`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ data: { title } }),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      if (!response.ok) {
        fail(`PUT ${doc.documentId}?status=draft answered ${response.status}: ${text.slice(0, 160)}`);
        continue;
      }
      const saved = /** @type {{ data?: { title?: string, publishedAt?: string | null } }} */ (JSON.parse(text)).data;
      if (saved?.title !== title || saved.publishedAt !== null) {
        fail(`PUT ${doc.documentId}?status=draft answered title ${JSON.stringify(saved?.title)}, publishedAt ${JSON.stringify(saved?.publishedAt)}: not the saved draft`);
      }
    } catch (error) {
      fail(`PUT ${doc.documentId}?status=draft failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      plan.editing.delete(doc.documentId);
    }
  }
  return report;
}

/**
 * @param {string} url
 * @param {HotDocument[]} hot  the documents the reads show and the editors save, with their published titles
 * @param {string | null} token  the editors' API token; null: no editors
 * @param {{ connections: number, seconds: number, editors: number, savesPerSecond: number }} load
 * @returns {Promise<import('./load').Measured & { draftReads: number, saves: number, savesPerSecond: number,
 *   statements: number | null, hits: number, misses: number, hitRatio: number | null, examples: string[] }>}
 */
async function driveNewsroom(url, hot, token, load) {
  const published = new Map(hot.map((doc) => [doc.documentId, doc.title]));
  const nextReadPath = readPathPicker(hot);
  const tally = responseTally();
  const editing = new Set();
  let draftReads = 0;
  let unreadable = 0;
  /** @type {string[]} */
  const examples = [];

  const started = performance.now();
  const until = started + load.seconds * 1000;
  const editors = token
    ? Array.from({ length: load.editors }, () => saveDrafts(url, hot, token, { until, perSecond: load.savesPerSecond, editing }))
    : [];
  const result = await autocannon({
    url,
    connections: load.connections,
    duration: load.seconds,
    timeout: 30,
    requests: [
      {
        setupRequest: (request, untypedContext) => {
          const path = nextReadPath();
          /** @type {{ path?: string }} */ (untypedContext).path = path;
          return { ...request, method: 'GET', path, headers: {}, body: undefined };
        },
        onResponse: (status, body, untypedContext, headers) => {
          const path = /** @type {{ path?: string }} */ (untypedContext).path ?? '?';
          tally.note(/** @type {import('./load').RawHeaders | undefined} */ (headers), true);
          if (status < 200 || status >= 300) return;
          /** @type {{ data?: Array<{ documentId: string, title: string }> }} */
          let parsed;
          try {
            parsed = JSON.parse(body);
          } catch {
            unreadable += 1;
            return;
          }
          for (const entry of parsed.data ?? []) {
            const title = published.get(entry.documentId);
            if (title === undefined || entry.title === title) continue;
            draftReads += 1;
            if (examples.length < 5) examples.push(`${path}: ${entry.documentId} showed "${entry.title}", published "${title}"`);
          }
        },
      },
    ],
  });
  const saved = await Promise.all(editors);
  const seconds = (performance.now() - started) / 1000;
  const measured = summarise(result);
  const saves = saved.reduce((sum, editor) => sum + editor.saves, 0);
  const failedSaves = saved.reduce((sum, editor) => sum + editor.failed, 0);
  examples.push(...saved.flatMap((editor) => editor.examples));
  return {
    ...measured,
    // A failed draft save, a 2xx read that is not JSON and a read showing a draft are errors too.
    errors: measured.errors + failedSaves + unreadable + draftReads,
    draftReads,
    saves,
    savesPerSecond: saves / seconds,
    ...tally.figures(),
    examples,
  };
}

module.exports = { driveNewsroom };
