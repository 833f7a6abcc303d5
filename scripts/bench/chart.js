// @ts-check
/**
 * The chart written beside the result: req/s per scenario (groups) and target
 * (bars, one colour each), on a log scale, as a self-contained SVG: the
 * figures span four orders of magnitude (stock GraphQL at about 10 req/s,
 * cache hits at over 10,000), which a linear axis would flatten to nothing.
 *
 * Plain SVG written here, no charting library: a handful of rectangles, lines
 * and texts. Each bar carries `data-scenario`, `data-target` and `data-rps`
 * and a <title> (the figure on hover), so the chart can be checked by a test
 * and read by a screen reader.
 *
 *   node scripts/bench/chart.js [bench/results/latest.json]   redraws latest.svg from a result file
 */
const fs = require('node:fs');
const path = require('node:path');

/** Known targets keep their colour from run to run; others (variants, new targets) take the next free one. */
const TARGET_COLOURS = /** @type {Record<string, string>} */ ({
  stock: '#8c8c8c',
  cold: '#1f77b4',
  warm: '#ff7f0e',
  raw: '#2ca02c',
  ceiling: '#9467bd',
  varnish: '#d62728',
});
const MORE_COLOURS = ['#17becf', '#bcbd22', '#e377c2', '#8c564b', '#7f7f7f', '#aec7e8', '#ffbb78', '#98df8a', '#c5b0d5', '#f7b6d2'];

/** Short names under each group; the README's table says the rest. */
const SCENARIO_LABELS = /** @type {Record<string, string>} */ ({
  S1: 'list of 25',
  S2: 'list, populated',
  S3: 'one by slug',
  S4: 'GraphQL',
  S5: '5% writes',
  'S5@1%': '1% writes',
  S6: 'newsroom',
  'S1-S3': "S6's reads alone",
});

const TITLE = 'Requests per second by scenario and target';
const FONT = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif";
const BAR_WIDTH = 16;
const BAR_GAP = 2;
const GROUP_GAP = 28;
const MARGIN = { left: 78, right: 24, bottom: 64 };
/** The legend's first row (under the title and subtitle); each further row is LEGEND_ROW lower. */
const LEGEND_TOP = 66;
const LEGEND_ROW = 18;
/** Room above the top gridline for the value written over the tallest bar. */
const LABEL_ROOM = 44;
const PLOT_HEIGHT = 340;

/** @param {string} text */
const escapeXml = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/** @param {number} value */
const formatRps = (value) =>
  value >= 100 ? Math.round(value).toLocaleString('en-US') : value >= 1 ? value.toFixed(1) : value.toPrecision(2);

/** A decade's label: 0.1, 1, 10, ..., 1,000, 10,000. @param {number} exponent */
const decadeLabel = (exponent) => (exponent >= 0 ? (10 ** exponent).toLocaleString('en-US') : (10 ** exponent).toFixed(-exponent));

/** @param {number} value */
const px = (value) => Number(value.toFixed(2));

/**
 * The decades the axis spans: from a power of ten at least twice below the
 * smallest figure (so its bar is not flat) to the one at or above the largest.
 * @param {number[]} values  positive
 * @returns {{ low: number, high: number }}  exponents of ten
 */
function decades(values) {
  const logs = values.map(Math.log10);
  const low = Math.floor(Math.min(...logs) - Math.log10(2));
  const high = Math.max(low + 1, Math.ceil(Math.max(...logs) - 1e-9));
  return { low, high };
}

/**
 * @param {{ scenarios: Record<string, Record<string, { rps?: number | null }>> }} result  latest.json's shape
 * @param {{ title?: string, subtitle?: string, labels?: Record<string, string> }} [options]
 * @returns {string} the SVG document
 */
