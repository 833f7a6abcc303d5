import { isPlainObject } from '../../platform/values';
import type { DependencyMap } from './dependencies';
import { documentTag, draftTag, isPublishedScopeTag, predicateTag, relationTag, typeOfTag, typeTag } from './tags';

/**
 * The tags an answer is stored under (tags.ts says what each stands for, and
 * why a write emits every tag of every answer it can change).
 *
 * A REST answer read in the published scope carries:
 * - for a list (`find`), its membership: the predicate tags of one equality
 *   condition on the root type's own string fields that every member must meet
 *   (`filters[slug][$eq]=x`, `filters[documentId][$in][0]=…`, joined to the rest
 *   by AND), or else the root type's tag;
 * - the tag of every type a filter or a sort reaches through a relation
 *   (anywhere: in `filters`, `sort`, and in `populate`'s own filters and sorts),
 *   since a write there can move documents into, out of or within the list
 *   without writing any of them;
 * - the tag of every document it shows, at any depth of `populate`, and of each
 *   of its relations the answer populates; the type's tag where a shown row
 *   names no document (a relation's `count`, media, components), or past MAX_DEPTH.
 * Answers read with any other status are tagged per type, in both scopes.
 */

/** Deeper than this, documents are not named one by one: their types are tagged instead. */
const MAX_DEPTH = 12;
/** `Cache-Tag` values past this size are cut back to the types (CDNs cap the header). */
const MAX_CACHE_TAG_LENGTH = 8_000;

type Query = Record<string, unknown>;

export class ReadTags {
  constructor(private readonly dependencies: DependencyMap) {}

  /**
   * A REST answer of `uid`'s `find` or `findOne`. `shaped` is false when the answer is not in
   * Strapi 5's own shape (the v4 compatibility format nests attributes): then documents cannot
   * be named, and every type the query can reach is tagged.
   */
  forRest(uid: string, handler: string, query: Query, data: unknown, shaped: boolean): string[] {
    if (!readsPublishedScope(query.status)) return this.perType(this.dependencies.reachableFrom(uid));
    if (!shaped) return this.dependencies.reachableFrom(uid).map((reached) => typeTag(this.dependencies.tagName(reached)));
    const tags = new Set<string>();
    if (handler === 'find') this.membership(uid, query.filters, tags);
    const relational = new Set<string>();
    this.filterTypes(uid, query.filters, relational, 0);
    this.sortTypes(uid, query.sort, relational);
    this.populateTypes(uid, query.populate, relational, 0);
    for (const reached of relational) tags.add(typeTag(this.dependencies.tagName(reached)));
    this.documents(uid, data, tags, 0);
    return [...tags];
  }

  /** A read tagged per type (GraphQL queries, declared reads): the types, in the scope it reads. */
  forTypes(uids: readonly string[], publishedOnly: boolean): string[] {
    if (!publishedOnly) return this.perType(uids);
    return [...new Set(uids.map((uid) => typeTag(this.dependencies.tagName(uid))))];
  }

  /**
   * The `Cache-Tag` header: the published-scope tags (a shared cache only ever holds public
   * answers); past the size CDNs accept, each tag is replaced by its type's, which every write
   * of the type emits.
   */
  static cacheTagHeader(tags: readonly string[]): string {
    const published = tags.filter(isPublishedScopeTag);
    const header = published.join(',');
    if (header.length <= MAX_CACHE_TAG_LENGTH) return header;
    return [...new Set(published.map(typeOfTag))].join(',');
  }

  private perType(uids: readonly string[]): string[] {
    const tags = new Set<string>();
    for (const uid of uids) {
      const name = this.dependencies.tagName(uid);
      tags.add(typeTag(name));
      tags.add(draftTag(name));
    }
    return [...tags];
  }

  /** A list's membership: one equality condition's predicate tags, or the root type's tag. */
  private membership(uid: string, filters: unknown, into: Set<string>): void {
    const name = this.dependencies.tagName(uid);
    const fields = new Set(this.dependencies.predicateFields(uid));
    for (const [field, condition] of conjuncts(filters)) {
      if (!fields.has(field)) continue;
      const values = equalityValues(condition);
      if (!values) continue;
      for (const value of values) into.add(predicateTag(name, field, value));
      return;
    }
    into.add(typeTag(name));
  }

  /** The types a filter reaches through relations (or media and components). */
  private filterTypes(uid: string, filters: unknown, into: Set<string>, depth: number): void {
    if (depth > MAX_DEPTH) {
      for (const reached of this.dependencies.reachableFrom(uid)) into.add(reached);
      return;
    }
    if (Array.isArray(filters)) {
      for (const item of filters) this.filterTypes(uid, item, into, depth + 1);
      return;
    }
    if (!isPlainObject(filters)) return;
    for (const [key, value] of Object.entries(filters)) {
      if (key.startsWith('$')) {
        this.filterTypes(uid, value, into, depth + 1);
        continue;
      }
      const target = this.dependencies.relationTarget(uid, key);
      if (target) {
        into.add(target);
        this.filterTypes(target, value, into, depth + 1);
      } else if (this.dependencies.isLinkAttribute(uid, key)) {
        for (const reached of this.dependencies.reachableFrom(uid)) into.add(reached);
      }
    }
  }

