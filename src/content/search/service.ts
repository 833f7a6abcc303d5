import type { Core } from '@strapi/strapi';
import { SEARCH_LIMITS } from '../../limits/page-sizes';
import { BLOCKS_TEXT_FUNCTION, type Installed } from './index-schema';
import { runSearch, type SearchRequest } from './query';
import { resolveSearchedTypes, type SearchedType, type SearchType } from './searched-types';
import { snippetHtml } from './snippet';

/** One result, in REST's `data` and GraphQL's `search.data` alike. */
export interface SearchHit {
  type: SearchType;
  documentId: string;
  slug: string;
  /** A person's name. */
  title: string;
  /** HTML-escaped text with the matched words in `<mark>…</mark>`. */
  snippet: string;
  /** 0 to 1, higher is better: ts_rank_cd normalised, or for the fallback the title's word similarity. */
  score: number;
}

export interface SearchAnswer {
  data: SearchHit[];
  meta: {
    pagination: { page: number; pageSize: number; total: number };
    search: {
      /** The hits are titles spelled like the query, because no document matched its words. */
      fallback: boolean;
      /** False when more documents matched than one search ranks (SEARCH_LIMITS.resultWindow): `total` is then that window. */
      totalIsExact: boolean;
    };
  };
}

export interface SearchService {
  search(request: SearchRequest): Promise<SearchAnswer>;
  /** The content types a request reads, by uid: what its answer depends on. */
  uidsOf(request: SearchRequest): string[];
  /** The searched types as stored (after the database is up). */
  searchedTypes(): SearchedType[];
  /** What the index's installation found, after Strapi's schema sync: searches need it. */
  installed(installation: Installed): void;
}

type Knex = Parameters<typeof runSearch>[0];

export function createSearchService(strapi: Core.Strapi): SearchService {
  // Strapi's metadata (table and column names) exists once the database is initialised, at bootstrap.
  let resolved: SearchedType[] | undefined;
  let installation: Installed | undefined;
  const searchedTypes = () => (resolved ??= resolveSearchedTypes(strapi, BLOCKS_TEXT_FUNCTION));
  // A type whose table the index could not reach has no documents to search.
  const chosen = (request: SearchRequest) =>
    searchedTypes().filter((type) => request.types.includes(type.type) && !installation?.unreachable.includes(type.type));

  return {
    searchedTypes,
    installed: (found) => {
      installation = found;
    },
    uidsOf: (request) => chosen(request).map((type) => type.uid),
    async search(request) {
      if (!installation) throw new Error('Search was asked before its index was installed (after the schema sync)');
      const types = chosen(request);
      const raw =
        types.length === 0
          ? { hits: [], matched: 0, fallback: false }
          : // Knex's own types do not describe `raw` on a transaction; this is the part query.ts uses.
            await runSearch(strapi.db.connection as unknown as Knex, types, request, installation.extensions.pg_trgm);
      return {
        data: raw.hits.map((hit) => ({
          type: hit.type,
          documentId: hit.documentId,
          slug: hit.slug,
          title: hit.title,
          snippet: snippetHtml(hit.snippet),
          score: hit.score,
        })),
        meta: {
          pagination: { page: request.page, pageSize: request.pageSize, total: Math.min(raw.matched, SEARCH_LIMITS.resultWindow) },
          search: { fallback: raw.fallback, totalIsExact: raw.matched <= SEARCH_LIMITS.resultWindow },
        },
      };
    },
  };
}
