/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Links an editor typed: web, mail and same-site addresses only (no `javascript:` and the like). */
export function safeHref(url: unknown): string | null {
  if (typeof url !== 'string') return null;
  const trimmed = url.trim();
  if (/^(https?:|mailto:)/i.test(trimmed) || /^[/#]/.test(trimmed)) return trimmed;
  return null;
}

const STYLE = `
  body { margin: 0; background: #fafaf7; color: #1d1d1b; font: 18px/1.6 Georgia, 'Times New Roman', serif; }
  main { max-width: 42rem; margin: 0 auto; padding: 2rem 1.25rem 4rem; }
  h1 { font-size: 2.1rem; line-height: 1.2; margin: 0.5rem 0 0.75rem; }
  h2, h3, h4, h5, h6 { line-height: 1.3; margin: 1.75rem 0 0.5rem; }
  .meta { color: #5b5b57; font: 0.95rem/1.4 system-ui, sans-serif; margin: 0 0 1.5rem; }
  .summary { font-size: 1.15rem; color: #3a3a37; }
  blockquote { margin: 1.25rem 0; padding: 0.25rem 1rem; border-left: 4px solid #c9c6bb; color: #3a3a37; }
  pre { background: #efede6; padding: 0.75rem 1rem; overflow-x: auto; font-size: 0.9rem; }
  a { color: #1a4d8f; }
  aside { margin-top: 2.5rem; padding-top: 1rem; border-top: 1px solid #d9d6cc; font-family: system-ui, sans-serif; font-size: 0.95rem; }
  aside h2 { font-size: 1.05rem; margin: 1rem 0 0.5rem; }
  aside ul { padding-left: 1.1rem; }
  .role, .when { color: #5b5b57; }
  .banner { background: #fff3c4; border: 1px solid #e6cf72; padding: 0.5rem 0.75rem; font: 0.9rem/1.4 system-ui, sans-serif; }
`;

/** A whole page: escaped title, inline CSS (no external requests), the given body HTML. */
export function page(title: string, bodyHtml: string): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    `<body><main>${bodyHtml}</main></body>`,
    '</html>',
  ].join('\n');
}
