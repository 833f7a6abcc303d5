// @ts-check
/**
 * S7: search. The CMS's `GET /api/search` (cold: computed each time; warm: with
 * the response cache) against stock Strapi's answer to the same question,
 * `GET /api/articles?_q=<word>` (an ILIKE over the articles' text columns),
 * for two queries:
 *
 * - a common word: "cooperation", in every synthetic article's title and body
 *   and every event's description;
 * - a rare name: "Zarepour", in the few articles this scenario writes first,
 *   through the CMS's REST API with a full-access token (so the search index
 *   is kept by its triggers, as for an editor's article).
 *
 * The JSON differs on purpose: stock answers a page of 25 articles with every
 * field, search a page of 10 hits of every type with a snippet each. Each is
 * checked for what it must hold (the rare name's articles found, pages full
 * for the common word); cold and warm must answer the same JSON. Each query is
 * measured on its own, and both alternating on each connection: that mix is
 * `scenarios.S7` in latest.json, the single queries are in the details.
 */
const autocannon = require('autocannon');
const { summarise } = require('./load');

const COMMON_WORD = 'cooperation';
const RARE_NAME = 'Zarepour';
/** Articles that mention the rare name. */
const RARE_ARTICLES = 3;

/**
 * @typedef {{ rps: number, p50: number | null, p99: number | null, statements: number | null, aloneP50: number | null }} Figures
 * @typedef {import('./load').Measured} Measured
 * @typedef {import('./targets').Running} Server
 */

const ours = (/** @type {string} */ word) => `/api/search?q=${encodeURIComponent(word)}`;
const stocks = (/** @type {string} */ word) => `/api/articles?_q=${encodeURIComponent(word)}`;

/** The path a target answers the word with: stock has no search, so Strapi's `_q` stands in. @param {string} target @param {string} word */
const pathFor = (target, word) => (target === 'stock' ? stocks(word) : ours(word));

const QUERIES = /** @type {const} */ ([
  { id: 'common', word: COMMON_WORD },
  { id: 'rare', word: RARE_NAME },
]);

const TITLE =
  `search, "${COMMON_WORD}" and "${RARE_NAME}" alternating: GET ${ours('<word>')} ` +
  `(stock: GET ${stocks('<word>')}, Strapi's article list, other JSON)`;

/**
 * Drives `paths` in turn on every connection.
 * @param {string} url @param {string[]} paths @param {{ connections: number, seconds: number }} load
 */
async function drivePaths(url, paths, load) {
  const result = await autocannon({
    url,
    connections: load.connections,
    duration: load.seconds,
    timeout: 30,
    requests: paths.map((path) => ({ method: 'GET', path })),
  });
  return summarise(result);
}

/** @param {string} url @param {string} path */
async function get(url, path) {
  const response = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(60_000) });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/**
 * Writes the rare name's articles through `url` (the warm target when there is
 * one: its writes reach every cache), published.
 * @param {string} url @param {string} token
 * @returns {Promise<string[]>} their documentIds
 */
async function writeRareArticles(url, token) {
  const ids = [];
  for (let n = 1; n <= RARE_ARTICLES; n += 1) {
    const slug = `s7-${RARE_NAME.toLowerCase()}-${n}-${Date.now()}`;
    const response = await fetch(`${url}/api/articles`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        data: {
          title: `Minister ${RARE_NAME} opens technology talks, part ${n}`,
          slug,
          summary: `Issa ${RARE_NAME} met his counterparts.`,
          body: [{ type: 'paragraph', children: [{ type: 'text', text: `Tehran (Bench Wire): Minister ${RARE_NAME} said the talks would go on.` }] }],
          publishedDate: '2026-01-0' + n,
        },
      }),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    if (response.status !== 201) throw new Error(`S7: writing an article for "${RARE_NAME}" answered ${response.status}: ${text.slice(0, 200)}`);
    ids.push(JSON.parse(text).data.documentId);
  }
  return ids;
}

/**
 * What each target answers must hold before it is measured: search finds the
 * rare name's articles and a full page for the common word, identically on
 * cold and warm; stock's `_q` finds them too (in its own JSON).
 * @param {Record<string, Server>} servers @param {string[]} rareIds
 */
async function checkAnswers(servers, rareIds) {
  /** @type {string[]} */
  const failures = [];
  /** @type {Record<string, Record<string, unknown>>} */
  const checks = {};
  for (const { id, word } of QUERIES) {
    /** @type {Record<string, string>} */
    const searchAnswers = {};
    checks[id] = {};
    for (const [target, server] of Object.entries(servers)) {
      const answer = await get(server.url, pathFor(target, word));
      if (answer.status !== 200) {
        failures.push(`S7 ${id} ${target}: HTTP ${answer.status} ${answer.text.slice(0, 200)}`);
        continue;
      }
      /** @type {{ data: Array<{ documentId: string }>, meta: { pagination: { total: number }, search?: { totalIsExact: boolean } } }} */
      const body = JSON.parse(answer.text);
      const found = body.data.map((entry) => entry.documentId);
      checks[id][target] = { total: body.meta.pagination.total, onPage: found.length, totalIsExact: body.meta.search?.totalIsExact };
      if (id === 'rare' && !rareIds.every((documentId) => found.includes(documentId))) {
        failures.push(`S7 rare ${target}: the ${RARE_ARTICLES} articles naming ${RARE_NAME} are not all in the answer`);
      }
      if (id === 'common' && found.length < (target === 'stock' ? 25 : 10)) failures.push(`S7 common ${target}: a page of ${found.length} for "${word}"`);
      if (target !== 'stock') searchAnswers[target] = answer.text;
    }
    const texts = Object.values(searchAnswers);
    if (texts.some((text) => text !== texts[0])) failures.push(`S7 ${id}: cold and warm answer different JSON`);
  }
  if (failures.length > 0) throw new Error(`S7 answers are not what they must be:\n  ${failures.join('\n  ')}`);
  return checks;
}

