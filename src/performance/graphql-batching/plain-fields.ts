import type { Core } from '@strapi/strapi';
import type { GraphQLSchema } from 'graphql';
import { isObjectType } from 'graphql';
import type { ResolversConfig } from './resolvers-config';

/** Attribute types whose GraphQL field is the stored value itself. */
const RELATED = new Set(['relation', 'media', 'component', 'dynamiczone']);
const SYSTEM_FIELDS = ['documentId', 'createdAt', 'updatedAt', 'publishedAt'];

/**
 * The plugin wraps every field of the schema in an authorization step and a
 * policy step, and each costs promises and objects per field per row: for a page
 * of 25 articles with their people and events that is hundreds of calls doing
 * nothing, because plain value fields (title, dates, ...) have no auth config and
 * no policies. Those fields get GraphQL's own resolver back, which reads the same
 * property the wrapped one read; relation fields and anything with a resolver of
 * its own keep the plugin's wrapper, and so does any field with an entry in the
 * plugin's `resolversConfig` (auth, policies, middlewares, even `auth: false`):
 * an extension that registers `'Person.bio': { policies: [...] }` gets exactly
 * what it gets without batching. The fields given back are added to `unwrapped`
 * (`Type.field`): they read their own property and nothing else
 * (selected-columns.ts relies on it).
 */
export function unwrapPlainFields(
  strapi: Core.Strapi,
  resolversConfig: ResolversConfig,
  hasOwnResolver: Set<string>,
  unwrapped: Set<string>,
): void {
  const contentApi = strapi.plugin('graphql').service('content-api') as { buildSchema: () => GraphQLSchema };
  const { naming } = strapi.plugin('graphql').service('utils') as { naming: { getTypeName: (contentType: unknown) => string } };
  const buildSchema = contentApi.buildSchema.bind(contentApi);

  contentApi.buildSchema = () => {
    const schema = buildSchema();
    for (const [uid, contentType] of Object.entries(strapi.contentTypes)) {
      if (!uid.startsWith('api::')) continue;
      const type = schema.getType(naming.getTypeName(contentType));
      if (!isObjectType(type)) continue;
      const fields = type.getFields();
      const plain = Object.entries(contentType.attributes as Record<string, { type: string }>)
        .filter(([, attribute]) => !RELATED.has(attribute.type))
        .map(([name]) => name)
        .concat(SYSTEM_FIELDS);
      for (const name of plain) {
        if (!fields[name] || hasOwnResolver.has(`${type.name}.${name}`)) continue;
        if (resolversConfig.of(type.name, name) !== undefined) continue;
        fields[name].resolve = undefined;
        unwrapped.add(`${type.name}.${name}`);
      }
    }
    return schema;
  };
}
