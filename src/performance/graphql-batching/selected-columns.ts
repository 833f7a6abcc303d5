import type { FieldNode, GraphQLObjectType, GraphQLResolveInfo, SelectionSetNode } from 'graphql';
import { getNamedType, isObjectType, Kind } from 'graphql';
import type { RelationField } from './relation-fields';
import type { ResolversConfig } from './resolvers-config';

/** Fragments nest; past this depth the selection is not projected. */
const MAX_DEPTH = 8;

/** The same field nodes come back for every parent of a field in a request (graphql-js memoizes them). */
const columnsByFieldNodes = new WeakMap<readonly FieldNode[], readonly string[] | null>();

/** What decides whether a field reads only its own column (see `selectedColumns`). */
export interface ColumnRules {
  relationFields: Map<string, RelationField>;
  plainFields: ReadonlySet<string>;
  resolversConfig: Pick<ResolversConfig, 'hasPerCallSteps'>;
}

/**
 * The attributes the rows of a relation field or a root list query must carry
 * for the query's selection: `id` and `documentId` always, plus each plain value field the
 * selection names. Stock loads every column of every related row, `body`
 * included, only for GraphQL to read `name`; loading just what is read makes
 * the rows smaller to fetch, parse and convert, and the answer is the same.
 *
 * Undefined (load every column, as stock does) unless every selected field is
 * known to read nothing else: a plain value field given GraphQL's own
 * resolver back (`plainFields`, see plain-fields.ts: anything with a resolver
 * of its own may read any property), `__typename`, or a batchable relation
 * field (it needs the row's `id`) without policies or middlewares. Lists and
 * single entries only; `_connection` fields stay stock.
 *
 * Policies and middlewares of the plugin's `resolversConfig` may read any
 * property of the rows they are given: a middleware on the field itself sees
 * its result, a policy or middleware on a selected relation field sees its
 * parent row. Either way the rows are loaded whole, as stock loads them.
 */
export function selectedColumns(info: GraphQLResolveInfo, rules: ColumnRules): readonly string[] | undefined {
  const known = columnsByFieldNodes.get(info.fieldNodes);
  if (known !== undefined) return known ?? undefined;

  const target = getNamedType(info.returnType);
  const columns =
    isObjectType(target) && !rules.resolversConfig.hasPerCallSteps(info.parentType.name, info.fieldName)
      ? collect(info, target, rules)
      : null;
  columnsByFieldNodes.set(info.fieldNodes, columns);
  return columns ?? undefined;
}

function collect(info: GraphQLResolveInfo, type: GraphQLObjectType, rules: ColumnRules): readonly string[] | null {
  const { relationFields, plainFields, resolversConfig } = rules;
  const columns = new Set(['id', 'documentId']);
  const fields = type.getFields();

  const visit = (selectionSet: SelectionSetNode | undefined, depth: number): boolean => {
    if (!selectionSet || depth > MAX_DEPTH) return false;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (!visit(selection.selectionSet, depth + 1)) return false;
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        if (!visit(info.fragments[selection.name.value]?.selectionSet, depth + 1)) return false;
        continue;
      }
      const name = selection.name.value;
      if (name === '__typename') continue;
      if (!fields[name]) return false;
      if (relationFields.has(`${type.name}.${name}`)) {
        if (resolversConfig.hasPerCallSteps(type.name, name)) return false;
        continue;
      }
      // Apollo wraps every resolver when it starts, so a plain field is known by what plain-fields.ts gave back.
      if (!plainFields.has(`${type.name}.${name}`)) return false;
      columns.add(name);
    }
    return true;
  };

  for (const node of info.fieldNodes) {
    if (!visit(node.selectionSet, 0)) return null;
  }
  return [...columns];
}
