import type { Core } from '@strapi/strapi';

/**
 * The GraphQL plugin's `resolversConfig`: what extensions (the project's, a
 * plugin's, the plugin's own per-type auth) ask the plugin's wrapper around
 * each field to enforce: `auth` (a scope to verify, or `false`),
 * `policies` and `middlewares`. The batching code reads it so that it never
 * skips or narrows a step the wrapper would run (see plain-fields.ts and
 * shared-resolution.ts).
 */
export interface ResolversConfig {
  /**
   * The setting for `Type.field`, found exactly as the plugin's wrapper finds
   * it; undefined when there is none. Any entry at all, even `auth: false`,
   * counts: the caller keeps the wrapper rather than reason about the entry.
   */
  of(typeName: string, fieldName: string): unknown;
  /**
   * Whether the field has policies or middlewares: steps that see the parent
   * row, the arguments or the result, so they must run for every parent with
   * the rows Strapi would load. An `auth` entry alone depends on the caller
   * only (the wrapper verifies `context.state.auth` against its scope).
   */
  hasPerCallSteps(typeName: string, fieldName: string): boolean;
}

/**
 * The lookup the plugin's wrapper makes (wrap-resolvers, lodash
 * `get(resolversConfig, 'Type.field')`): a key spelled `'Type.field'` wins,
 * else the nested `{ Type: { field } }`. A config keyed by the type alone
 * (`{ Person: { policies } }`) applies to no field there, so not here either.
 */
export function findResolverConfig(resolversConfig: unknown, typeName: string, fieldName: string): unknown {
  if (resolversConfig === null || resolversConfig === undefined) return undefined;
  const all = Object(resolversConfig) as Record<string, unknown>;
  const path = `${typeName}.${fieldName}`;
  if (path in all) return all[path];
  const typeConfig = all[typeName];
  if (typeConfig === null || typeConfig === undefined) return undefined;
  return (Object(typeConfig) as Record<string, unknown>)[fieldName];
}

/** A step list the wrapper would run: anything but nothing or an empty list (a value it cannot read counts too). */
const hasSteps = (steps: unknown): boolean => steps !== undefined && steps !== null && !(Array.isArray(steps) && steps.length === 0);

export function hasPerCallSteps(config: unknown): boolean {
  if (config === null || typeof config !== 'object') return false;
  const { policies, middlewares } = config as { policies?: unknown; middlewares?: unknown };
  return hasSteps(policies) || hasSteps(middlewares);
}

/**
 * Keeps the resolvers config the plugin generates for the schema. The plugin's
 * `buildSchema` generates it (more than once) and hands the last one to its
 * wrapper; the schema patches here run after `buildSchema` returns, so they
 * read that same last one.
 */
export function watchResolversConfig(strapi: Core.Strapi): ResolversConfig {
  const extension = strapi.plugin('graphql').service('extension') as {
    generate: (options: unknown) => { resolversConfig?: unknown };
  };
  let generated: unknown;
  const generate = extension.generate.bind(extension);
  extension.generate = (options) => {
    const result = generate(options);
    generated = result.resolversConfig;
    return result;
  };

  return {
    of: (typeName, fieldName) => findResolverConfig(generated, typeName, fieldName),
    hasPerCallSteps: (typeName, fieldName) => hasPerCallSteps(findResolverConfig(generated, typeName, fieldName)),
  };
}
