import { formatDate, formatDateRange } from '../../src/content/reader/dates';
import { escapeHtml } from '../../src/content/reader/html';
import { renderBlocks } from '../../src/content/reader/blocks';

describe('dates at their precision', () => {
  it.each([
    ['2022-07-23', 'day', '23 July 2022'],
    ['2022-06-01', 'month', 'June 2022'],
    ['1521-01-01', 'year', '1521'],
    ['0800-12-25', 'day', '25 December 800'],
  ] as const)('%s at %s precision reads "%s"', (date, precision, expected) => {
    expect(formatDate(date, precision)).toBe(expected);
  });

  it('shows a range when an end date is set, and one date when it is not', () => {
    expect(formatDateRange('2022-07-01', '2022-07-03', 'day')).toBe('1 July 2022 – 3 July 2022');
    expect(formatDateRange('2022-01-01', '2022-03-01', 'month')).toBe('January 2022 – March 2022');
    expect(formatDateRange('2022-01-01', null, 'month')).toBe('January 2022');
    expect(formatDateRange('2022-07-01', '2022-07-20', 'month')).toBe('July 2022');
  });
});

describe('the body rendered from blocks', () => {
  it('renders headings, paragraphs, lists, quotes and links, escaping all text', () => {
    const html = renderBlocks([
      { type: 'heading', level: 2, children: [{ type: 'text', text: 'Talks & <deals>' }] },
      { type: 'paragraph', children: [{ type: 'text', text: 'Said ', bold: true }, { type: 'link', url: 'https://example.com/?a=1&b="2"', children: [{ type: 'text', text: 'here' }] }] },
      { type: 'list', format: 'ordered', children: [{ type: 'list-item', children: [{ type: 'text', text: 'one' }] }] },
      { type: 'quote', children: [{ type: 'text', text: '"Quoted"' }] },
      { type: 'paragraph', children: [{ type: 'link', url: 'javascript:alert(1)', children: [{ type: 'text', text: 'bad' }] }] },
    ]);
    expect(html).toContain('<h3>Talks &amp; &lt;deals&gt;</h3>');
    expect(html).toContain('<strong>Said </strong><a href="https://example.com/?a=1&amp;b=&quot;2&quot;">here</a>');
    expect(html).toContain('<ol><li>one</li></ol>');
    expect(html).toContain('<blockquote>&quot;Quoted&quot;</blockquote>');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('<p>bad</p>');
  });

  it('escapes the five HTML characters', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});
