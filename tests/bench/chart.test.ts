/**
 * The bench's chart (scripts/bench/chart.js): fixed figures in, an SVG out
 * that is well-formed XML, escapes what it is given, and puts each bar's top
 * on a log scale. No server: the chart is a pure function of latest.json.
 */
import { renderChart } from '../../scripts/bench/chart';

interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;
const decode = (raw: string) =>
  raw.replace(ENTITY, (entity) => ({ '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'" })[entity] ?? entity);

/** Fails on a bare `&` or `<` where XML allows neither. */
function checkCharacters(raw: string, where: string) {
  if (/[<]/.test(raw) || /&/.test(raw.replace(ENTITY, ''))) throw new Error(`unescaped character in ${where}: ${raw}`);
}

/**
 * A small XML reader, strict where an SVG viewer is: one root, every element closed in order, attribute values
 * quoted, no duplicate attribute, `&` and `<` escaped in text and values. Returns the element tree.
 */
function parseXml(source: string): XmlElement {
  const body = source.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: XmlElement[] = [{ name: '#document', attributes: {}, children: [], text: '' }];
  for (const [token] of body.matchAll(/<!--[\s\S]*?-->|<[^>]*>|[^<]+/g)) {
    const parent = stack[stack.length - 1];
    if (token.startsWith('<!--')) continue;
    if (!token.startsWith('<')) {
      checkCharacters(token, `the text of <${parent.name}>`);
      if (parent.name === '#document' && token.trim() !== '') throw new Error(`text outside the root: ${token}`);
      parent.text += decode(token);
      continue;
    }
    const closing = /^<\/([A-Za-z][\w:.-]*)\s*>$/.exec(token);
    if (closing) {
      if (parent.name !== closing[1]) throw new Error(`</${closing[1]}> closes <${parent.name}>`);
      stack.pop();
      continue;
    }
    const opening = /^<([A-Za-z][\w:.-]*)((?:\s+[A-Za-z_:][\w:.-]*="[^"]*")*)\s*(\/?)>$/.exec(token);
    if (!opening) throw new Error(`malformed tag: ${token}`);
    const element: XmlElement = { name: opening[1], attributes: {}, children: [], text: '' };
    for (const [, name, value] of opening[2].matchAll(/([A-Za-z_:][\w:.-]*)="([^"]*)"/g)) {
      if (name in element.attributes) throw new Error(`duplicate attribute ${name} in ${token}`);
      checkCharacters(value, `attribute ${name}`);
      element.attributes[name] = decode(value);
    }
    if (parent.name === '#document' && parent.children.length > 0) throw new Error('a second root element');
    parent.children.push(element);
    if (opening[3] !== '/') stack.push(element);
  }
  if (stack.length !== 1) throw new Error(`<${stack[stack.length - 1].name}> is never closed`);
  const [root] = stack[0].children;
  if (!root) throw new Error('no root element');
  return root;
}

function all(element: XmlElement, test: (candidate: XmlElement) => boolean): XmlElement[] {
  return [...(test(element) ? [element] : []), ...element.children.flatMap((child) => all(child, test))];
}

const TRICKY_TARGET = 'cold-<no> & "cache"';

// Powers of ten, so each bar's top sits exactly on a labelled gridline; one figure of 0 (no bar) and one null.
const result = {
  scenarios: {
    S1: { stock: { rps: 10 }, cold: { rps: 100 }, warm: { rps: 10_000 } },
    S4: { stock: { rps: 1 }, cold: { rps: 1_000 }, [TRICKY_TARGET]: { rps: 100 } },
    S5: { stock: { rps: 0 }, cold: { rps: null }, warm: { rps: 100 } },
  },
};

describe('the bench chart (latest.svg)', () => {
  const svg = renderChart(result, { subtitle: 'npm run bench, 2026-12-06 & <friends>' });
  const root = parseXml(svg);
  const bars = all(root, (element) => element.name === 'rect' && element.attributes.class === 'bar');
  const bar = (scenario: string, target: string) => {
    const found = bars.find((candidate) => candidate.attributes['data-scenario'] === scenario && candidate.attributes['data-target'] === target);
    if (!found) throw new Error(`no bar for ${scenario} ${target}`);
    return { top: Number(found.attributes.y), bottom: Number(found.attributes.y) + Number(found.attributes.height), title: found.children[0]?.text };
  };

  it('is one well-formed SVG document with its size and a title', () => {
    expect(root.name).toBe('svg');
    expect(root.attributes.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(root.attributes.viewBox).toBe(`0 0 ${root.attributes.width} ${root.attributes.height}`);
    expect(all(root, (element) => element.name === 'title')[0].text).toBe('Requests per second by scenario and target');
    expect(all(root, (element) => element.name === 'text').map((element) => element.text)).toContain('npm run bench, 2026-12-06 & <friends>');
  });

  it('draws one bar per measured figure, none for 0 or null, and names each in its tooltip', () => {
    expect(bars.map((element) => `${element.attributes['data-scenario']} ${element.attributes['data-target']}`)).toEqual([
      'S1 stock', 'S1 cold', 'S1 warm', 'S4 stock', 'S4 cold', `S4 ${TRICKY_TARGET}`, 'S5 warm',
    ]);
    expect(bar('S1', 'warm').title).toBe('S1 warm: 10,000 req/s');
    expect(bar('S4', TRICKY_TARGET).title).toBe(`S4 ${TRICKY_TARGET}: 100 req/s`);
  });

  it('lists every target once in the legend, in order, with the colour of its bars', () => {
    const legend = all(root, (element) => element.name === 'g' && element.attributes.class === 'legend');
    expect(legend.map((item) => item.children[1].text)).toEqual(['stock', 'cold', 'warm', TRICKY_TARGET]);
    for (const item of legend) {
      const target = item.attributes['data-target'];
      const colours = new Set(bars.filter((element) => element.attributes['data-target'] === target).map((element) => element.attributes.fill));
      expect([...colours]).toEqual([item.children[0].attributes.fill]);
    }
  });

  it('puts the bars on a log scale: equal ratios are equal heights, and each top on its decade line', () => {
    const baseline = bar('S1', 'stock').bottom;
    for (const element of bars) expect(Number(element.attributes.y) + Number(element.attributes.height)).toBeCloseTo(baseline, 1);
    // 1 → 10 → 100 → 1,000 → 10,000: the same step each time (a linear axis would make 10,000 ten thousand times 1).
    const tops = [bar('S4', 'stock'), bar('S1', 'stock'), bar('S1', 'cold'), bar('S4', 'cold'), bar('S1', 'warm')].map((found) => found.top);
    const steps = tops.slice(1).map((top, index) => tops[index] - top);
    expect(steps[0]).toBeGreaterThan(20);
    for (const step of steps) expect(step).toBeCloseTo(steps[0], 1);
    // The axis starts a decade below the smallest figure (1), so its bar is one step tall too.
    expect(baseline - bar('S4', 'stock').top).toBeCloseTo(steps[0], 1);

    const decadeLines = all(root, (element) => element.name === 'line' && element.attributes.class === 'decade');
    const labels = all(root, (element) => element.name === 'text' && element.attributes['text-anchor'] === 'end');
    expect(labels.map((label) => label.text)).toEqual(['0.1', '1', '10', '100', '1,000', '10,000']);
    const lineAt = (label: string) => Number(decadeLines[labels.findIndex((candidate) => candidate.text === label)].attributes.y1);
    expect(bar('S1', 'warm').top).toBeCloseTo(lineAt('10,000'), 1);
    expect(bar('S4', 'cold').top).toBeCloseTo(lineAt('1,000'), 1);
    expect(bar('S5', 'warm').top).toBeCloseTo(lineAt('100'), 1);
  });

  it('says so when nothing was measured, still as a well-formed SVG', () => {
    const empty = parseXml(renderChart({ scenarios: { S1: { warm: { rps: 0 } } } }));
    expect(all(empty, (element) => element.name === 'rect' && element.attributes.class === 'bar')).toHaveLength(0);
    expect(all(empty, (element) => element.name === 'text').map((element) => element.text)).toContain('No scenario measured.');
  });
});
