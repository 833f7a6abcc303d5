import { SEARCH_LIMITS } from '../../limits/page-sizes';
import { SEARCH_CONFIGURATION, SEARCH_TABLE, UNACCENT_FUNCTION } from './index-schema';
import { quoted } from '../../platform/sql';
import type { SearchedType, SearchType } from './searched-types';
import { MARK_END, MARK_START } from './snippet';

export type SearchStatus = 'published' | 'draft';

/** A checked search: what the REST query or the GraphQL arguments asked for. */
export interface SearchRequest {
  text: string;
  types: readonly SearchType[];
  status: SearchStatus;
  page: number;
  pageSize: number;
}

/** One hit as the database gives it; the snippet still has the raw marks (see snippet.ts). */
export interface RawHit {
  type: SearchType;
  documentId: string;
  slug: string;
  title: string;
  snippet: string;
  score: number;
}

export interface RawAnswer {
  hits: RawHit[];
  /** Matches counted, at most the window (plus one, to tell whether there were more). */
  matched: number;
  /** True when the hits are titles spelled like the query, because no document matched its words. */
  fallback: boolean;
}

/**
 * The statements take knex's named bindings (`:text`, repeated where the value
 * is used): the query text goes in more than once, and a name cannot be
 * miscounted as a position can.
 */
interface Knex {
  raw: (sql: string, bindings?: Readonly<Record<string, unknown>>) => PromiseLike<{ rows: Array<Record<string, unknown>> }>;
  transaction: <T>(work: (trx: Knex) => Promise<T>) => Promise<T>;
}

/** How close a title must be to the query (pg_trgm's word similarity, 0 to 1) to be offered when no word matched. */
const SIMILAR_TITLE_THRESHOLD = 0.5;
/** How close a title's word must be to one of the query's to be marked in a fallback hit's snippet. */
const SIMILAR_WORD_THRESHOLD = 0.3;

/** ts_headline: the marks are two private-use characters, stripped from the text first, made into <mark> once escaped. */
const HEADLINE_OPTIONS = `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=35, MinWords=15, ShortWord=3, MaxFragments=2, FragmentDelimiter=" … "`;
const MARKS = `${MARK_START}${MARK_END}`;

const tsquery = (parameter: string) => `websearch_to_tsquery('${SEARCH_CONFIGURATION}', ${UNACCENT_FUNCTION}(${parameter}))`;
const foldedTitle = (alias: string) => `${UNACCENT_FUNCTION}(lower(${alias}.title))`;

/** The ORDER BY of the page: best score first, then newest, then a fixed order. */
const PAGE_ORDER = 'score DESC, recency DESC NULLS LAST, type, row_id DESC';

/**
 * The page of the ranked matches (`ranked`: type, row_id, recency, score), with
 * each hit's document id, slug, title and snippet read from its content row,
 * and the number of matches: one row even when the page is empty.
 * `highlight(type, alias)` is the tsquery the snippet marks, for the content row `alias`
 * of `type`; `counted` adds columns to the count's row. Bindings: `:offset`, `:pageSize`.
 */
function pageStatement(types: readonly SearchedType[], highlight: (type: SearchedType, alias: string) => string, counted = ''): string {
  const hits = types.map(
    (type) => `SELECT p.position, p.type, p.score,
         x.${quoted(type.columns.documentId)} AS "documentId", x.${quoted(type.columns.slug)} AS slug, x.${quoted(type.columns.title)} AS title,
         ts_headline('${SEARCH_CONFIGURATION}', translate(${type.snippetText('x')}, '${MARKS}', ''), ${highlight(type, 'x')}, '${HEADLINE_OPTIONS}') AS snippet
       FROM page p JOIN ${quoted(type.table)} x ON p.type = '${type.type}' AND x.${quoted(type.columns.id)} = p.row_id`,
  );
  return `page AS (
    SELECT ranked.*, row_number() OVER (ORDER BY ${PAGE_ORDER}) AS position FROM ranked ORDER BY position OFFSET :offset LIMIT :pageSize
  )
  SELECT counted.*, hit.* FROM (SELECT count(*)::int AS matched${counted} FROM matches) counted
    LEFT JOIN (${hits.join('\n    UNION ALL\n    ')}) hit ON true
   ORDER BY hit.position`;
}

