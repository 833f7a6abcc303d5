/**
 * Snippets are cut by PostgreSQL's ts_headline, which marks the matched words
 * with whatever it is told and escapes nothing. It is told to use two
 * private-use characters, which are first stripped from the text it reads
 * (query.ts), so in its output they can only be marks: the text is then
 * HTML-escaped, and only then do the marks become `<mark>` and `</mark>`.
 */
export const MARK_START = '\uE000';
export const MARK_END = '\uE001';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** HTML-escaped text with the matched words in `<mark>…</mark>`, on one line. */
export function snippetHtml(headline: string): string {
  return headline
    .replace(/[&<>"']/g, (character) => ESCAPES[character])
    .replace(/\s+/g, ' ')
    .trim()
    .replaceAll(MARK_START, '<mark>')
    .replaceAll(MARK_END, '</mark>');
}
