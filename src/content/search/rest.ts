import type { Core } from '@strapi/strapi';
import { contentApiCaller } from '../../access/content-api-caller';
import { readRestSearch } from './request';
import type { SearchService } from './service';

type Context = Parameters<Core.MiddlewareHandler>[0];

/** The content-API action of `GET /api/search`: what the Public role is granted, and a token's scope. */
export const SEARCH_ACTION = 'api::search.search.find';

/**
 * What a cached answer of this request depends on, for the response cache: the
 * content types searched and the status read.
 */
export interface CacheableRead {
  types: string[];
  status: 'published' | 'draft';
}

/** The part of Strapi's API registry used here (`strapi.get('apis')`, where src/api's folders are added too). */
interface ApiRegistry {
  add: (name: string, api: { routes: Record<string, unknown>; controllers: Record<string, unknown> }) => unknown;
}

/**
 * `GET /api/search` as an API of its own, `api::search`, added to Strapi's API
 * registry in `register` as Strapi adds each folder of src/api: its route is a
 * content-API route with the scope `api::search.search.find`, so the users-
 * permissions plugin checks it like any other read (the Public role is granted
 * it by src/access/public-read; the admin lists it under Roles → Search), API
 * tokens (read-only ones too) pass, the rate limits and the query guard apply.
 */
export function registerSearchRoute(strapi: Core.Strapi, service: SearchService): void {
  const find = async (ctx: Context) => {
    const request = readRestSearch(ctx.query as Record<string, unknown>, contentApiCaller(strapi).hasToken);
    const cacheableRead: CacheableRead = { types: service.uidsOf(request), status: request.status };
    (ctx.state as { cacheableRead?: CacheableRead }).cacheableRead = cacheableRead;
    ctx.body = await service.search(request);
  };
  // `get('apis')` is untyped in Strapi's types: ApiRegistry is the one method used.
  (strapi.get('apis') as ApiRegistry).add('search', {
    routes: {
      search: {
        type: 'content-api',
        routes: [{ method: 'GET', path: '/search', handler: 'search.find', config: { policies: [], middlewares: [] } }],
      },
    },
    controllers: { search: { find } },
  });
}
