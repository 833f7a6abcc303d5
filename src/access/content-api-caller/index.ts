import type { Core } from '@strapi/strapi';

/** The auth strategy Strapi's content API uses for API tokens (users-permissions covers Public and end users). */
const API_TOKEN_STRATEGY = 'content-api-token';

interface RequestState {
  route?: { info?: { type?: string } };
  auth?: { strategy?: { name?: string } };
}

export interface ContentApiCaller {
  /** The current request is a content-API request (REST /api or GraphQL), not the admin panel or internal code. */
  isContentApi: boolean;
  /** It authenticated with an API token. */
  hasToken: boolean;
}

/** Who is behind the Document Service call being made, read from the request it serves (if any). */
export function contentApiCaller(strapi: Core.Strapi): ContentApiCaller {
  const state = strapi.requestContext.get()?.state as RequestState | undefined;
  const isContentApi = state?.route?.info?.type === 'content-api';
  return { isContentApi, hasToken: isContentApi && state?.auth?.strategy?.name === API_TOKEN_STRATEGY };
}
