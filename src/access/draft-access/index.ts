import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { contentApiCaller } from '../content-api-caller';

/** Parameters that select or reveal unpublished versions. */
const PUBLICATION_PARAMS = ['publicationFilter', 'hasPublishedVersion'] as const;

const DRAFTS_REFUSED = 'Drafts can only be read with an API token; without one, only published content is visible';

/**
 * The public's rule for `status`: absent, or exactly `published`. Strapi reads
 * an empty `status` (`?status=`, a bare `?status`) as "no status", which
 * defaults to the draft, so anything that is not `published` is checked:
 *
 * - a value that asks for drafts, in any spelling (empty, null, `draft` in any
 *   case or with spaces, or a list holding one of those) → 403;
 * - anything else (`status=maybe`, `status[0]=published`, a repeated
 *   parameter) → 400, naming the one value the public may send.
 *
 * Returns null when the status passes.
 */
export function publicStatusProblem(status: unknown): { forbidden: boolean; message: string } | null {
  if (status === undefined || status === 'published') return null;
  const values = Array.isArray(status) ? status : typeof status === 'object' && status !== null ? Object.values(status) : [status];
  const asksDrafts =
    values.length === 0 ||
    values.some((value) => value === null || value === undefined || (typeof value === 'string' && ['', 'draft'].includes(value.trim().toLowerCase())));
  if (asksDrafts) return { forbidden: true, message: DRAFTS_REFUSED };
  return { forbidden: false, message: "status must be 'published' or left out (reading drafts needs an API token)" };
}

/**
 * Drafts are for editors and for frontends holding an API token (previews).
 * Strapi's content API otherwise hands drafts to anyone who adds
 * `status=draft` or an empty `status` (REST), `status: DRAFT` (GraphQL), and
 * tells which published documents have unpublished edits to anyone using
 * `publicationFilter` / `hasPublishedVersion`. Checking in the Document
 * Service covers REST, GraphQL and populated relations alike; the admin
 * panel's own reads and the reader pages are not content-API requests and pass.
 */
export function registerDraftAccess(strapi: Core.Strapi): void {
  strapi.documents.use(async (context, next) => {
    const caller = contentApiCaller(strapi);
    if (!caller.isContentApi || caller.hasToken) return next();
    const params = (context.params ?? {}) as Record<string, unknown>;

    for (const name of PUBLICATION_PARAMS) {
      if (params[name] !== undefined) {
        // A PolicyError is the ForbiddenError whose message Strapi lets through to the caller.
        throw new errors.PolicyError(`${name} can only be used with an API token: it tells drafts from published versions`);
      }
    }
    // REST's core service sends { status: 'published', ...query }: a missing status arrives as 'published'.
    if ('status' in params) {
      const problem = publicStatusProblem(params.status);
      if (problem?.forbidden) throw new errors.PolicyError(problem.message);
      if (problem) throw new errors.ValidationError(problem.message, { source: 'query', param: 'status' });
    }
    return next();
  });
}
