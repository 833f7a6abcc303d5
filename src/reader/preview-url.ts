import { previewSecret } from './preview-secret';

export const ARTICLE_UID = 'api::article.article';

/**
 * The admin's Preview button (config/admin.ts → preview.config.handler): a link to this backend's
 * reader page for the document being edited. Relative, so it resolves against whichever address the
 * admin is open on (same origin: the admin may frame it). Other types have no reader page.
 */
export function previewUrl(uid: string, { documentId, status }: { documentId?: string; status?: string | null }): string | null {
  const secret = previewSecret();
  if (uid !== ARTICLE_UID || !documentId || !secret) return null;
  const query = new URLSearchParams({ status: status === 'published' ? 'published' : 'draft', secret });
  return `/preview/articles/${encodeURIComponent(documentId)}?${query.toString()}`;
}