/**
 * Full text: the matches of the query's words, newest first, at most the
 * window (plus one, to know whether there were more); those ranked by
 * ts_rank_cd (normalised to 0–1 by rank / (rank + 1): the same order); then
 * the page. The count's row also says whether the query has words PostgreSQL
 * can search for (not only stop words), for the fallback.
 *
 * Each type's matches are a query of their own, planned with that type's
 * statistics: for a word common among articles, the recency index with the
 * query as a filter, which stops after the window; for a word rare among
 * people, the GIN index and a sort of the few it finds. (One query over all
 * types would merge the types' recency indexes, and scan every person to
 * learn that none matches a word only articles hold.) The query is written
 * out where it is used, not taken from a CTE, so the planner sees its value
 * and how common its words are. Bindings: `:text`, `:matchLimit` (the window
 * plus one), `:window`, and the page's.
 */
function fullTextStatement(types: readonly SearchedType[], status: SearchStatus): string {
  const perType = types.map(
    (type) => `(SELECT d.type, d.row_id, d.recency, d.vector FROM ${SEARCH_TABLE} d
       WHERE d.${status} AND d.type = '${type.type}' AND d.vector @@ ${tsquery(':text')}
       ORDER BY d.recency DESC NULLS LAST, d.row_id DESC LIMIT :matchLimit)`,
  );
  return `WITH matches AS MATERIALIZED (
    SELECT * FROM (${perType.join('\n     UNION ALL ')}) per_type
     ORDER BY recency DESC NULLS LAST, row_id DESC, type LIMIT :matchLimit
  ),
  ranked AS (
    SELECT m.type, m.row_id, m.recency, ts_rank_cd(m.vector, ${tsquery(':text')}, 32) AS score
      FROM (SELECT * FROM matches ORDER BY recency DESC NULLS LAST, row_id DESC, type LIMIT :window) m
  ),
  ${pageStatement(types, () => tsquery(':text'), `, numnode(${tsquery(':text')}) > 0 AS has_words`)}`;
}

/**
 * The fallback: titles (names) whose words are spelled like the query's, by
 * pg_trgm's word similarity through the trigram index, most similar first.
 * The index hands over at most the window plus one candidates, in no order,
 * which are then ranked: when more titles than that are alike (a typo in a
 * word every title holds), the most similar of those it handed over are
 * answered and the total says it is not exact; a search never computes the
 * similarity of every title in the archive. A snippet marks the words of the
 * hit's title that are close to one of the query's words, wherever they occur
 * in its text. Bindings: `:similar` (the words compared), `:matchLimit`,
 * `:window` and the page's.
 */
function similarTitlesStatement(types: readonly SearchedType[], status: SearchStatus, trigramSchema: string): string {
  const asked = `${UNACCENT_FUNCTION}(lower(:similar))`;
  // pg_trgm's functions and operator, named with its schema: Strapi's search path holds only its own schema.
  const trigram = (name: string) => `${quoted(trigramSchema)}.${name}`;
  const highlight = (type: SearchedType, alias: string) => `coalesce((
      SELECT to_tsquery('${SEARCH_CONFIGURATION}', string_agg(word, ' | '))
        FROM regexp_split_to_table(${UNACCENT_FUNCTION}(lower(${alias}.${quoted(type.columns.title)})), '[^[:alnum:]]+') AS word
       WHERE word <> '' AND EXISTS (
         SELECT 1 FROM regexp_split_to_table(${asked}, '[^[:alnum:]]+') AS asked_word
          WHERE asked_word <> '' AND ${trigram('similarity')}(word, asked_word) >= ${SIMILAR_WORD_THRESHOLD})
    ), ''::tsquery)`;
  return `WITH matches AS MATERIALIZED (
    SELECT d.type, d.row_id, d.recency, d.title FROM ${SEARCH_TABLE} d
     WHERE d.${status} AND d.type IN (${types.map((type) => `'${type.type}'`).join(', ')}) AND ${asked} OPERATOR(${trigram('<%')}) ${foldedTitle('d')}
     LIMIT :matchLimit
  ),
  ranked AS (
    SELECT type, row_id, recency, ${trigram('word_similarity')}(${asked}, ${foldedTitle('m')}) AS score FROM matches m
     ORDER BY score DESC, recency DESC NULLS LAST, row_id DESC, type LIMIT :window
  ),
  ${pageStatement(types, highlight)}`;
}

