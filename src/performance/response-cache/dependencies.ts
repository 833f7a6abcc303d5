import type { Core } from '@strapi/strapi';

/**
 * What the content model says about dependencies between answers and rows:
 * which types a read can reach, each type's tag name, which of its fields
 * equality-filtered lists are tagged by, and which relations join rows of a
 * type to other documents.
 */

type Attribute = { type?: string; target?: string; component?: string; components?: string[]; relation?: string };
type Schema = {
  attributes?: Record<string, Attribute>;
  info?: { singularName?: string };
  options?: { draftAndPublish?: boolean };
};

const MEDIA_UID = 'plugin::upload.file';
/** The relation Strapi gives every content type to the other locales of the same document. */
const LOCALIZATIONS_ATTRIBUTE = 'localizations';

/**
 * Field types whose `$eq` in PostgreSQL compares the stored text exactly, so the value a
 * query names and the value a row holds give the same tag (`predicateTag`) exactly when
 * the row matches. Numbers, dates and booleans are left out: `2024`, `2024.0` and `"2024"`
 * match the same rows under different spellings.
 */
const PREDICATE_FIELD_TYPES = new Set(['string', 'uid', 'email', 'enumeration']);

/** A relation attribute of another type (or of the type itself) that joins rows to a type. */
export interface IncomingRelation {
  /** The type holding the attribute. */
  uid: string;
  attribute: string;
}

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
  private readonly incoming = new Map<string, IncomingRelation[]>();

  constructor(private readonly strapi: Core.Strapi) {}

  /**
   * A content type's or component's schema, looked up by uid in Strapi's registries: not through
   * `strapi.contentTypes` and `strapi.components`, which build a new map of every registered type
   * on each access (about 9 ms of a cache miss's time went there when answers were tagged so).
   */
  schema(uid: string): Schema | undefined {
    return (this.strapi.get('content-types').get(uid) ?? this.strapi.get('components').get(uid)) as Schema | undefined;
  }

  /** The project's own content types keep rows with a `documentId`, tagged per document. */
  isDocumentType(uid: string): boolean {
    return uid.startsWith('api::') && this.isContentType(uid);
  }

  /** A registered content type (not a component). */
  isContentType(uid: string): boolean {
    return this.strapi.get('content-types').get(uid) !== undefined;
  }

  hasDraftAndPublish(uid: string): boolean {
    return this.schema(uid)?.options?.draftAndPublish === true;
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

  /** The target of a relation attribute, or undefined when `name` is none (or a polymorphic one). */
  relationTarget(uid: string, name: string): string | undefined {
    const attribute = this.schema(uid)?.attributes?.[name];
    return attribute?.type === 'relation' ? attribute.target : undefined;
  }

  /** Any attribute that leads to another type (relation, media, component, dynamic zone). */
  isLinkAttribute(uid: string, name: string): boolean {
    const attribute = this.schema(uid)?.attributes?.[name];
    return attribute !== undefined && linkedUids(attribute).length > 0;
  }

  /** The fields equality-filtered lists are tagged by: `documentId` and the exact-text attributes. */
  predicateFields(uid: string): string[] {
    const fields = ['documentId'];
    for (const [name, attribute] of Object.entries(this.schema(uid)?.attributes ?? {})) {
      if (PREDICATE_FIELD_TYPES.has(attribute.type ?? '')) fields.push(name);
    }
    return fields;
  }

  /**
   * Every relation attribute, of any content type, whose target is `uid`: owning sides,
   * inverse sides and one-way relations alike, since each can show a row of `uid` to its
   * documents' answers.
   *
   * Except Strapi's `localizations`, which every type has towards itself and which joins the
   * rows of one document (its locales, by `documentId`): the rows it shows a write's row to all
   * belong to the written document, so every answer showing them carries that document's tag,
   * which the write emits anyway. Reading them would cost every publish two statements for nothing.
   */
  relationsInto(uid: string): IncomingRelation[] {
    const known = this.incoming.get(uid);
    if (known) return known;
    const found: IncomingRelation[] = [];
    for (const [owner, contentType] of Object.entries(this.strapi.contentTypes)) {
      if (!this.isDocumentType(owner)) continue;
      for (const [attribute, definition] of Object.entries((contentType as Schema).attributes ?? {})) {
        if (owner === uid && attribute === LOCALIZATIONS_ATTRIBUTE) continue;
        if (definition.type === 'relation' && definition.target === uid) found.push({ uid: owner, attribute });
      }
    }
    this.incoming.set(uid, found);
    return found;
  }

  /**
   * The name a type goes by in tags and `Cache-Tag`: the singular name of the project's types
   * (`article`), and the uid spelled without `:` and `.` for the others (`plugin-upload-file`),
   * so a tag's type is always what precedes its first `:` or `.` (tags.ts `typeOfTag`).
   */
  tagName(uid: string): string {
    const singularName = this.schema(uid)?.info?.singularName;
    if (uid.startsWith('api::') && singularName) return singularName;
    return uid.replace(/::|\./g, '-');
  }
}
