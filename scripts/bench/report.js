// @ts-check
/**
 * The benchmark's table and its JSON result.
 */

/**
 * @typedef {{ rps: number, p50: number | null, p99: number | null, statements: number | null }} Figures
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
  const header = ['scenario', 'target', 'req/s', 'p50 ms', 'p99 ms', 'SQL/req', 'vs stock', 'vs raw', 'vs ceiling', 'gain'];
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
});

/**
 * The result file, shaped as the issue asks: latencies in ms, statements per
 * request. With variants, each scenario holds their figures too, and
 * `variants` says what each one is and its gain per scenario.
 * @param {number} articles
 * @param {ScenarioFigures} scenarios
 * @param {number} staleReads
 * @param {number} errors
 * @param {Row[]} layout
 */
function resultJson(articles, scenarios, staleReads, errors, layout) {
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
  if (variantRows.length === 0) return { articles, scenarios: shaped, staleReads, errors };
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
  return { articles, scenarios: shaped, variants, staleReads, errors };
}

module.exports = { formatTable, formatGains, resultJson };
