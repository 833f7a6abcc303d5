import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';

const READ_ACTIONS = new Set(['findMany', 'findFirst', 'findOne', 'count']);
/** The auth strategy Strapi's content API uses for API tokens (users-permissions covers Public and end users). */
const API_TOKEN_STRATEGY = 'content-api-token';

interface RequestState {
  route?: { info?: { type?: string } };
  auth?: { strategy?: { name?: string } };
}

/**
 * Drafts are for editors and for frontends holding an API token (previews).
 * Strapi's content API otherwise hands drafts to anyone who adds
 * `status=draft` (REST) or `status: DRAFT` (GraphQL), the Public role
 * included. Checking in the Document Service covers REST, GraphQL and
 * populated relations alike; the admin panel's own reads are not content-API
 * requests and pass.
 */
export function registerDraftAccess(strapi: Core.Strapi): void {
  strapi.documents.use(async (context, next) => {
    const status = (context.params as { status?: unknown } | undefined)?.status;
    if (status === 'draft' && READ_ACTIONS.has(context.action)) {
      const state = strapi.requestContext.get()?.state as RequestState | undefined;
      const isContentApi = state?.route?.info?.type === 'content-api';
      if (isContentApi && state?.auth?.strategy?.name !== API_TOKEN_STRATEGY) {
        // A PolicyError is the ForbiddenError whose message Strapi lets through to the caller.
        throw new errors.PolicyError('Drafts can only be read with an API token; without one, only published content is visible');
      }
    }
    return next();
  });
}