function renderChart(result, options = {}) {
  const labels = { ...SCENARIO_LABELS, ...options.labels };
  /** @type {Array<{ id: string, bars: Array<{ target: string, rps: number }> }>} */
  const groups = [];
  /** @type {string[]} */
  const targets = [];
  for (const [id, byTarget] of Object.entries(result.scenarios)) {
    const bars = [];
    for (const [target, figures] of Object.entries(byTarget)) {
      const rps = figures?.rps;
      if (typeof rps !== 'number' || !Number.isFinite(rps) || rps <= 0) continue;
      bars.push({ target, rps });
      if (!targets.includes(target)) targets.push(target);
    }
    if (bars.length > 0) groups.push({ id, bars });
  }
  /** @type {Record<string, string>} */
  const colours = {};
  let spare = 0;
  for (const target of targets) colours[target] = TARGET_COLOURS[target] ?? MORE_COLOURS[spare++ % MORE_COLOURS.length];

  const barsWidth = (/** @type {{ bars: unknown[] }} */ group) => group.bars.length * (BAR_WIDTH + BAR_GAP) - BAR_GAP;
  // A group is as wide as its bars, or as its labels when they are wider (a scenario measured on one target).
  const groupWidths = groups.map((group) => Math.max(barsWidth(group), (labels[group.id] ?? '').length * 6.2 + 6, group.id.length * 8.5));
  // At least as wide as the title and subtitle; spare width goes to the gaps between groups, evenly.
  const naturalWidth = groupWidths.reduce((sum, width) => sum + width + GROUP_GAP, GROUP_GAP);
  const textWidth = Math.max(((options.title ?? TITLE).length + 12) * 9.6, (options.subtitle ?? '').length * 6.6);
  const plotWidth = Math.max(560, naturalWidth, textWidth);
  const gap = GROUP_GAP + (plotWidth - naturalWidth) / (groups.length + 1);
  const width = MARGIN.left + plotWidth + MARGIN.right;
  const left = MARGIN.left;
  const right = MARGIN.left + plotWidth;

  // The legend: one swatch and name per target, in rows under the title, wrapping at the plot's width.
  const legend = [];
  let legendX = left;
  let legendY = LEGEND_TOP;
  for (const target of targets) {
    const itemWidth = 24 + target.length * 7.2 + 18;
    if (legendX + itemWidth > right && legendX > left) {
      legendX = left;
      legendY += LEGEND_ROW;
    }
    legend.push(
      `<g class="legend" data-target="${escapeXml(target)}"><rect x="${px(legendX)}" y="${legendY - 10}" width="12" height="12" fill="${colours[target]}"/>` +
        `<text x="${px(legendX + 17)}" y="${legendY}" font-size="12" fill="#222">${escapeXml(target)}</text></g>`,
    );
    legendX += itemWidth;
  }
  const plotTop = legendY + 14 + LABEL_ROOM;
  const baseline = plotTop + PLOT_HEIGHT;
  const height = baseline + MARGIN.bottom;

  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeXml(FONT)}" role="img">`,
    `<title>${escapeXml(options.title ?? TITLE)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${left}" y="28" font-size="17" font-weight="600" fill="#222">${escapeXml(options.title ?? TITLE)} (log scale)</text>`,
  ];
  if (options.subtitle) out.push(`<text x="${left}" y="48" font-size="12" fill="#555">${escapeXml(options.subtitle)}</text>`);
  out.push(...legend);

  if (groups.length === 0) {
    out.push(`<text x="${left}" y="${plotTop + 20}" font-size="13" fill="#555">No scenario measured.</text>`, '</svg>');
    return `${out.join('\n')}\n`;
  }

  const { low, high } = decades(groups.flatMap((group) => group.bars.map((bar) => bar.rps)));
  /** The vertical position of a value on the log axis. @param {number} value */
  const yOf = (value) => baseline - ((Math.log10(value) - low) / (high - low)) * PLOT_HEIGHT;

  // Gridlines: every decade, labelled, and fainter lines at 2–9 × each decade.
  for (let exponent = low; exponent <= high; exponent++) {
    const y = px(yOf(10 ** exponent));
    out.push(
      `<line class="decade" x1="${left}" x2="${right}" y1="${y}" y2="${y}" stroke="#c8c8c8" stroke-width="1"/>`,
      `<text x="${left - 8}" y="${px(y + 4)}" font-size="12" text-anchor="end" fill="#444">${decadeLabel(exponent)}</text>`,
    );
    if (exponent === high) continue;
    for (let step = 2; step <= 9; step++) {
      const minor = px(yOf(step * 10 ** exponent));
      out.push(`<line x1="${left}" x2="${right}" y1="${minor}" y2="${minor}" stroke="#eeeeee" stroke-width="1"/>`);
    }
  }
  const middle = px((plotTop + baseline) / 2);
  out.push(`<text x="18" y="${middle}" font-size="12" fill="#444" text-anchor="middle" transform="rotate(-90 18 ${middle})">requests per second</text>`);

  let x = left + gap;
  groups.forEach((group, index) => {
    const groupStart = x;
    x += (groupWidths[index] - barsWidth(group)) / 2;
    for (const bar of group.bars) {
      const top = px(yOf(bar.rps));
      const centre = px(x + BAR_WIDTH / 2);
      const figure = formatRps(bar.rps);
      out.push(
        `<rect class="bar" data-scenario="${escapeXml(group.id)}" data-target="${escapeXml(bar.target)}" data-rps="${bar.rps}" ` +
          `x="${px(x)}" y="${top}" width="${BAR_WIDTH}" height="${px(baseline - top)}" fill="${colours[bar.target]}">` +
          `<title>${escapeXml(`${group.id} ${bar.target}: ${figure} req/s`)}</title></rect>`,
        `<text x="${centre}" y="${px(top - 4)}" font-size="10" fill="#333" transform="rotate(-90 ${centre} ${px(top - 4)})" dominant-baseline="middle">${figure}</text>`,
      );
      x += BAR_WIDTH + BAR_GAP;
    }
    const groupCentre = px(groupStart + groupWidths[index] / 2);
    out.push(
      `<text x="${groupCentre}" y="${baseline + 20}" font-size="13" font-weight="600" text-anchor="middle" fill="#222">${escapeXml(group.id)}</text>`,
    );
    if (labels[group.id]) {
      out.push(`<text x="${groupCentre}" y="${baseline + 36}" font-size="11" text-anchor="middle" fill="#555">${escapeXml(labels[group.id])}</text>`);
    }
    x = groupStart + groupWidths[index] + gap;
  });
  out.push(`<line x1="${left}" x2="${right}" y1="${baseline}" y2="${baseline}" stroke="#444" stroke-width="1"/>`, '</svg>');
  return `${out.join('\n')}\n`;
}

