import type { Core } from '@strapi/strapi';
import type { GraphQLResolveInfo } from 'graphql';
import { readPositiveInteger } from '../../platform/settings';
import { guardPatch } from '../registry/guard';
import { PATCHES } from '../registry/patches';
import { batchRelationLoads, DEFAULT_MAX_ROWS_PER_STATEMENT, runInRelationScope } from './batched-load';
import { unwrapPlainFields } from './plain-fields';
import { listRelationFields } from './relation-fields';
import { watchResolversConfig } from './resolvers-config';
import { selectedColumns, type ColumnRules } from './selected-columns';
import { shareRelationResolution } from './shared-resolution';

type Resolver = (root: unknown, args: unknown, ctx: unknown, info: { operation: { operation: string } }) => unknown;

/** The part of nexus's plugin API used here (the GraphQL plugin hands nexus to extensions). */
type NexusNamespace = {
  plugin: (config: {
    name: string;
    onCreateFieldResolver: (config: {
      parentTypeConfig: { name: string };
      fieldConfig: { name: string };
    }) => ((...call: [...Parameters<Resolver>, next: Resolver]) => unknown) | undefined;
  }) => unknown;
};

/**
 * GraphQL relation fields without N+1. The plugin resolves a relation field
 * once per parent, and each call loads that parent's related rows with its
 * own SQL statements. Here every relation field between api:: content types
 * keeps the plugin's resolver, with its permission check, argument
 * validation and sanitization, draft/published status and output shape, and
 * only its one database call, `load`, is collected per request into a batch
 * for all parents of the same field, arguments and page (see batched-load.ts).
 *
 * Left to the stock path, unbatched: mutations (their results can follow
 * writes made in the same request, which a per-request cache could hide),
 * media, components, polymorphic relations, plugin content types, and any
 * `load` call whose query holds something other than plain where / orderBy /
 * select / limit / offset values (such as the raw SQL of `publicationFilter`),
 * and any batch of more than GRAPHQL_BATCH_MAX_ROWS related rows (5,000).
 *
 * Plain value fields (title, dates, ...) also lose the plugin's per-field
 * authorization and policy wrapper, which does nothing for them (plain-fields.ts).
 * A relation field's authorization and argument handling, the same for every
 * parent, run once per request and arguments (shared-resolution.ts), and its
 * batch reads only the columns the query selects (selected-columns.ts); so do
 * the root list queries (`articles { title }` asks findMany for `fields`).
 * None of these shortcuts is taken where the plugin's `resolversConfig` asks
 * its wrapper for more (resolvers-config.ts): a plain field with any entry keeps
 * the wrapper, and a field with policies or middlewares is resolved for every
 * parent with whole rows, as stock does.
 *
 * Off when STOCK_STRAPI=true or GRAPHQL_BATCHING=false, read once at start:
 * then nothing here is installed and the plugin runs untouched. Each of the
 * three patches is guarded (src/performance/registry); the other two are built
 * on the batched load and stay off without it.
 */
/** The root list queries (`articles`, `people`, ...) of the project's api:: collection types. */
function listQueryNames(strapi: Core.Strapi): Set<string> {
  const { naming } = strapi.plugin('graphql').service('utils') as { naming: { getFindQueryName: (contentType: unknown) => string } };
  const names = new Set<string>();
  for (const [uid, contentType] of Object.entries(strapi.contentTypes)) {
    if (uid.startsWith('api::') && contentType.kind === 'collectionType') names.add(naming.getFindQueryName(contentType));
  }
  return names;
}

export function registerGraphqlBatching(strapi: Core.Strapi): void {
  const graphql = strapi.plugin('graphql');
  const extension = graphql.service('extension');
  // First: every step below reads the resolvers config the plugin's wrapper enforces (auth,
  // policies, middlewares), so that none of them skips or starves a step the wrapper would run.
  if (!guardPatch(strapi, PATCHES.graphqlResolversConfig, extension)) return;
  const resolversConfig = watchResolversConfig(strapi);
  if (!guardPatch(strapi, PATCHES.graphqlBatchedLoad, strapi.db.entityManager)) return;

  batchRelationLoads(strapi, { maxRows: readPositiveInteger('GRAPHQL_BATCH_MAX_ROWS', DEFAULT_MAX_ROWS_PER_STATEMENT) });
  const hasOwnResolver = new Set<string>();
  const plainFields = new Set<string>();
  const contentApi = graphql.service('content-api');
  const { naming } = graphql.service('utils') as { naming: unknown };
  // In this order: shared resolution's buildSchema wraps the plain fields' one.
  if (guardPatch(strapi, PATCHES.graphqlPlainFields, { contentApi, naming })) unwrapPlainFields(strapi, resolversConfig, hasOwnResolver, plainFields);
  if (guardPatch(strapi, PATCHES.graphqlSharedResolution, { extension, contentApi })) {
    shareRelationResolution(strapi, resolversConfig, () => listRelationFields(strapi), plainFields);
  }

  extension.use(({ nexus }: { nexus: NexusNamespace }) => {
      // Built with the schema, when every content type is loaded.
      const relationFields = listRelationFields(strapi);
      const listQueries = listQueryNames(strapi);
      const columnRules: ColumnRules = { relationFields, plainFields, resolversConfig };
      return {
        plugins: [
          nexus.plugin({
            name: 'RelationBatching',
            onCreateFieldResolver({ parentTypeConfig, fieldConfig }) {
              if ((fieldConfig as { resolve?: unknown }).resolve) hasOwnResolver.add(`${parentTypeConfig.name}.${fieldConfig.name}`);
              if (parentTypeConfig.name === 'Query' && listQueries.has(fieldConfig.name)) {
                return (root, args, ctx, info, next) => {
                  const columns = selectedColumns(info as GraphQLResolveInfo, columnRules);
                  const fields = columns?.filter((name) => name !== 'id' && name !== 'documentId');
                  // The plugin's list resolver passes `fields` on to its validation, sanitization and findMany, as REST's does.
                  if (!fields?.length || args === null || typeof args !== 'object' || 'fields' in args) return next(root, args, ctx, info);
                  return next(root, { ...args, fields }, ctx, info);
                };
              }
              const field = relationFields.get(`${parentTypeConfig.name}.${fieldConfig.name}`);
              if (!field) return undefined;
              return (root, args, ctx, info, next) => {
                if (info.operation.operation !== 'query' || ctx === null || typeof ctx !== 'object') {
                  return next(root, args, ctx, info);
                }
                const columns = selectedColumns(info as GraphQLResolveInfo, columnRules);
                return runInRelationScope({ request: ctx, field, columns }, () => next(root, args, ctx, info));
              };
            },
          }),
        ],
      };
    });
}