/** @param {number[]} values */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
/** @param {Array<number | null>} values */
const medianOrNull = (values) => {
  const known = /** @type {number[]} */ (values.filter((value) => value !== null));
  return known.length === 0 ? null : median(known);
};

/**
 * Runs S7 on the targets among stock, cold and warm that are running.
 *
 * @param {object} options
 * @param {Record<string, Server>} options.running  the started targets by name
 * @param {() => Promise<string>} options.createToken  a full-access API token (for writing the rare name's articles)
 * @param {import('pg').ClientBase} options.db
 * @param {{ connections: number, seconds: number, rounds: number, warmup: number }} options.load
 * @param {(server: Server) => Promise<void>} options.waitUntilIdle
 * @param {(line: string) => void} options.say
 * @returns {Promise<{ title: string, figures: Record<string, Figures>, errors: number, runs: Array<Record<string, unknown>>, details: Record<string, unknown> }>}
 */
async function measureSearch({ running, createToken, db, load, waitUntilIdle, say }) {
  /** @type {Record<string, Server>} */
  const servers = {};
  for (const target of ['stock', 'cold', 'warm']) if (running[target]) servers[target] = running[target];
  const targets = Object.keys(servers);
  if (targets.length === 0) throw new Error('S7 needs at least one of the targets stock, cold, warm');

  const writer = servers.warm ?? servers.cold ?? servers.stock;
  const rareIds = await writeRareArticles(writer.url, await createToken());
  // The planner's word statistics, as autovacuum would have gathered them after the bulk load.
  await db.query('ANALYZE search_documents');
  const checks = await checkAnswers(servers, rareIds);
  say(`S7: stock answers GET ${stocks('<word>')}, Strapi's list of 25 articles with every field, not the search's JSON: it is the nearest stock Strapi comes to a search`);

  const runs = [];
  let errors = 0;
  /** @type {Record<string, Record<string, Figures>>} */
  const byQuery = {};
  const variants = [...QUERIES.map((query) => ({ id: query.id, words: [query.word] })), { id: 'mix', words: QUERIES.map((query) => query.word) }];
  for (const { id, words } of variants) {
    byQuery[id] = {};
    /** @type {Record<string, Measured[]>} */
    const rounds = Object.fromEntries(targets.map((target) => [target, []]));
    /** @type {Record<string, number | null>} */
    const statements = {};
    for (const target of targets) {
      const sample = await get(servers[target].url, pathFor(target, words[0]));
      const header = sample.headers.get('x-sql-statements');
      statements[target] = header === null ? null : Number(header);
    }
    for (let round = 1; round <= load.rounds; round += 1) {
      for (const target of targets) {
        const server = servers[target];
        const paths = words.map((word) => pathFor(target, word));
        if (load.warmup > 0) {
          await drivePaths(server.url, paths, { connections: load.connections, seconds: load.warmup });
          await waitUntilIdle(server);
        }
        const measured = await drivePaths(server.url, paths, { connections: load.connections, seconds: load.seconds });
        await waitUntilIdle(server);
        errors += measured.errors;
        rounds[target].push(measured);
        runs.push({ scenario: 'S7', query: id, target, round, ...measured });
      }
    }
    // The latency of one search, alone: at 10 connections a p50 is mostly the queue on 2 cores (10 ÷ req/s).
    /** @type {Record<string, number | null>} */
    const alone = {};
    for (const target of targets) {
      const paths = words.map((word) => pathFor(target, word));
      const measured = await drivePaths(servers[target].url, paths, { connections: 1, seconds: Math.max(2, Math.round(load.seconds / 2)) });
      await waitUntilIdle(servers[target]);
      errors += measured.errors;
      alone[target] = measured.p50;
    }
    for (const target of targets) {
      const measured = rounds[target];
      byQuery[id][target] = {
        rps: median(measured.map((run) => run.rps)),
        p50: medianOrNull(measured.map((run) => run.p50)),
        p99: medianOrNull(measured.map((run) => run.p99)),
        statements: statements[target],
        aloneP50: alone[target],
      };
      const figure = byQuery[id][target];
      const ms = (/** @type {number | null} */ value) => (value === null ? '—' : `${value.toFixed(1)} ms`);
      say(
        `S7 ${id.padEnd(6)} ${target.padEnd(5)} ${figure.rps.toFixed(1).padStart(8)} req/s  p50 ${ms(figure.p50)}  p99 ${ms(figure.p99)}  ` +
          `alone p50 ${ms(figure.aloneP50)}  ` +
          `SQL/req ${figure.statements ?? '—'}  rounds ${measured.map((run) => run.rps.toFixed(0)).join(' / ')} req/s` +
          (measured.some((run) => run.errors) ? `  ERRORS ${measured.reduce((sum, run) => sum + run.errors, 0)}` : ''),
      );
    }
  }
  return {
    title: TITLE,
    figures: byQuery.mix,
    errors,
    runs,
    details: { words: { common: COMMON_WORD, rare: RARE_NAME }, rareArticles: rareIds, checks, queries: byQuery },
  };
}

module.exports = { measureSearch, COMMON_WORD, RARE_NAME };
