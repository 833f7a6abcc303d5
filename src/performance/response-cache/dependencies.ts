import type { Core } from '@strapi/strapi';

/**
 * What an answer depends on: which content types it could have read, and for
 * `Cache-Tag`, which documents it contains.
 */

type Attribute = { type?: string; target?: string; component?: string; components?: string[] };
type Schema = { attributes?: Record<string, Attribute> };

const MEDIA_UID = 'plugin::upload.file';

/** The uids an attribute leads to: a relation's target, media, a component and what it leads to. */
function linkedUids(attribute: Attribute): string[] {
  switch (attribute.type) {
    case 'relation':
      return attribute.target ? [attribute.target] : [];
    case 'media':
      return [MEDIA_UID];
    case 'component':
      return attribute.component ? [attribute.component] : [];
    case 'dynamiczone':
      return attribute.components ?? [];
    default:
      return [];
  }
}

export class DependencyMap {
  private readonly closures = new Map<string, string[]>();

  constructor(private readonly strapi: Core.Strapi) {}

  private schema(uid: string): Schema | undefined {
    return (this.strapi.contentTypes[uid as keyof typeof this.strapi.contentTypes] ??
      this.strapi.components[uid as keyof typeof this.strapi.components]) as Schema | undefined;
  }

  /** The type itself and every type reachable from it through relations, media and components. */
  reachableFrom(uid: string): string[] {
    const known = this.closures.get(uid);
    if (known) return known;
    const seen = new Set<string>([uid]);
    const queue = [uid];
    while (queue.length > 0) {
      const current = queue.shift() as string;
      for (const attribute of Object.values(this.schema(current)?.attributes ?? {})) {
        for (const next of linkedUids(attribute)) {
          if (!seen.has(next)) {
            seen.add(next);
            queue.push(next);
          }
        }
      }
    }
    const closure = [...seen].sort();
    this.closures.set(uid, closure);
    return closure;
  }

  /**
   * A REST read of `uid` depends on that type alone when its query only picks
   * pages, scalar fields, status and locale; `populate`, `filters`, `sort` and
   * anything else may follow relations, so such a read depends on every type
   * reachable from `uid`. Coarser than walking the populate tree, and never wrong.
   */
  forRestQuery(uid: string, query: Record<string, unknown>): string[] {
    const followsRelations = Object.keys(query).some((key) => !ROOT_ONLY_PARAMS.has(key));
    return followsRelations ? this.reachableFrom(uid) : [uid];
  }

  /**
   * `Cache-Tag` entries for the documents in a REST answer: `<type>:<documentId>`
   * for the root documents and the related documents populated into them.
   */
  documentTags(uid: string, data: unknown, into: Set<string>, depth = 0): void {
    if (depth > 4 || data === null || typeof data !== 'object') return;
    if (Array.isArray(data)) {
      for (const item of data) this.documentTags(uid, item, into, depth);
      return;
    }
    const record = data as Record<string, unknown>;
    const singularName = (this.schema(uid) as { info?: { singularName?: string } } | undefined)?.info?.singularName;
    if (typeof record.documentId === 'string' && singularName) into.add(`${singularName}:${record.documentId}`);
    for (const [name, attribute] of Object.entries(this.schema(uid)?.attributes ?? {})) {
      if (attribute.type === 'relation' && attribute.target && name in record) {
        this.documentTags(attribute.target, record[name], into, depth + 1);
      }
    }
  }

  /** The short name used in `Cache-Tag` for a content type: its singular name, or the uid. */
  tagName(uid: string): string {
    return (this.schema(uid) as { info?: { singularName?: string } } | undefined)?.info?.singularName ?? uid;
  }
}

/** REST query parameters that cannot make a read leave its own content type. */
const ROOT_ONLY_PARAMS = new Set(['pagination', 'fields', 'status', 'locale']);
