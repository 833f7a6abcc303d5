import type { Core } from '@strapi/strapi';

/** A relation attribute of an api:: content type whose GraphQL fields may be batched. */
export interface RelationField {
  /** The content type that owns the attribute (the GraphQL parent type). */
  uid: string;
  attributeName: string;
  isToMany: boolean;
}

interface RelationAttribute {
  type: 'relation';
  relation: string;
  target?: string;
}

const isApiUid = (uid: unknown): uid is string => typeof uid === 'string' && uid.startsWith('api::');

const isBatchableRelation = (attribute: unknown): attribute is RelationAttribute => {
  if (attribute === null || typeof attribute !== 'object' || (attribute as { type?: unknown }).type !== 'relation') return false;
  const { relation, target } = attribute as RelationAttribute;
  // Polymorphic relations are resolved (and sanitized) differently by the plugin: they stay stock.
  return !relation.startsWith('morph') && isApiUid(target);
};

/**
 * The GraphQL fields that resolve a relation between two api:: content types,
 * keyed by `Type.field`, as the plugin names them: `Article.people` and
 * `Article.people_connection` both resolve the `people` attribute. Media,
 * components, polymorphic relations and plugin types are not listed, so they
 * keep the plugin's own resolvers.
 */
export function listRelationFields(strapi: Core.Strapi): Map<string, RelationField> {
  const { naming } = strapi.plugin('graphql').service('utils') as {
    naming: { getTypeName: (contentType: unknown) => string };
  };
  const fields = new Map<string, RelationField>();

  for (const [uid, contentType] of Object.entries(strapi.contentTypes)) {
    if (!isApiUid(uid)) continue;
    const typeName = naming.getTypeName(contentType);
    for (const [attributeName, attribute] of Object.entries(contentType.attributes)) {
      if (!isBatchableRelation(attribute)) continue;
      const isToMany = attribute.relation.endsWith('Many');
      const field: RelationField = { uid, attributeName, isToMany };
      fields.set(`${typeName}.${attributeName}`, field);
      if (isToMany) fields.set(`${typeName}.${attributeName}_connection`, field);
    }
  }
  return fields;
}
