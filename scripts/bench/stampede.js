// @ts-check
/**
 * The stampede: right after a publish that changes the front page (a REST
 * PUT of the title of an article on S1's page, which without `status` saves
 * and publishes it), many readers ask for the front page at once. What they
 * cost together in SQL statements, against what one request alone costs
 * after the same kind of publish, says whether concurrent misses are
 * computed once (single flight) or once each.
 *
 * Statements are counted as everywhere in the bench: the `X-SQL-Statements`
 * header (SQL_STATEMENT_HEADER=true) counts the statements each request
 * caused, in its own async context. A request that waited for another's
 * computation ran none itself, and a hit answered before Koa carries no
 * header: both count 0. So the sum over the answers is what the readers cost.
 *
 * The connections are opened (and the target left idle) before the publish,
 * so the requests leave together instead of one TCP handshake apart.
 *
 * Each publish is of the first article the front page shows at that moment.
 * Publishing gives a document a new published row (a new id), so the article
 * may leave the page (S1 lists in id order): an answer may leave it out, but
 * an answer that shows it with its title from before the publish is a stale
 * read.
 */
const http = require('node:http');
const { headerOf, cacheOutcome, editedTitle } = require('./load');

/**
 * @typedef {{ status: number, headers: import('./load').RawHeaders, body: string }} Answer
 * @typedef {object} StampedeRound
 * @property {number} statements  the concurrent requests' statements together
 * @property {number} oneRequestStatements  one request's, alone after a publish
 * @property {string | null} oneRequestCache  that request's X-Cache (MISS expected)
 * @property {number} misses  concurrent requests that said MISS or BYPASS
 * @property {number} hits
 * @property {number} milliseconds  from the first request sent to the last answer
 */

/**
 * @param {http.Agent} agent @param {string} url @param {string} path
 * @param {{ method?: string, headers?: Record<string, string>, body?: string }} [options]
 * @returns {Promise<Answer>}
 */
function send(agent, url, path, options = {}) {
  return new Promise((resolve, reject) => {
    const request = http.request(`${url}${path}`, { agent, method: options.method ?? 'GET', headers: options.headers, timeout: 60_000 }, (response) => {
      const chunks = /** @type {Buffer[]} */ ([]);
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: /** @type {import('./load').RawHeaders} */ (response.headers), body: Buffer.concat(chunks).toString('utf8') }),
      );
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`${path}: no answer within 60 s`)));
    request.on('error', reject);
    request.end(options.body);
  });
}

/** @param {Answer} answer */
const statementsOf = (answer) => {
  const value = Number(headerOf(answer.headers, 'x-sql-statements'));
  return Number.isFinite(value) ? value : 0;
};

/** The middle value (the mean of the two middle ones for an even count). @param {number[]} values */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * @param {string} url  the warm target
 * @param {object} options
 * @param {string} options.path  the front page (S1's request)
 * @param {string} options.token  a full-access API token (the publishes)
 * @param {number} options.requests  concurrent requests per stampede
 * @param {number} options.repeats
 * @param {() => Promise<void>} options.settle  waits until the target (and its database) is idle
 * @returns {Promise<{ statements: number, oneRequestStatements: number, requests: number, repeats: number,
 *   rounds: StampedeRound[], staleReads: number, errors: number, examples: string[] }>}
 */
async function measureStampede(url, options) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.requests });
  /** The article last published, and the title it was published with. */
  let published = { documentId: '', title: '' };
  let staleReads = 0;
  let errors = 0;
  /** @type {string[]} */
  const examples = [];
  /** @type {StampedeRound[]} */
  const rounds = [];

  /** Publishes a new title of the first article on the front page. */
  const publish = async () => {
    const page = await send(agent, url, options.path);
    const first = page.status === 200 ? /** @type {{ data?: Array<{ documentId: string, title: string }> }} */ (JSON.parse(page.body)).data?.[0] : undefined;
    if (!first) throw new Error(`the front page (${options.path}) answered ${page.status} with no article: ${page.body.slice(0, 200)}`);
    const title = editedTitle(first.title, 'stampede');
    published = { documentId: first.documentId, title };
    const answer = await send(agent, url, `/api/articles/${first.documentId}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ data: { title } }),
    });
    const saved = answer.status === 200 ? /** @type {{ data?: { title?: string, publishedAt?: string | null } }} */ (JSON.parse(answer.body)).data : undefined;
    if (!saved || saved.title !== title || !saved.publishedAt) {
      throw new Error(`the stampede's publish (PUT /api/articles/${first.documentId}) answered ${answer.status}: ${answer.body.slice(0, 200)}`);
    }
  };
  /** Checks one answer; returns whether it was a good one. @param {Answer} answer */
  const check = (answer) => {
    if (answer.status !== 200) {
      errors += 1;
      if (examples.length < 5) examples.push(`HTTP ${answer.status}: ${answer.body.slice(0, 160)}`);
      return false;
    }
    const entries = /** @type {{ data?: Array<{ documentId: string, title: string }> }} */ (JSON.parse(answer.body)).data ?? [];
    const shown = entries.find((entry) => entry.documentId === published.documentId);
    if (shown && shown.title !== published.title) {
      staleReads += 1;
      if (examples.length < 5) examples.push(`${published.documentId} showed "${shown.title}" after "${published.title}" was published`);
      return false;
    }
    return true;
  };
  const all = () => Promise.all(Array.from({ length: options.requests }, () => send(agent, url, options.path)));

  try {
    for (let repeat = 0; repeat < options.repeats; repeat++) {
      // One request alone after a publish: what computing the front page once costs.
      await publish();
      const alone = await send(agent, url, options.path);
      check(alone);
      const oneRequestStatements = statementsOf(alone);
      const oneRequestCache = headerOf(alone.headers, 'x-cache') ?? null;

      // Open the connections (these reads are answered from the cache), let the target settle, publish, then all at once.
      for (const answer of await all()) check(answer);
      await options.settle();
      await publish();
      const sent = performance.now();
      const answers = await all();
      const milliseconds = performance.now() - sent;
      let statements = 0;
      let hits = 0;
      let misses = 0;
      for (const answer of answers) {
        check(answer);
        statements += statementsOf(answer);
        const outcome = cacheOutcome(headerOf(answer.headers, 'x-cache'));
        if (outcome === 'hit') hits += 1;
        else if (outcome === 'miss') misses += 1;
      }
      rounds.push({ statements, oneRequestStatements, oneRequestCache, misses, hits, milliseconds: Math.round(milliseconds) });
      await options.settle();
    }
  } finally {
    agent.destroy();
  }
  return {
    statements: median(rounds.map((round) => round.statements)),
    oneRequestStatements: median(rounds.map((round) => round.oneRequestStatements)),
    requests: options.requests,
    repeats: options.repeats,
    rounds,
    staleReads,
    errors,
    examples,
  };
}

module.exports = { measureStampede };