/**
 * Writes the chart of a result beside it (`latest.json` → `latest.svg`).
 * @param {string} resultFile
 * @param {Parameters<typeof renderChart>[0]} result
 * @param {Parameters<typeof renderChart>[1]} [options]
 * @returns {string} the chart's file
 */
function writeChart(resultFile, result, options) {
  const file = resultFile.replace(/\.json$/, '') + '.svg';
  fs.writeFileSync(file, renderChart(result, options));
  return file;
}

/**
 * The subtitle that says which run a chart shows, from the result's `run`.
 * @param {{ articles?: number, run?: { finishedAt?: string, workers?: number | string, connections?: number, rounds?: number, duration?: number } }} result
 */
function runSubtitle(result) {
  const run = result.run ?? {};
  const parts = [
    run.finishedAt ? `npm run bench, ${run.finishedAt.slice(0, 10)}` : 'npm run bench',
    result.articles !== undefined ? `${result.articles.toLocaleString('en-US')} articles` : null,
    run.workers !== undefined ? `${run.workers} workers per target` : null,
    run.connections !== undefined ? `${run.connections} connections` : null,
    run.rounds !== undefined && run.duration !== undefined ? `median of ${run.rounds} × ${run.duration} s` : null,
  ];
  return parts.filter(Boolean).join(', ');
}

if (require.main === module) {
  const resultFile = path.resolve(process.argv[2] ?? path.join(__dirname, '..', '..', 'bench', 'results', 'latest.json'));
  const result = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
  console.log(`wrote ${writeChart(resultFile, result, { subtitle: runSubtitle(result) })}`);
}

module.exports = { renderChart, writeChart, runSubtitle, escapeXml };
