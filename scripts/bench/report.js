// @ts-check
/**
 * The benchmark's table, its goals and its JSON result.
 */

/**
 * @typedef {object} Figures
 * @property {number} rps
 * @property {number | null} p50
 * @property {number | null} p99
 * @property {number | null} statements
 * @property {number | null} [hitRatio]  mixed scenarios: the reads' X-Cache HIT ÷ (HIT + MISS + BYPASS); null without a cache
 * @property {number} [savesPerSecond]  S6: the editors' draft saves a second
 * @property {number | null} [aloneP50]  S7: the p50 of one request at a time (one connection)
 * @typedef {{ id: string, name: string, value: number | null, atLeast?: number, atMost?: number, met: boolean | null }} Goal  id: its key in latest.json
 * @typedef {{ statements: number, oneRequestStatements: number, requests: number, repeats: number, rounds: unknown[] }} Stampede
 * @typedef {Record<string, Record<string, Figures>>} ScenarioFigures  scenario → target → figures
 * @typedef {object} Row  a target in the table, in order; a variant names its base
 * @property {string} name
 * @property {string} [base]
 * @property {Record<string, string>} [env]
 * @property {string} [sameAs]  the variant is this target, whose figures it shows
 */

const round = (/** @type {number} */ value, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** @param {number | null | undefined} value @param {number} digits */
const show = (value, digits = 1) => (value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits));

/** @param {Figures | undefined} ours @param {Figures | undefined} other */
const rpsRatio = (ours, other) => (ours && other && other.rps > 0 ? ours.rps / other.rps : null);

/** @param {number | null} value */
const times = (value) => (value === null ? '—' : `${value.toFixed(2)}×`);

/**
 * A variant's gain on one scenario: its base's req/s divided by its own (the
 * patch it turns off is worth that much).
 * @param {Record<string, Figures>} targets @param {Row} row
 */
const gainOf = (targets, row) => (row.base ? rpsRatio(targets[row.base], targets[row.name]) : null);

