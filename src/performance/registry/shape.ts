/**
 * Small checks the patches' shape checks are written with. Each answers
 * undefined when the target holds, or a sentence naming what differs.
 */

type Owner = Record<string, unknown>;

const isObjectLike = (value: unknown): value is Owner =>
  value !== null && (typeof value === 'object' || typeof value === 'function');

/** `owner[name]` is a function, taking `arity` declared parameters when given. */
export function expectMethod(owner: unknown, ownerName: string, name: string, arity?: number): string | undefined {
  if (!isObjectLike(owner)) return `${ownerName} is missing`;
  const method = owner[name];
  if (typeof method !== 'function') return `${ownerName}.${name} is not a function`;
  if (arity !== undefined && method.length !== arity) {
    return `${ownerName}.${name} takes ${method.length} parameters where ${arity} were expected`;
  }
  return undefined;
}

/** The first problem of several checks, or undefined when all hold. */
export const firstProblem = (...problems: Array<string | undefined>): string | undefined => problems.find((problem) => problem !== undefined);

/** An error's first line (errors from another realm, such as a test runner's module loader, included). */
export function messageOf(error: unknown): string {
  const message = propertyOf(error, 'message');
  return (typeof message === 'string' ? message : String(error)).split('\n')[0];
}

/** A value's property, read without trusting its type. */
export const propertyOf = (owner: unknown, name: string): unknown => (isObjectLike(owner) ? owner[name] : undefined);
