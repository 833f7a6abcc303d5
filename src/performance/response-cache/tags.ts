import { createHash } from 'node:crypto';

/**
 * The tags answers are stored under and writes invalidate, the same strings on both sides
 * (and, for public answers, in their `Cache-Tag` header, which a CDN purges by).
 *
 * ## Scopes
 * Strapi 5 keeps a document with draft & publish as two rows, a draft and a published one, and
 * every document action writes rows of one kind: saving a draft updates the draft row; publishing
 * deletes the published row and inserts a copy of the draft (and may stamp the draft's
 * `firstPublishedAt`); unpublishing deletes the published row; discarding a draft replaces the
 * draft row. A row is in the *published scope* when it is published or its type has no draft &
 * publish, and in the *draft scope* when it is a draft or its type has no draft & publish.
 * A public answer (and any answer read with `status=published`, the default) reads only rows of
 * the published scope, relations included: Strapi filters populated relations by the request's
 * status. So a write of draft rows only cannot change it, and it carries only published-scope tags.
 *
 * ## Published-scope tags, fine-grained
 * - `<type>:<documentId>`: "this answer shows the document". Emitted by a write for each
 *   published-scope row it changes, in its state before and after.
 * - `<type>.<field>=<value>`: "this list holds exactly the documents whose field equals value",
 *   for lists filtered by equality (`$eq`, `$in`, a bare value) on a string field of the root type.
 *   Emitted for each published-scope row's old and new values: a document can enter such a list
 *   only if its new state has the value, and leave it only if its old state had it; and any change
 *   to a member (which can move it within the list's order or pages) emits it too.
 * - `<type>`: "this list can gain, lose or reorder documents of the type in ways no other tag
 *   shows": lists without such an equality filter, types reached by filters or sorts through
 *   relations, and the types of rows whose documents the answer could not name. Emitted by every
 *   published-scope write of the type.
 * - `<type>:<documentId>><relation>`: "this answer shows the document's relation, populated".
 *   Such a list of document E changes only when a row joined to E is written: join rows are
 *   written by Strapi together with one of their two ends (E's own write emits E's tag), and
 *   publishing re-attaches the other ends' relations to the new published row. So every
 *   published-scope row write also emits this tag for each published-scope row joined to it by
 *   each relation, read before the write (before its relations are replaced or deleted) and
 *   after it. An answer that shows E without that relation keeps its entry.
 *
 * ## Draft-scope tags, per type
 * `draft~<type>`: answers that read drafts (an API token with `status=draft`) are tagged per type
 * with `<type>` and `draft~<type>` for every type they can reach, and draft-scope writes emit
 * `draft~<type>` (types without draft & publish emit both scopes' tags). Coarser than the public
 * side, and exact by the same argument with whole types for documents: the editors' previews are few.
 *
 * `'*'` (a change to who may read what) drops every answer.
 */

export const DRAFT_PREFIX = 'draft~';

export const typeTag = (type: string): string => type;
export const documentTag = (type: string, documentId: string): string => `${type}:${documentId}`;
export const relationTag = (type: string, documentId: string, relation: string): string => `${type}:${documentId}>${relation}`;
export const draftTag = (type: string): string => `${DRAFT_PREFIX}${type}`;

/**
 * `<type>.<field>=<value>`. Values are kept as they are when short and plain (slugs), and hashed
 * otherwise: both sides call this one function, and a tag must stay a safe, short header token.
 */
export function predicateTag(type: string, field: string, value: string): string {
  const plain = value.length <= 64 && /^[A-Za-z0-9_.\-]+$/.test(value);
  return `${type}.${field}=${plain ? value : `~${createHash('sha1').update(value).digest('base64url').slice(0, 22)}`}`;
}

export const isPublishedScopeTag = (tag: string): boolean => !tag.startsWith(DRAFT_PREFIX);

/** The type a published-scope tag belongs to: every write of that type emits `typeTag(type)`, which stands for the tag. */
export function typeOfTag(tag: string): string {
  const end = tag.search(/[:.]/);
  return end === -1 ? tag : tag.slice(0, end);
}
