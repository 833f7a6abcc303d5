import type { Core } from '@strapi/strapi';
import type { GraphQLFieldResolver, GraphQLResolveInfo, GraphQLSchema } from 'graphql';
import { isObjectType } from 'graphql';
import { observeBatchedLoads, paramsKey, runInRelationScope } from './batched-load';
import type { RelationField } from './relation-fields';
import type { ResolversConfig } from './resolvers-config';
import { selectedColumns } from './selected-columns';

type Load = (uid: string, entity: unknown, fields: unknown, params?: unknown) => Promise<unknown>;
type Resolve = GraphQLFieldResolver<unknown, unknown, Record<string, unknown>>;

/**
 * The query one relation field's first parent loaded with, shared by the
 * field's other parents in the same request: null when they must each take
 * the full path (the first parent failed, or its load could not be batched).
 */
type SharedQuery = Promise<Record<string, unknown> | null>;

/** Per request (the GraphQL context object): shared queries by field, root field and arguments. */
const sharedByRequest = new WeakMap<object, Map<string, SharedQuery>>();

/** The response key of the root field a resolver runs under (aliases make it differ from the field name). */
function rootKeyOf(info: GraphQLResolveInfo): string | number {
  let path = info.path;
  while (path.prev) path = path.prev;
  return path.key;
}

/**
 * One resolution per relation field, arguments and request, instead of one per parent.
 *
 * For each parent, the plugin's relation resolver authorizes the caller, builds
 * a policy context and runs the (empty) policy list, then transforms,
 * validates and sanitizes the field's arguments and adds the status filter
 * inherited from the root query, and only then loads that parent's related
 * rows. All of that depends on the request's caller, the field, its arguments
 * and the root field, never on the parent: 25 articles with people and events
 * repeat it 50 times over, and it is most of what a batched query still costs.
 *
 * So the first parent of a field, with given arguments under a given root
 * field, takes the plugin's full path, and the query its load was batched
 * with is kept for the request. The field's other parents with the same
 * arguments wait for that query and load with it straight away: same batch,
 * same rows, same answer. When the first parent fails (not allowed, invalid
 * arguments) or its load is one the batch leaves to stock, the others take the
 * full path too, each failing or loading exactly as stock would.
 *
 * Only relation fields of api:: types that return the related entries
 * (`people`, `event`), in queries, and only when no middleware or policy is
 * configured on the field (in either spelling, `'Article.people'` or
 * `{ Article: { people } }`): a policy may look at the parent and a middleware
 * at the result, so a field with one keeps the full path for every parent. The
 * `auth` entry the plugin gives every relation field (or an extension's, even
 * `auth: false`) does not stop the sharing: the wrapper verifies it against the
 * request's caller only, so the first parent's outcome is every parent's, and
 * when it refuses, the others take the full path and are refused too.
 * `_connection` fields keep the full path (their pageInfo reads the sanitized
 * arguments).
 */
export function shareRelationResolution(
  strapi: Core.Strapi,
  resolversConfig: ResolversConfig,
  relationFields: () => Map<string, RelationField>,
  plainFields: ReadonlySet<string>,
): void {
  const contentApi = strapi.plugin('graphql').service('content-api') as { buildSchema: () => GraphQLSchema };

  // Typed locally, as in batched-load.ts; this is the batching `load`, installed at register.
  const entityManager = strapi.db.entityManager as unknown as { load: Load };

  const buildSchema = contentApi.buildSchema.bind(contentApi);
  contentApi.buildSchema = () => {
    const schema = buildSchema();
    const fields = relationFields();
    for (const [path, field] of fields) {
      const [typeName, fieldName] = path.split('.');
      if (fieldName !== field.attributeName) continue; // `_connection` fields
      if (resolversConfig.hasPerCallSteps(typeName, fieldName)) continue;
      const type = schema.getType(typeName);
      const definition = isObjectType(type) ? type.getFields()[fieldName] : undefined;
      if (!definition?.resolve) continue;
      const columnsOf = (info: GraphQLResolveInfo) => selectedColumns(info, { relationFields: fields, plainFields, resolversConfig });
      definition.resolve = shareAcrossParents(path, field, definition.resolve, entityManager, columnsOf);
    }
    return schema;
  };
}

function shareAcrossParents(
  path: string,
  field: RelationField,
  fullResolve: Resolve,
  entityManager: { load: Load },
  columnsOf: (info: GraphQLResolveInfo) => readonly string[] | undefined,
): Resolve {
  const loadShared = async (parent: unknown, request: object, query: Record<string, unknown>, info: GraphQLResolveInfo) => {
    const scope = { request, field, columns: columnsOf(info) };
    const related = await runInRelationScope(scope, () => entityManager.load(field.uid, parent, field.attributeName, query));
    // As the plugin's field resolvers shape it: a list is never null, a single relation may be.
    return field.isToMany ? (related ?? []) : related;
  };

  return (parent, args, context, info) => {
    if (info.operation.operation !== 'query' || context === null || typeof context !== 'object') {
      return fullResolve(parent, args, context, info);
    }
    const argsKey = paramsKey(args);
    if (argsKey === undefined) return fullResolve(parent, args, context, info);

    let shared = sharedByRequest.get(context);
    if (!shared) {
      shared = new Map();
      sharedByRequest.set(context, shared);
    }
    const key = `${path}\u0000${String(rootKeyOf(info))}\u0000${argsKey}`;
    const known = shared.get(key);
    if (known) {
      return known.then((query) => (query ? loadShared(parent, context, query, info) : fullResolve(parent, args, context, info)));
    }

    // The first parent: the full path, watching for the query its load is batched with.
    let share!: (query: Record<string, unknown> | null) => void;
    shared.set(key, new Promise((resolve) => (share = resolve)));
    const observer = (loaded: RelationField, query: Record<string, unknown>) => {
      if (loaded.uid === field.uid && loaded.attributeName === field.attributeName) share(query);
    };
    const result = observeBatchedLoads(observer, () => fullResolve(parent, args, context, info));
    // Settled without a batched load (an error, or a load left to stock): the others go the full way.
    Promise.resolve(result).then(
      () => share(null),
      () => share(null),
    );
    return result;
  };
}