  /** The types a sort reaches through relations: `people.name:asc`, `{ people: { name: 'asc' } }`, lists of either. */
  private sortTypes(uid: string, sort: unknown, into: Set<string>): void {
    const walkPath = (path: string[]) => {
      let current = uid;
      for (const segment of path.slice(0, -1)) {
        const target = this.dependencies.relationTarget(current, segment);
        if (!target) {
          if (this.dependencies.isLinkAttribute(current, segment)) for (const reached of this.dependencies.reachableFrom(current)) into.add(reached);
          return;
        }
        into.add(target);
        current = target;
      }
    };
    const walk = (value: unknown, prefix: string[], depth: number) => {
      if (depth > MAX_DEPTH) return;
      if (typeof value === 'string') {
        if (prefix.length > 0) walkPath([...prefix, value]);
        else for (const part of value.split(',')) walkPath(part.split(':')[0].trim().split('.'));
      } else if (Array.isArray(value)) {
        for (const item of value) walk(item, prefix, depth + 1);
      } else if (isPlainObject(value)) {
        for (const [key, nested] of Object.entries(value)) {
          if (typeof nested === 'string') walkPath([...prefix, key]);
          else walk(nested, [...prefix, key], depth + 1);
        }
      }
    };
    walk(sort, [], 0);
  }

  /** The types reached by the filters and sorts inside `populate` (populated rows themselves are named by `documents`). */
  private populateTypes(uid: string, populate: unknown, into: Set<string>, depth: number): void {
    if (depth > MAX_DEPTH || !isPlainObject(populate)) return;
    for (const [key, value] of Object.entries(populate)) {
      const target = this.dependencies.relationTarget(uid, key);
      if (!target || !isPlainObject(value)) continue;
      this.filterTypes(target, value.filters, into, depth + 1);
      this.sortTypes(target, value.sort, into);
      this.populateTypes(target, value.populate, into, depth + 1);
    }
  }

  /** The documents an answer shows, at any depth; types where rows name no document. */
  private documents(uid: string, data: unknown, into: Set<string>, depth: number): void {
    if (data === null || data === undefined || typeof data !== 'object') return;
    if (depth > MAX_DEPTH) {
      for (const reached of this.dependencies.reachableFrom(uid)) into.add(typeTag(this.dependencies.tagName(reached)));
      return;
    }
    if (Array.isArray(data)) {
      for (const item of data) this.documents(uid, item, into, depth);
      return;
    }
    const record = data as Record<string, unknown>;
    const name = this.dependencies.tagName(uid);
    const documentId = this.dependencies.isDocumentType(uid) && typeof record.documentId === 'string' ? record.documentId : undefined;
    if (documentId) into.add(documentTag(name, documentId));
    else into.add(typeTag(name));
    for (const [key, value] of Object.entries(record)) {
      const target = this.dependencies.relationTarget(uid, key);
      if (target) {
        if (documentId) into.add(relationTag(name, documentId, key));
        this.documents(target, value, into, depth + 1);
      } else if (value !== null && typeof value === 'object' && this.dependencies.isLinkAttribute(uid, key)) {
        for (const reached of this.dependencies.reachableFrom(uid)) into.add(typeTag(this.dependencies.tagName(reached)));
      }
    }
  }
}

/** Whether a read's `status` parameter leaves it in the published scope (the default). */
export const readsPublishedScope = (status: unknown): boolean => status === undefined || status === 'published';

/**
 * The conditions every member of a filtered list meets: the filter's own keys, and those of
 * the objects in its `$and` (at any depth). `$or` and `$not` are not followed: their
 * conditions do not hold for every member.
 */
function* conjuncts(filters: unknown): Generator<[string, unknown]> {
  if (!isPlainObject(filters)) return;
  for (const [key, value] of Object.entries(filters)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const item of value) yield* conjuncts(item);
    } else if (!key.startsWith('$')) {
      yield [key, value];
    }
  }
}

/**
 * The values an equality condition allows (`x`, `{ $eq: x }`, `{ $in: [x, y] }`, alone or with
 * other operators beside them), or null when it is not one: only strings, the way query strings
 * arrive, so the tag a row's value gives is the tag of every query that matches it.
 */
function equalityValues(condition: unknown): string[] | null {
  if (typeof condition === 'string') return [condition];
  if (!isPlainObject(condition)) return null;
  if (typeof condition.$eq === 'string') return [condition.$eq];
  const list = condition.$in;
  if (Array.isArray(list) && list.length > 0 && list.every((value) => typeof value === 'string')) return list as string[];
  return null;
}
