import type { Core, UID } from '@strapi/strapi';
import { quoted } from '../../platform/sql';

/** What a reader can search, by the name the API uses for it (`type=article`, GraphQL `SearchType.article`). */
export const SEARCH_TYPES = ['article', 'person', 'event'] as const;
export type SearchType = (typeof SEARCH_TYPES)[number];

export const isSearchType = (value: unknown): value is SearchType => (SEARCH_TYPES as readonly unknown[]).includes(value);

/** Weights of PostgreSQL's full-text ranking, strongest first. */
type Weight = 'A' | 'B' | 'C' | 'D';

interface SearchedTypeDefinition {
  uid: UID.ContentType;
  /** The hit's `title` (a person's name): weight A, and what the similar-title fallback compares. */
  title: string;
  slug: string;
  /** Attributes by weight: A the title, B the short text beside it, C the body, D places. */
  weights: Record<Weight, readonly string[]>;
  /** The attributes the snippet is cut from, in order. */
  snippet: readonly string[];
  /** Newer first among equal scores; also which matches a search ranks when there are more than its window. */
  recency: string;
}

/**
 * The searched content types and which of their fields count for how much.
 * A person's bio and an event's description are their bodies (C), like an
 * article's blocks; a person has no date of their own, so their last edit
 * stands for recency.
 */
const DEFINITIONS: Record<SearchType, SearchedTypeDefinition> = {
  article: {
    uid: 'api::article.article',
    title: 'title',
    slug: 'slug',
    weights: { A: ['title'], B: ['summary'], C: ['body'], D: ['dateline'] },
    snippet: ['summary', 'body'],
    recency: 'publishedDate',
  },
  person: {
    uid: 'api::person.person',
    title: 'name',
    slug: 'slug',
    weights: { A: ['name'], B: ['role'], C: ['bio'], D: ['country'] },
    snippet: ['role', 'country', 'bio'],
    recency: 'updatedAt',
  },
  event: {
    uid: 'api::event.event',
    title: 'title',
    slug: 'slug',
    weights: { A: ['title'], B: [], C: ['description'], D: ['location', 'country'] },
    snippet: ['description', 'location', 'country'],
    recency: 'startDate',
  },
};

/** Every content type a search can read, for the response cache (a search answer depends on all of them). */
export const SEARCHED_UIDS: readonly string[] = Object.values(DEFINITIONS).map((definition) => definition.uid);

/** Attribute types whose stored value is text the index can read, and how. */
const TEXT_ATTRIBUTES = new Set(['string', 'text', 'uid', 'richtext', 'email']);
const BLOCKS_ATTRIBUTE = 'blocks';
const RECENCY_ATTRIBUTES = new Set(['date', 'datetime', 'timestamp']);

/** A searched type as it is stored: its table and the SQL that reads each part from a row. */
export interface SearchedType {
  type: SearchType;
  uid: UID.ContentType;
  table: string;
  /** With draft & publish a row is a draft or the published version; without, every row is both. */
  draftAndPublish: boolean;
  columns: { id: string; documentId: string; slug: string; title: string; publishedAt: string };
  /** The SQL columns the index reads: a change to any of them re-indexes the row. */
  indexedColumns: string[];
  /** SQL for the row under `alias`. `text(sql)` folds or converts where needed (set by the index schema). */
  weighted: (alias: string) => Array<{ weight: Weight; text: string }>;
  snippetText: (alias: string) => string;
  recency: (alias: string) => string;
}


interface AttributeMeta {
  type?: string;
  columnName?: string;
}

/**
 * The searched types this app has, with table and column names from Strapi's
 * metadata (a renamed `collectionName` or column follows). `blocksText` names
 * the SQL function that reads the text out of a blocks value. A field that is
 * not text (or, for recency, a date) stops the start: the definition above
 * names something the index cannot read.
 */
export function resolveSearchedTypes(strapi: Core.Strapi, blocksText: string): SearchedType[] {
  const resolved: SearchedType[] = [];
  for (const type of SEARCH_TYPES) {
    const definition = DEFINITIONS[type];
    const contentType = strapi.contentTypes[definition.uid];
    if (!contentType) continue;
    const meta = strapi.db.metadata.get(definition.uid) as unknown as { tableName: string; attributes: Record<string, AttributeMeta> };
    const column = (attribute: string) => {
      const found = meta.attributes[attribute];
      if (!found?.columnName) throw new Error(`Search: ${definition.uid} has no stored field "${attribute}"`);
      return found.columnName;
    };
    const typeOf = (attribute: string) => meta.attributes[attribute]?.type ?? '';
    const textOf = (alias: string, attribute: string) => {
      const sql = `${alias}.${quoted(column(attribute))}`;
      if (typeOf(attribute) === BLOCKS_ATTRIBUTE) return `${blocksText}(${sql})`;
      if (TEXT_ATTRIBUTES.has(typeOf(attribute))) return sql;
      throw new Error(`Search: ${definition.uid}.${attribute} is a ${typeOf(attribute)} field; only text and blocks can be searched`);
    };
    // Empty parts are left out, so no separator stands alone.
    const joined = (alias: string, attributes: readonly string[], separator: string) =>
      attributes.length === 0
        ? `''`
        : `concat_ws('${separator}', ${attributes.map((attribute) => `NULLIF(${textOf(alias, attribute)}, '')`).join(', ')})`;
    if (!RECENCY_ATTRIBUTES.has(typeOf(definition.recency))) {
      throw new Error(`Search: ${definition.uid}.${definition.recency} is not a date, so it cannot order results by recency`);
    }
    const indexedAttributes = new Set([definition.title, definition.recency, ...Object.values(definition.weights).flat(), 'publishedAt']);
    resolved.push({
      type,
      uid: definition.uid,
      table: meta.tableName,
      draftAndPublish: contentType.options?.draftAndPublish === true,
      columns: {
        id: column('id'),
        documentId: column('documentId'),
        slug: column(definition.slug),
        title: column(definition.title),
        publishedAt: column('publishedAt'),
      },
      indexedColumns: [...indexedAttributes].map(column),
      weighted: (alias) =>
        (Object.entries(definition.weights) as Array<[Weight, readonly string[]]>)
          .filter(([, attributes]) => attributes.length > 0)
          .map(([weight, attributes]) => ({ weight, text: joined(alias, attributes, ' ') })),
      snippetText: (alias) => joined(alias, definition.snippet, ' · '),
      recency: (alias) => `${alias}.${quoted(column(definition.recency))}::timestamp`,
    });
  }
  return resolved;
}
