import { escapeHtml, safeHref } from './html';

/** Strapi's blocks field: a list of nodes, each with children down to text leaves. */
interface BlockNode {
  type?: string;
  text?: string;
  level?: number;
  format?: string;
  url?: string;
  language?: string;
  image?: { url?: string; alternativeText?: string | null };
  children?: BlockNode[];
  bold?: boolean;
  italic?: boolean;
  underline?: boolean;
  strikethrough?: boolean;
  code?: boolean;
}

function renderText(node: BlockNode): string {
  let html = escapeHtml(node.text ?? '').replace(/\n/g, '<br>');
  if (node.code) html = `<code>${html}</code>`;
  if (node.bold) html = `<strong>${html}</strong>`;
  if (node.italic) html = `<em>${html}</em>`;
  if (node.underline) html = `<u>${html}</u>`;
  if (node.strikethrough) html = `<s>${html}</s>`;
  return html;
}

function renderInline(nodes: BlockNode[] | undefined): string {
  return (nodes ?? [])
    .map((node) => {
      if (node.type === 'link') {
        const href = safeHref(node.url);
        const inner = renderInline(node.children);
        return href ? `<a href="${escapeHtml(href)}">${inner}</a>` : inner;
      }
      if (node.type === 'text' || node.text !== undefined) return renderText(node);
      return renderInline(node.children);
    })
    .join('');
}

function renderBlock(node: BlockNode): string {
  switch (node.type) {
    case 'heading': {
      // The page's own title is the h1: body headings start at h2.
      const level = Math.min(6, Math.max(2, Number(node.level ?? 2) + 1));
      return `<h${level}>${renderInline(node.children)}</h${level}>`;
    }
    case 'list': {
      const tag = node.format === 'ordered' ? 'ol' : 'ul';
      const items = (node.children ?? []).map((item) =>
        item.type === 'list' ? renderBlock(item) : `<li>${renderInline(item.children)}</li>`,
      );
      return `<${tag}>${items.join('')}</${tag}>`;
    }
    case 'quote':
      return `<blockquote>${renderInline(node.children)}</blockquote>`;
    case 'code':
      return `<pre><code>${escapeHtml((node.children ?? []).map((child) => child.text ?? '').join(''))}</code></pre>`;
    case 'image': {
      const src = safeHref(node.image?.url);
      return src ? `<p><img src="${escapeHtml(src)}" alt="${escapeHtml(node.image?.alternativeText ?? '')}"></p>` : '';
    }
    default:
      return `<p>${renderInline(node.children)}</p>`;
  }
}

/** The body as HTML; anything that is not a list of blocks renders as nothing. */
export function renderBlocks(body: unknown): string {
  if (!Array.isArray(body)) return '';
  return (body as BlockNode[]).map(renderBlock).join('\n');
}
