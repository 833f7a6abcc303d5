import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { CorsPolicy } from '../../access/cors';
import { answerHeaders } from './answer-headers';
import type { InvalidationBus } from './invalidation-bus';
import { matchesIfNoneMatch, rawBodyOf, rawGraphqlRequest, variantOf, type RawRequestAliases } from './request-keys';
import type { CachedResponse, ResponseStore } from './store';
import { STATEMENT_HEADER } from '../sql-statements';
import { isStatementHeaderEnabled } from '../../platform/settings';
import { metrics } from '../../platform/metrics';
import { countRequest, UNMATCHED_ROUTE } from '../../platform/metrics/http';

export interface FastPathOptions {
  store: ResponseStore;
  bus: InvalidationBus;
  aliases: RawRequestAliases;
  cors: CorsPolicy;
  restPrefix: string;
  graphqlPath: string;
  publicCacheControl: string;
}

/**
 * Public cache hits answered by the HTTP server itself, before Koa builds a
 * context and before any middleware runs: on a news site almost every request
 * is one of these, and this is where their cost is decided.
 *
 * Only requests without credentials are answered here, and only from entries
 * the Koa middleware stored (so only answers Strapi gave the public), found
 * through the aliases it learnt: the raw URL for REST, the raw body for
 * GraphQL, so a hit parses nothing. Everything else, including a GraphQL
 * body read here that missed, goes on to Koa unchanged; the body travels with
 * the request (request-keys.ts `rawBodyOf`).
 *
 * Every hit answered here is counted in `news_cms_response_cache_fast_path_hits_total`
 * as well as with the other hits, so a test (tests/cache/fast-path.test.ts) and an
 * operator can tell these hits from the Koa middleware's, which answer the same
 * `X-Cache: HIT`.
 *
 * It wraps the HTTP server's one `request` listener, Koa's (Strapi 5.54 creates the
 * server with it, before `register`). If the server has no such listener, or more
 * than one, this throws instead of leaving the cache without its fast path
 * (index.ts turns that into a start-up error).
 */
export function installFastPath(server: Server, options: FastPathOptions): void {
  const listeners = server.listeners('request') as Array<(request: IncomingMessage, response: ServerResponse) => void>;
  if (listeners.length !== 1) {
    throw new Error(
      `the HTTP server has ${listeners.length} 'request' listeners where Strapi 5.54 gives it exactly one (Koa's), so there is nothing certain to wrap`,
    );
  }
  const [koaListener] = listeners;
  const restPrefix = `${options.restPrefix}/`;
  const statementHeader = isStatementHeaderEnabled();
  // Built once per entry, not per hit: the headers of a 304 and of a full answer (the latter with its length).
  const hitHeaders = new WeakMap<CachedResponse, { notModified: Record<string, string>; full: Record<string, string> }>();

  const answer = (request: IncomingMessage, response: ServerResponse, entry: CachedResponse, startedAt: bigint) => {
    metrics.cacheLookups.inc({ result: 'hit' });
    metrics.cacheFastPathHits.inc();
    let headers = hitHeaders.get(entry);
    if (!headers) {
      const notModified = answerHeaders(entry, options.publicCacheControl, 'HIT');
      if (statementHeader) notModified[STATEMENT_HEADER.toLowerCase()] = '0';
      headers = { notModified, full: { ...notModified, 'content-length': String(entry.body.length) } };
      hitHeaders.set(entry, headers);
    }
    if (matchesIfNoneMatch(request.headers['if-none-match'], entry.etag)) {
      response.writeHead(304, headers.notModified);
      response.end();
      countRequest(request.method ?? 'GET', entry.route ?? UNMATCHED_ROUTE, 304, startedAt);
      return;
    }
    response.writeHead(entry.status, headers.full);
    response.end(request.method === 'HEAD' ? undefined : entry.body);
    countRequest(request.method ?? 'GET', entry.route ?? UNMATCHED_ROUTE, entry.status, startedAt);
  };

  const lookUpGraphql = async (request: IncomingMessage, response: ServerResponse, startedAt: bigint) => {
    const body = await rawBodyOf(request);
    const key = body.ok ? options.aliases.get('public', variantOf(request.headers, 'graphql', options.cors, options.graphqlPath), rawGraphqlRequest(request.url ?? '', body.text)) : undefined;
    const entry = key !== undefined && options.bus.ready ? options.store.get(key) : undefined;
    if (entry) answer(request, response, entry, startedAt);
    else koaListener(request, response);
  };

  server.removeListener('request', koaListener);
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (request.headers.authorization === undefined && options.bus.ready) {
      const { method, url = '' } = request;
      if ((method === 'GET' || method === 'HEAD') && url.startsWith(restPrefix)) {
        const queryStart = url.indexOf('?');
        const path = queryStart === -1 ? url : url.slice(0, queryStart);
        const key = options.aliases.get('public', variantOf(request.headers, 'rest', options.cors, path), url);
        const entry = key === undefined ? undefined : options.store.get(key);
        if (entry) return answer(request, response, entry, process.hrtime.bigint());
      } else if (
        method === 'POST' &&
        (url === options.graphqlPath || url.startsWith(`${options.graphqlPath}?`)) &&
        request.headers['content-type']?.startsWith('application/json')
      ) {
        lookUpGraphql(request, response, process.hrtime.bigint()).catch(() => koaListener(request, response));
        return;
      }
    }
    koaListener(request, response);
  });
}
