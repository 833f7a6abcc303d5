import { Kind, parse, type DocumentNode, type SelectionSetNode } from 'graphql';
import type { BudgetName } from './budgets';

/** users-permissions' GraphQL mutations and the sign-in budget each one spends. */
const AUTH_MUTATIONS: Record<string, BudgetName> = {
  login: 'login',
  changePassword: 'login',
  register: 'register',
  forgotPassword: 'forgot-password',
  resetPassword: 'reset-password',
};

function rootFields(selectionSet: SelectionSetNode, fragments: Map<string, SelectionSetNode>, seen: Set<string>, into: string[]) {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) into.push(selection.name.value);
    else if (selection.kind === Kind.INLINE_FRAGMENT) rootFields(selection.selectionSet, fragments, seen, into);
    else if (selection.kind === Kind.FRAGMENT_SPREAD && !seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      if (fragment) rootFields(fragment, fragments, seen, into);
    }
  }
}

/**
 * The sign-in budgets a GraphQL body spends: one per auth mutation it names at the root of a
 * mutation (through fragments too), for every operation of a batch. A body that does not parse
 * spends none (GraphQL refuses it before anything runs).
 */
export function graphqlAuthBudgets(body: unknown): BudgetName[] {
  const operations = Array.isArray(body) ? body : [body];
  const budgets: BudgetName[] = [];
  for (const operation of operations) {
    const query = operation !== null && typeof operation === 'object' ? (operation as { query?: unknown }).query : undefined;
    // Cheap test first: most bodies are queries.
    if (typeof query !== 'string' || !query.includes('mutation')) continue;
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: 5_000 });
    } catch {
      // Too long or malformed to read here: if it names an auth mutation, it pays for a login.
      if (/\b(login|changePassword|register|forgotPassword|resetPassword)\b/.test(query)) budgets.push('login');
      continue;
    }
    const fragments = new Map<string, SelectionSetNode>();
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition.selectionSet);
    }
    for (const definition of document.definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION || definition.operation !== 'mutation') continue;
      const fields: string[] = [];
      rootFields(definition.selectionSet, fragments, new Set(), fields);
      for (const field of fields) {
        const budget = AUTH_MUTATIONS[field];
        if (budget) budgets.push(budget);
      }
    }
  }
  return budgets;
}
