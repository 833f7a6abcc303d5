/**
 * Checks a parsed JSON body before anything recurses into it: Strapi's
 * sanitizers and validators walk bodies recursively, so JSON nested 20,000
 * deep overflowed the stack (a 500), and keys such as `constructor` or
 * `__proto__` inside `data` reached code that treats them as the object's own
 * machinery. The walk here is iterative and stops at the first problem.
 */

/** Deepest nesting of objects and lists a body may have; the deepest real body (blocks in lists in lists) is far inside it. */
export const MAX_BODY_DEPTH = 64;
/** Most values (objects, lists and scalars) walked before a body is refused as too complex. */
export const MAX_BODY_NODES = 200_000;
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function bodyProblem(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const pending: Array<{ value: unknown; depth: number; path: string }> = [{ value: body, depth: 1, path: 'the body' }];
  let seen = 0;
  while (pending.length > 0) {
    const { value, depth, path } = pending.pop()!;
    if (++seen > MAX_BODY_NODES) return `The body holds more than ${MAX_BODY_NODES} values`;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return `${path} contains a NUL character, which cannot be stored`;
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_BODY_DEPTH) return `The body is nested more than ${MAX_BODY_DEPTH} levels deep`;
    // Own keys only: JSON.parse makes "__proto__" an own key, which Object.keys lists.
    for (const key of Object.keys(value)) {
      if (PROTOTYPE_KEYS.has(key)) return `${path} holds the key "${key}", which is not allowed`;
      if (key.includes('\u0000')) return `${path} holds a key with a NUL character`;
      const childPath = path === 'the body' ? key : `${path}.${key}`;
      pending.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1, path: childPath });
    }
  }
  return null;
}
