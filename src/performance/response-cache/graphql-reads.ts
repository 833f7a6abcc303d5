import type { Core } from '@strapi/strapi';
import { Kind, parse, type DocumentNode, type SelectionSetNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import { GRAPHQL_PARSE_OPTIONS } from '../../limits/graphql-bounds/bounds';
import type { DependencyMap } from './dependencies';

/**
 * Query fields beyond the content types' own that read only content and may be cached
 * (search, say), with the types their answers read: declared by the code that adds them,
 * in `register` (`declareCacheableQueryField`).
 */
const declaredQueryFields = new Map<string, readonly string[]>();

export function declareCacheableQueryField(name: string, uids: readonly string[]): void {
  declaredQueryFields.set(name, uids);
}

/**
 * Decides whether a GraphQL operation is a plain read of content types, and
 * which types it depends on. Only queries whose root fields are all content-type
 * queries (`articles`, `article`, `articles_connection`, ...) or declared query
 * fields are cached: `me`, introspection and anything else a plugin adds are
 * answered by Strapi every time.
 */
export class GraphqlReads {
  private rootFields: Map<string, string> | undefined;
  /** Keyed by the caller's document: bounded in bytes as well as entries. */
  private readonly decisions = new LRUCache<string, readonly string[] | false>({
    max: 2_000,
    maxSize: 8 * 1024 * 1024,
    // Two bytes a character, at most, for the key and the uids.
    sizeCalculation: (decision, key) => 2 * key.length + (decision ? decision.reduce((size, uid) => size + 2 * uid.length + 16, 16) : 16),
    maxEntrySize: 1024 * 1024,
  });

  constructor(
    private readonly strapi: Core.Strapi,
    private readonly dependencies: DependencyMap,
  ) {}

  /** The uids a cacheable read depends on, or null when the operation must not be cached. */
  dependenciesOf(query: string, operationName: string | undefined): readonly string[] | null {
    const key = `${operationName ?? ''}\u0000${query}`;
    const known = this.decisions.get(key);
    if (known !== undefined) return known || null;
    const decision = this.decide(query, operationName);
    this.decisions.set(key, decision ?? false);
    return decision;
  }

  private decide(query: string, operationName: string | undefined): readonly string[] | null {
    let document: DocumentNode;
    try {
      document = parse(query, GRAPHQL_PARSE_OPTIONS);
    } catch {
      return null; // Apollo (or the request guard, past the token bound) answers the error; errors are never cached.
    }
    const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
    const operation =
      operationName === undefined
        ? operations.length === 1 ? operations[0] : undefined
        : operations.find((candidate) => candidate.name?.value === operationName);
    if (!operation || operation.kind !== Kind.OPERATION_DEFINITION || operation.operation !== 'query') return null;

    const fragments = new Map<string, SelectionSetNode>();
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition.selectionSet);
    }
    const roots = new Set<string>();
    const declared = new Set<string>();
    const collect = (selectionSet: SelectionSetNode, depth: number): boolean => {
      if (depth > 8) return false;
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          if (selection.name.value === '__typename') continue;
          const uid = this.rootFieldMap().get(selection.name.value);
          const reads = declaredQueryFields.get(selection.name.value);
          if (uid) roots.add(uid);
          else if (reads) for (const read of reads) declared.add(read);
          else return false;
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          if (!collect(selection.selectionSet, depth + 1)) return false;
        } else {
          const fragment = fragments.get(selection.name.value);
          if (!fragment || !collect(fragment, depth + 1)) return false;
        }
      }
      return true;
    };
    if (!collect(operation.selectionSet, 0) || roots.size + declared.size === 0) return null;

    // Relation fields can reach any type linked to a root, at any depth; declared fields read their own types.
    const tags = new Set<string>(declared);
    for (const uid of roots) for (const reachable of this.dependencies.reachableFrom(uid)) tags.add(reachable);
    return [...tags].sort();
  }

  /** Root query field name → content type uid, for the project's own (api::) content types. */
  private rootFieldMap(): Map<string, string> {
    if (this.rootFields) return this.rootFields;
    const map = new Map<string, string>();
    for (const [uid, contentType] of Object.entries(this.strapi.contentTypes)) {
      if (!uid.startsWith('api::')) continue;
      const { singularName, pluralName } = (contentType as { info: { singularName: string; pluralName: string } }).info;
      map.set(singularName, uid);
      map.set(pluralName, uid);
      map.set(`${pluralName}_connection`, uid);
    }
    this.rootFields = map;
    return map;
  }
}
