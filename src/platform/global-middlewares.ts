import type { Core } from '@strapi/strapi';

/** The part of Strapi's middleware registry used here (`strapi.get('middlewares')`). */
interface MiddlewareRegistry {
  add(namespace: string, middlewares: Record<string, Core.MiddlewareFactory>): void;
}

/**
 * Registers middlewares under the `global::<name>` names that config/middlewares.ts lists, from the
 * concern folder that owns each one, instead of from src/middlewares/. Strapi fills the same
 * registry from src/middlewares/ before `register` and resolves the names from it when it builds
 * the chain in `bootstrap`, after every `register`; `add` refuses a name registered twice.
 */
export function addGlobalMiddlewares(strapi: Core.Strapi, factories: Record<string, Core.MiddlewareFactory>): void {
  // Strapi's container answers `unknown` here; the registry's `add(namespace, map)` has this shape in 5.x.
  const registry = strapi.get('middlewares') as MiddlewareRegistry;
  registry.add('global::', factories);
}