/** The hits of a result row set (the first row carries the count; an empty page has one row without a hit). */
function readRows(rows: Array<Record<string, unknown>>): { hits: RawHit[]; matched: number; hasWords: boolean } {
  const matched = Number(rows[0]?.matched ?? 0);
  const hasWords = rows[0]?.has_words === true;
  const hits = rows
    .filter((row) => row.type !== null && row.type !== undefined)
    .map((row) => ({
      type: row.type as SearchType,
      documentId: String(row.documentId),
      slug: String(row.slug ?? ''),
      title: String(row.title ?? ''),
      snippet: String(row.snippet ?? ''),
      score: Number(row.score),
    }));
  return { hits, matched, hasWords };
}

/** The similar-title fallback compares names and places: a few words. (The trigram index reads a list per trigram of the text.) */
const FALLBACK_WORDS = 3;
const FALLBACK_CHARACTERS = 40;

/**
 * Words the similar-title fallback compares: the query without what
 * websearch syntax makes a condition rather than a word (`-word` excludes,
 * `or` joins) and without quotes, its first FALLBACK_WORDS words, at most
 * FALLBACK_CHARACTERS characters. Empty when nothing is left.
 */
export function fallbackText(text: string): string {
  const words = text
    .replace(/"/g, ' ')
    .split(/\s+/)
    .filter((word) => word !== '' && !word.startsWith('-') && word.toLowerCase() !== 'or')
    .slice(0, FALLBACK_WORDS)
    .join(' ');
  return [...words].slice(0, FALLBACK_CHARACTERS).join('').trim();
}

/**
 * Runs a search. `types` are the searched types the request asked for, as
 * resolved from the database's metadata. The full-text statement answers
 * almost every search in one round trip; only when it matches nothing, the
 * query has words PostgreSQL can search for (not only stop words) and the
 * fallback has text left, the similar-title statement runs, in a
 * transaction that sets pg_trgm's threshold for itself.
 */
export async function runSearch(knex: Knex, types: readonly SearchedType[], request: SearchRequest, trigramSchema: string): Promise<RawAnswer> {
  const window = SEARCH_LIMITS.resultWindow;
  const page = { matchLimit: window + 1, window, offset: (request.page - 1) * request.pageSize, pageSize: request.pageSize };
  const fullText = await knex.raw(fullTextStatement(types, request.status), { ...page, text: request.text });
  const { hits, matched, hasWords } = readRows(fullText.rows);
  const similar = fallbackText(request.text);
  if (matched > 0 || !hasWords || similar.length < 3) return { hits, matched, fallback: false };

  const answer = await knex.transaction(async (trx) => {
    await trx.raw(`SELECT set_config('pg_trgm.word_similarity_threshold', :threshold, true)`, { threshold: String(SIMILAR_TITLE_THRESHOLD) });
    return trx.raw(similarTitlesStatement(types, request.status, trigramSchema), { ...page, similar });
  });
  const fallback = readRows(answer.rows);
  return { hits: fallback.hits, matched: fallback.matched, fallback: true };
}
