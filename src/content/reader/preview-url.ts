import { previewLinkLifetime, previewSecret, signPreviewToken } from './preview-secret';

export const ARTICLE_UID = 'api::article.article';

/**
 * The admin's Preview button (config/admin.ts → preview.config.handler): a link to this backend's
 * reader page for the document being edited, with a signed token that opens that version of that
 * document for PREVIEW_LINK_LIFETIME seconds (the secret itself never goes in a link). Relative, so
 * it resolves against whichever address the admin is open on (same origin: the admin may frame it).
 * Other types have no reader page.
 */
export function previewUrl(uid: string, { documentId, status }: { documentId?: string; status?: string | null }): string | null {
  if (uid !== ARTICLE_UID || !documentId || !previewSecret()) return null;
  const version = status === 'published' ? 'published' : 'draft';
  const expiry = Math.floor(Date.now() / 1000) + previewLinkLifetime();
  const query = new URLSearchParams({ status: version, token: signPreviewToken(documentId, version, expiry) });
  return `/preview/articles/${encodeURIComponent(documentId)}?${query.toString()}`;
}
