import type { Core } from '@strapi/strapi';
import { contentApiCaller } from '../../access/content-api-caller';
import { readGraphqlSearch, type GraphqlSearchArgs } from './request';
import { SEARCH_ACTION } from './rest';
import { SEARCH_TYPES } from './searched-types';
import type { SearchService } from './service';

/** The part of nexus's API used here (the GraphQL plugin hands nexus to extensions). */
interface FieldBuilder {
  nonNull: {
    field: (name: string, config: Record<string, unknown>) => void;
    id: (name: string) => void;
    string: (name: string) => void;
    int: (name: string) => void;
    float: (name: string) => void;
    boolean: (name: string) => void;
    list: { nonNull: { field: (name: string, config: { type: string }) => void } };
  };
  field: (name: string, config: Record<string, unknown>) => void;
}
interface Nexus {
  enumType: (config: { name: string; description?: string; members: readonly string[] }) => unknown;
  objectType: (config: { name: string; description?: string; definition: (t: FieldBuilder) => void }) => unknown;
  extendType: (config: { type: string; definition: (t: FieldBuilder) => void }) => unknown;
  nonNull: (type: unknown) => unknown;
  list: (type: unknown) => unknown;
  arg: (config: { type: unknown; default?: unknown; description?: string }) => unknown;
}

/**
 * GraphQL `search(q: String!, types: [SearchType!], pagination: PaginationArg,
 * status: PublicationStatus = PUBLISHED): SearchResult!`, answering what REST's
 * `GET /api/search` answers, in the same shape (`data`, `meta.pagination`,
 * `meta.search`). It is a nexus field, so the pagination argument is checked
 * like every other one (src/limits/graphql-arguments) before the resolver; the
 * plugin's wrapper verifies the caller against the REST route's scope, so the
 * Public role's permission and API tokens decide both alike.
 */
export function registerSearchGraphql(strapi: Core.Strapi, service: SearchService): void {
  strapi
    .plugin('graphql')
    .service('extension')
    .use(({ nexus }: { nexus: Nexus }) => ({
      types: [
        nexus.enumType({ name: 'SearchType', description: 'A searchable content type', members: SEARCH_TYPES }),
        nexus.objectType({
          name: 'SearchHit',
          definition(t) {
            t.nonNull.field('type', { type: 'SearchType' });
            t.nonNull.id('documentId');
            t.nonNull.string('slug');
            t.nonNull.string('title');
            t.nonNull.string('snippet');
            t.nonNull.float('score');
          },
        }),
        nexus.objectType({
          name: 'SearchPagination',
          definition(t) {
            t.nonNull.int('page');
            t.nonNull.int('pageSize');
            t.nonNull.int('total');
          },
        }),
        nexus.objectType({
          name: 'SearchInfo',
          definition(t) {
            t.nonNull.boolean('fallback');
            t.nonNull.boolean('totalIsExact');
          },
        }),
        nexus.objectType({
          name: 'SearchMeta',
          definition(t) {
            t.nonNull.field('pagination', { type: 'SearchPagination' });
            t.nonNull.field('search', { type: 'SearchInfo' });
          },
        }),
        nexus.objectType({
          name: 'SearchResult',
          definition(t) {
            t.nonNull.list.nonNull.field('data', { type: 'SearchHit' });
            t.nonNull.field('meta', { type: 'SearchMeta' });
          },
        }),
        nexus.extendType({
          type: 'Query',
          definition(t) {
            t.nonNull.field('search', {
              type: 'SearchResult',
              description: 'Published articles, people and events matching the text, best first',
              args: {
                q: nexus.nonNull('String'),
                types: nexus.list(nexus.nonNull('SearchType')),
                pagination: nexus.arg({ type: 'PaginationArg', default: {} }),
                status: nexus.arg({ type: 'PublicationStatus', default: 'published' }),
              },
              resolve: (_parent: unknown, args: GraphqlSearchArgs) => service.search(readGraphqlSearch(args, contentApiCaller(strapi).hasToken)),
            });
          },
        }),
      ],
      resolversConfig: { 'Query.search': { auth: { scope: [SEARCH_ACTION] } } },
    }));
}
