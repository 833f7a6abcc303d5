import type { Core } from '@strapi/strapi';
import type { PaginationNumbers } from '../page-sizes/pagination';
import { GraphQLError } from 'graphql';
import { checkGraphqlFilters } from '../graphql-filters';
import { assertPaginationArgs } from './pagination-limits';

type Resolver = (root: unknown, args: Record<string, unknown>, ctx: unknown, info: unknown) => unknown;

/** The part of nexus's plugin API used here (the plugin hands nexus to extensions). */
type NexusNamespace = {
  plugin: (config: {
    name: string;
    onCreateFieldResolver: (config: {
      fieldConfig: { args?: Record<string, unknown> };
    }) => ((...call: [...Parameters<Resolver>, next: Resolver]) => unknown) | undefined;
  }) => unknown;
};

/**
 * GraphQL extensions: every field that takes a `pagination` argument (root
 * collections, their connections and relation fields) checks it before
 * resolving, and every field that takes `filters` has the operators Strapi
 * cannot run as typed checked (src/limits/graphql-filters).
 */
export function registerGraphqlExtensions(strapi: Core.Strapi): void {
  strapi
    .plugin('graphql')
    .service('extension')
    .use(({ nexus }: { nexus: NexusNamespace }) => ({
      plugins: [
        nexus.plugin({
          name: 'PaginationLimits',
          onCreateFieldResolver({ fieldConfig }) {
            if (!fieldConfig.args || !('pagination' in fieldConfig.args)) return undefined;
            return (root, args, ctx, info, next) => {
              // GraphQL has already checked the argument's type: PaginationArg's fields are Ints.
              assertPaginationArgs(args.pagination as PaginationNumbers | null | undefined);
              return next(root, args, ctx, info);
            };
          },
        }),
        nexus.plugin({
          name: 'FilterArguments',
          onCreateFieldResolver({ fieldConfig }) {
            if (!fieldConfig.args || !('filters' in fieldConfig.args)) return undefined;
            return (root, args, ctx, info, next) => {
              if (args.filters === undefined || args.filters === null) return next(root, args, ctx, info);
              const checked = checkGraphqlFilters(args.filters);
              if (!checked.ok) {
                throw new GraphQLError(checked.problem, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
              }
              return next(root, { ...args, filters: checked.filters }, ctx, info);
            };
          },
        }),
      ],
    }));
}