/** @param {string[]} header @param {string[][]} rows @param {number} leftColumns */
function align(header, rows, leftColumns) {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (/** @type {string[]} */ cells) =>
    cells.map((cell, column) => (column < leftColumns ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  return { line, rule: widths.map((width) => '-'.repeat(width)).join('  ') };
}

/**
 * @param {ScenarioFigures} scenarios
 * @param {Record<string, string>} titles
 * @param {Row[]} layout
 * @returns {string}
 */
function formatTable(scenarios, titles, layout) {
  const header = ['scenario', 'target', 'req/s', 'p50 ms', 'p99 ms', 'SQL/req', 'hits', 'vs stock', 'vs raw', 'vs ceiling', 'gain'];
  /** @type {string[][]} */
  const rows = [];
  for (const [id, targets] of Object.entries(scenarios)) {
    let first = true;
    for (const row of layout) {
      const figures = targets[row.name];
      if (!figures) continue;
      const ours = row.name === 'cold' || row.name === 'warm';
      const gain = gainOf(targets, row);
      rows.push([
        first ? id : '',
        row.sameAs ? `${row.name} (= ${row.sameAs})` : row.name,
        show(figures.rps),
        show(figures.p50),
        show(figures.p99),
        show(figures.statements, figures.statements !== null && Number.isInteger(figures.statements) ? 0 : 1),
        typeof figures.hitRatio === 'number' ? `${(figures.hitRatio * 100).toFixed(1)}%` : figures.hitRatio === null ? '—' : '',
        ours ? times(rpsRatio(figures, targets.stock)) : '',
        ours ? times(rpsRatio(figures, targets.raw)) : '',
        ours ? times(rpsRatio(figures, targets.ceiling)) : '',
        row.base ? times(gain) : '',
      ]);
      first = false;
    }
  }
  const { line, rule } = align(header, rows, 2);
  const out = [line(header), rule];
  rows.forEach((row, index) => {
    if (row[0] && index > 0) out.push('');
    out.push(line(row));
  });
  out.push('');
  for (const id of Object.keys(scenarios)) out.push(`${id}: ${titles[id] ?? ''}`);
  out.push('hits: the reads answered X-Cache: HIT, of those that said HIT, MISS or BYPASS (— no cache)');
  if (layout.some((row) => row.base)) out.push('gain: a variant\'s base req/s ÷ its own (what the variables it sets cost)');
  return out.join('\n');
}

/**
 * Each variant's gain per scenario, one line each: the figure a patch's
 * entry in the registry records.
 * @param {ScenarioFigures} scenarios
 * @param {Row[]} layout
 * @returns {string}
 */
function formatGains(scenarios, layout) {
  const ids = Object.keys(scenarios);
  const header = ['variant', 'sets', ...ids];
  const rows = layout
    .filter((row) => row.base)
    .map((row) => [
      row.name,
      `${row.base} + ${Object.entries(row.env ?? {}).map(([name, value]) => `${name}=${value}`).join(' ')}`,
      ...ids.map((id) => times(gainOf(scenarios[id], row))),
    ]);
  const { line, rule } = align(header, rows, 2);
  return ['Gain of what each variant turns off (base req/s ÷ variant req/s):', line(header), rule, ...rows.map(line)].join('\n');
}

/** @param {Figures} figures */
const rounded = (figures) => ({
  rps: round(figures.rps),
  p50: figures.p50 === null ? null : round(figures.p50, 2),
  p99: figures.p99 === null ? null : round(figures.p99, 2),
  statements: figures.statements === null ? null : round(figures.statements, 2),
  ...(figures.hitRatio !== undefined ? { hitRatio: figures.hitRatio === null ? null : round(figures.hitRatio, 4) } : {}),
  ...(figures.savesPerSecond !== undefined ? { savesPerSecond: round(figures.savesPerSecond, 2) } : {}),
  ...(figures.aloneP50 !== undefined ? { aloneP50: figures.aloneP50 === null ? null : round(figures.aloneP50, 2) } : {}),
});

/**
 * The performance goals the figures of one run are held to (ratios within
 * the run, so the machine's drift cancels out), where the run measured both
 * sides: S5 warm ≥ 3 × cold; S6 warm hit ratio ≥ 0.98 and req/s ≥ 0.8 × its
 * reads alone; the stampede's statements ≤ 2 × one request's. The bench
 * reports them; it fails only on wrong answers, never on a goal.
 * @param {ScenarioFigures} scenarios
 * @param {Stampede | undefined} stampede
 * @param {string} readsAlone  the id of S6's reads without editors
 * @returns {Goal[]}
 */
function goalsOf(scenarios, stampede, readsAlone) {
  /** @type {Goal[]} */
  const goals = [];
  const ratio = (/** @type {number | null | undefined} */ a, /** @type {number | null | undefined} */ b) =>
    typeof a === 'number' && typeof b === 'number' && b > 0 ? a / b : null;
  const add = (/** @type {string} */ id, /** @type {string} */ name, /** @type {number | null} */ value, /** @type {{ atLeast?: number, atMost?: number }} */ bound) =>
    goals.push({
      id,
      name,
      value: value === null ? null : round(value, 3),
      ...bound,
      met: value === null ? null : bound.atLeast !== undefined ? value >= bound.atLeast : value <= /** @type {number} */ (bound.atMost),
    });
  const s5 = scenarios.S5;
  if (s5?.warm && s5.cold) add('s5WarmOverCold', 'S5 warm ÷ cold req/s', ratio(s5.warm.rps, s5.cold.rps), { atLeast: 3 });
  const s6 = scenarios.S6?.warm;
  if (s6) add('s6WarmHitRatio', 'S6 warm hit ratio', s6.hitRatio ?? null, { atLeast: 0.98 });
  const alone = scenarios[readsAlone]?.warm;
  if (s6 && alone) add('s6WarmOverReadsAlone', `S6 warm ÷ ${readsAlone} warm req/s`, ratio(s6.rps, alone.rps), { atLeast: 0.8 });
  if (stampede) {
    add('stampedeOverOneRequest', "stampede statements ÷ one request's", ratio(stampede.statements, stampede.oneRequestStatements), { atMost: 2 });
  }
  return goals;
}

/** @param {Goal[]} goals */
function formatGoals(goals) {
  const lines = goals.map((goal) => {
    const bound = goal.atLeast !== undefined ? `≥ ${goal.atLeast}` : `≤ ${goal.atMost}`;
    const verdict = goal.met === null ? 'not measured' : goal.met ? 'met' : 'NOT met';
    return `  ${goal.name}: ${goal.value === null ? '—' : goal.value} (goal ${bound}): ${verdict}`;
  });
  return ['Goals (ratios within this run; reported, not enforced):', ...lines].join('\n');
}

/**
 * The result file: latencies in ms, statements per request, the mixed
 * scenarios' hit ratios. With variants, each scenario holds their figures
 * too, and `variants` says what each one is and its gain per scenario.
 * `stampede` and `goals` are there when measured; `run` says which run it is.
 * @param {number} articles
 * @param {ScenarioFigures} scenarios
 * @param {{ staleReads: number, draftReads: number, errors: number, run: Record<string, unknown>, stampede?: Stampede, goals: Goal[] }} outcome
 * @param {Row[]} layout
 */
function resultJson(articles, scenarios, outcome, layout) {
  const { staleReads, draftReads, errors, run } = outcome;
  const stampede = outcome.stampede
    ? {
        stampede: {
          statements: outcome.stampede.statements,
          oneRequestStatements: outcome.stampede.oneRequestStatements,
          requests: outcome.stampede.requests,
          repeats: outcome.stampede.repeats,
          rounds: outcome.stampede.rounds,
        },
      }
    : {};
  const goals =
    outcome.goals.length > 0
      ? { goals: Object.fromEntries(outcome.goals.map(({ id, name, ...goal }) => [id, { name, ...goal }])) }
      : {};
  /** @type {Record<string, Record<string, Figures>>} */
  const shaped = {};
  for (const [id, targets] of Object.entries(scenarios)) {
    shaped[id] = {};
    for (const row of layout) {
      const figures = targets[row.name];
      if (figures) shaped[id][row.name] = rounded(figures);
    }
  }
  const variantRows = layout.filter((row) => row.base);
  if (variantRows.length === 0) return { articles, run, scenarios: shaped, ...stampede, ...goals, staleReads, draftReads, errors };
  /** @type {Record<string, { base: string, env: Record<string, string>, sameAs?: string, gain: Record<string, number | null> }>} */
  const variants = {};
  for (const row of variantRows) {
    variants[row.name] = {
      base: /** @type {string} */ (row.base),
      env: row.env ?? {},
      ...(row.sameAs ? { sameAs: row.sameAs } : {}),
      gain: Object.fromEntries(
        Object.entries(scenarios).map(([id, targets]) => {
          const gain = gainOf(targets, row);
          return [id, gain === null ? null : round(gain, 2)];
        }),
      ),
    };
  }
  return { articles, run, scenarios: shaped, variants, ...stampede, ...goals, staleReads, draftReads, errors };
}

module.exports = { formatTable, formatGains, formatGoals, goalsOf, resultJson };
