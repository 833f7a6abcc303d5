import type { Core } from '@strapi/strapi';
import { renderArticlePage, renderForbiddenPage, renderNotFoundPage, type ReaderArticle } from './article-page';
import { checkPreviewToken, previewLinkLifetime, type PreviewCheck } from './preview-secret';
import { ARTICLE_UID } from './preview-url';

type Context = Parameters<Core.MiddlewareHandler>[0];

const POPULATE = () => ({
  people: { fields: ['name', 'role'] as Array<'name' | 'role'>, sort: 'name:asc' as const },
  events: { fields: ['title', 'startDate', 'endDate', 'datePrecision', 'location'] as Array<'title' | 'startDate' | 'endDate' | 'datePrecision' | 'location'> },
});
const FIELDS = ['title', 'dateline', 'publishedDate', 'source', 'summary', 'body'] as const;

function sendHtml(ctx: Context, status: number, html: string) {
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = html;
}

/**
 * Slugs and documentIds are short runs of URL-safe characters; anything else (a NUL byte, spaces,
 * a 10 kB segment) names no article and is answered 404 without asking the database.
 */
const isPathKey = (value: unknown): value is string => typeof value === 'string' && /^[A-Za-z0-9_.~-]{1,255}$/.test(value);

/** Which version a preview link asks for: the draft unless it says published. */
const statusOf = (value: unknown): 'draft' | 'published' => (value === 'published' ? 'published' : 'draft');

/** What a refused preview link is told. */
const REFUSALS: Record<Exclude<PreviewCheck, { ok: true }>['reason'], string> = {
  missing: 'This preview link has no token.',
  invalid: 'This preview link is not valid for this article.',
  expired: 'This preview link has expired.',
  secret: 'Preview links no longer carry the preview secret.',
};

/**
 * Reader pages served by this backend, outside the JSON APIs (no /api prefix, no API token):
 *
 * - `/preview/articles/:documentId?status=draft&token=…` — the admin's Preview; any version, but
 *   only with a token signed for that document and version that has not expired (preview-secret.ts).
 *   Not cached, and the link is not sent on as a referrer.
 * - `/read/articles/:slug` — the published article, for anyone.
 *
 * They are plain routes on Strapi's root router (not content-API routes), so the content API's
 * draft rule (src/access/draft-access) does not apply and the token is the only gate to drafts.
 */
export function registerReaderPages(strapi: Core.Strapi): void {
  previewLinkLifetime(); // an unreadable PREVIEW_LINK_LIFETIME stops the start here
  const articles = () => strapi.documents(ARTICLE_UID);

  const preview = async (ctx: Context) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Referrer-Policy', 'no-referrer');
    if (!isPathKey(ctx.params.documentId)) return sendHtml(ctx, 404, renderNotFoundPage());
    const status = statusOf(ctx.query.status);
    const check = checkPreviewToken(ctx.query, String(ctx.params.documentId), status);
    if (!check.ok) return sendHtml(ctx, 403, renderForbiddenPage(REFUSALS[check.reason]));
    const article = await articles().findOne({
      documentId: String(ctx.params.documentId),
      status,
      fields: [...FIELDS],
      populate: POPULATE(),
    });
    if (!article) return sendHtml(ctx, 404, renderNotFoundPage());
    // The Document Service's result type is generic over fields; ReaderArticle names the ones selected above.
    return sendHtml(ctx, 200, renderArticlePage(article as ReaderArticle, { draft: status === 'draft' }));
  };

  const read = async (ctx: Context) => {
    if (!isPathKey(ctx.params.slug)) return sendHtml(ctx, 404, renderNotFoundPage());
    const article = await articles().findFirst({
      filters: { slug: { $eq: String(ctx.params.slug) } },
      status: 'published',
      fields: [...FIELDS],
      populate: POPULATE(),
    });
    if (!article) return sendHtml(ctx, 404, renderNotFoundPage());
    // As for the APIs' public answers: caches may keep the page but must revalidate it, so an edit shows at once.
    ctx.set('Cache-Control', process.env.CACHE_CONTROL?.trim() || 'public, max-age=0, must-revalidate');
    return sendHtml(ctx, 200, renderArticlePage(article as ReaderArticle, { draft: false }));
  };

  strapi.server.routes([
    { method: 'GET', path: '/preview/articles/:documentId', handler: preview, config: { auth: false } },
    { method: 'GET', path: '/read/articles/:slug', handler: read, config: { auth: false } },
  ]);
}
