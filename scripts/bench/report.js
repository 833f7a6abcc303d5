// @ts-check
/**
 * The benchmark's table and its JSON result.
 */

/**
 * @typedef {{ rps: number, p50: number | null, p99: number | null, statements: number | null }} Figures
 * @typedef {Record<string, Partial<Record<'stock' | 'cold' | 'warm' | 'raw' | 'ceiling', Figures>>>} ScenarioFigures
 */

const round = (/** @type {number} */ value, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** @param {number | null | undefined} value @param {number} digits */
const show = (value, digits = 1) => (value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits));

/** @param {Figures | undefined} ours @param {Figures | undefined} other */
const ratio = (ours, other) => (ours && other && other.rps > 0 ? `${(ours.rps / other.rps).toFixed(2)}×` : '—');

/**
 * @param {ScenarioFigures} scenarios
 * @param {Record<string, string>} titles
 * @returns {string}
 */
function formatTable(scenarios, titles) {
  const header = ['scenario', 'target', 'req/s', 'p50 ms', 'p99 ms', 'SQL/req', 'vs stock', 'vs raw', 'vs ceiling'];
  /** @type {string[][]} */
  const rows = [];
  for (const [id, targets] of Object.entries(scenarios)) {
    let first = true;
    for (const target of /** @type {const} */ (['stock', 'cold', 'warm', 'raw', 'ceiling'])) {
      const figures = targets[target];
      if (!figures) continue;
      const ours = target === 'cold' || target === 'warm';
      rows.push([
        first ? id : '',
        target,
        show(figures.rps),
        show(figures.p50),
        show(figures.p99),
        show(figures.statements, figures.statements !== null && Number.isInteger(figures.statements) ? 0 : 1),
        ours ? ratio(figures, targets.stock) : '',
        ours ? ratio(figures, targets.raw) : '',
        ours ? ratio(figures, targets.ceiling) : '',
      ]);
      first = false;
    }
  }
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (/** @type {string[]} */ cells) =>
    cells.map((cell, column) => (column < 2 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  const out = [line(header), widths.map((width) => '-'.repeat(width)).join('  ')];
  rows.forEach((row, index) => {
    if (row[0] && index > 0) out.push('');
    out.push(line(row));
  });
  out.push('');
  for (const id of Object.keys(scenarios)) out.push(`${id}: ${titles[id] ?? ''}`);
  return out.join('\n');
}

/**
 * The result file, shaped as the issue asks: latencies in ms, statements per request.
 * @param {number} articles
 * @param {ScenarioFigures} scenarios
 * @param {number} staleReads
 * @param {number} errors
 */
function resultJson(articles, scenarios, staleReads, errors) {
  /** @type {Record<string, Record<string, Figures>>} */
  const shaped = {};
  for (const [id, targets] of Object.entries(scenarios)) {
    shaped[id] = {};
    for (const target of /** @type {const} */ (['stock', 'cold', 'warm', 'raw', 'ceiling'])) {
      const figures = targets[target];
      if (!figures) continue;
      shaped[id][target] = {
        rps: round(figures.rps),
        p50: figures.p50 === null ? null : round(figures.p50, 2),
        p99: figures.p99 === null ? null : round(figures.p99, 2),
        statements: figures.statements === null ? null : round(figures.statements, 2),
      };
    }
  }
  return { articles, scenarios: shaped, staleReads, errors };
}

module.exports = { formatTable, resultJson };
