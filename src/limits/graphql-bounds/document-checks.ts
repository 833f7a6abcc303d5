import {
  GraphQLError,
  Kind,
  parse,
  visit,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { GRAPHQL_BOUNDS, GRAPHQL_PARSE_OPTIONS } from './bounds';

/** Why a document is refused: the message the caller reads, and the GraphQL error code. */
export interface DocumentProblem {
  message: string;
  code: 'GRAPHQL_PARSE_FAILED' | 'GRAPHQL_VALIDATION_FAILED' | 'BAD_REQUEST';
}

const validation = (message: string): DocumentProblem => ({ message, code: 'GRAPHQL_VALIDATION_FAILED' });

/**
 * What the GraphQL server cannot be trusted with, found in the document alone
 * (no schema needed): more tokens than GRAPHQL_BOUNDS.maxTokens, a spread of a
 * fragment that does not exist or that spreads itself (the plugin's depth rule
 * recurses through spreads without end and crashes on unknown ones), a
 * subscription (there are none), and operations wider than the bounds.
 *
 * Returns null when the document is within bounds, and also when it does not
 * parse for another reason: Apollo answers that syntax error itself.
 */
export function documentProblem(query: string): DocumentProblem | null {
  let document: DocumentNode;
  try {
    document = parse(query, GRAPHQL_PARSE_OPTIONS);
  } catch (error) {
    if (error instanceof GraphQLError && /contains more th[a-z]+ \d+ tokens/.test(error.message)) {
      return {
        code: 'GRAPHQL_PARSE_FAILED',
        message: `The document has more than ${GRAPHQL_BOUNDS.maxTokens} tokens, the limit for one request`,
      };
    }
    return null;
  }

  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    else if (definition.kind === Kind.OPERATION_DEFINITION) operations.push(definition);
  }

  const fragmentProblem = fragmentGraphProblem(document, fragments);
  if (fragmentProblem) return fragmentProblem;

  if (operations.some((operation) => operation.operation === 'subscription')) {
    return { code: 'BAD_REQUEST', message: 'Subscriptions are not supported: this API answers queries and mutations only' };
  }

  let directives = 0;
  visit(document, { Directive: () => void (directives += 1) });
  if (directives > GRAPHQL_BOUNDS.maxDirectives) {
    return validation(`The document uses ${directives} directives; the limit is ${GRAPHQL_BOUNDS.maxDirectives}`);
  }

  const width = new OperationWidth(fragments);
  for (const operation of operations) {
    const name = operation.name ? `Operation "${operation.name.value}"` : 'The operation';
    const roots = width.rootFields(operation.selectionSet);
    if (roots > GRAPHQL_BOUNDS.maxRootFields) {
      return validation(`${name} asks for ${roots} root fields; the limit is ${GRAPHQL_BOUNDS.maxRootFields}`);
    }
    const aliases = width.aliases(operation.selectionSet);
    if (aliases > GRAPHQL_BOUNDS.maxAliases) {
      return validation(`${name} uses ${aliases} aliases; the limit is ${GRAPHQL_BOUNDS.maxAliases}`);
    }
  }
  return null;
}

/** The names of the fragments a selection set spreads, at any depth of its own fields (not through other fragments). */
function spreadsOf(selectionSet: SelectionSetNode): string[] {
  const names: string[] = [];
  visit(selectionSet, { FragmentSpread: (node) => void names.push(node.name.value) });
  return names;
}

/** A spread of an unknown fragment, or a cycle of spreads, with the path that closes it. */
function fragmentGraphProblem(document: DocumentNode, fragments: Map<string, FragmentDefinitionNode>): DocumentProblem | null {
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION && definition.kind !== Kind.FRAGMENT_DEFINITION) continue;
    for (const name of spreadsOf(definition.selectionSet)) {
      if (!fragments.has(name)) return validation(`Unknown fragment "${name}"`);
    }
  }
  // Depth-first search; `done` fragments are known to lead to no cycle.
  const done = new Set<string>();
  const path: string[] = [];
  const onPath = new Set<string>();
  const cycleFrom = (name: string): string[] | null => {
    if (onPath.has(name)) return [...path.slice(path.indexOf(name)), name];
    if (done.has(name)) return null;
    path.push(name);
    onPath.add(name);
    for (const next of spreadsOf(fragments.get(name)!.selectionSet)) {
      const cycle = cycleFrom(next);
      if (cycle) return cycle;
    }
    path.pop();
    onPath.delete(name);
    done.add(name);
    return null;
  };
  for (const name of fragments.keys()) {
    const cycle = cycleFrom(name);
    if (cycle) {
      return validation(`Fragment "${cycle[0]}" spreads itself (${cycle.join(' → ')}); fragments may not form cycles`);
    }
  }
  return null;
}

/**
 * Counts what an operation executes, fragments expanded: a fragment spread
 * five times counts five times. Each fragment is counted once and remembered
 * (the document has no cycles by now), so the work stays linear however the
 * spreads multiply.
 */
class OperationWidth {
  private readonly aliasesIn = new Map<string, number>();
  private readonly rootNamesIn = new Map<string, Set<string>>();

  constructor(private readonly fragments: Map<string, FragmentDefinitionNode>) {}

  /**
   * Root fields, through inline fragments and spreads, by response name: GraphQL
   * merges repeats of one field into one, so they are counted once.
   */
  rootFields(selectionSet: SelectionSetNode): number {
    return this.responseNames(selectionSet).size;
  }

  private responseNames(selectionSet: SelectionSetNode): Set<string> {
    const names = new Set<string>();
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value !== '__typename') names.add(selection.alias?.value ?? selection.name.value);
      } else {
        const inner =
          selection.kind === Kind.INLINE_FRAGMENT ? this.responseNames(selection.selectionSet) : this.fragmentResponseNames(selection.name.value);
        for (const name of inner) names.add(name);
      }
    }
    return names;
  }

  private fragmentResponseNames(name: string): Set<string> {
    let names = this.rootNamesIn.get(name);
    if (!names) {
      const fragment = this.fragments.get(name);
      names = fragment ? this.responseNames(fragment.selectionSet) : new Set();
      this.rootNamesIn.set(name, names);
    }
    return names;
  }

  /** Aliased fields at every depth (`__typename` aliases included: they are still fields). */
  aliases(selectionSet: SelectionSetNode): number {
    let count = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.alias) count += 1;
        if (selection.selectionSet) count += this.aliases(selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        count += this.aliases(selection.selectionSet);
      } else {
        count += this.remembered(this.aliasesIn, selection.name.value, (set) => this.aliases(set));
      }
    }
    return count;
  }

  private remembered(memo: Map<string, number>, name: string, count: (selectionSet: SelectionSetNode) => number): number {
    const known = memo.get(name);
    if (known !== undefined) return known;
    const fragment = this.fragments.get(name);
    const counted = fragment ? count(fragment.selectionSet) : 0;
    memo.set(name, counted);
    return counted;
  }
}
