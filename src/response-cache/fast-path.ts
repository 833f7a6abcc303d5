import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { InvalidationBus } from './invalidation-bus';
import { asGraphqlBody, bodyOf, graphqlKey, matchesIfNoneMatch, type RawUrlAliases } from './request-keys';
import type { CachedResponse, ResponseStore } from './store';
import { STATEMENT_HEADER } from '../sql-statements';
import { isStatementHeaderEnabled } from '../performance-settings';

export interface FastPathOptions {
  store: ResponseStore;
  bus: InvalidationBus;
  aliases: RawUrlAliases;
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
 * through the same keys: the raw URL's alias for REST, the body for GraphQL.
 * Everything else, including a GraphQL body read here that missed, goes on to
 * Koa unchanged; the body travels with the request (request-keys.ts `bodyOf`).
 */
export function installFastPath(server: Server, options: FastPathOptions): void {
  const [koaListener] = server.listeners('request') as Array<(request: IncomingMessage, response: ServerResponse) => void>;
  if (!koaListener) return;
  const restPrefix = `${options.restPrefix}/`;
  const statementHeader = isStatementHeaderEnabled();
  const hitHeaders = new WeakMap<CachedResponse, Record<string, string>>();

  const answer = (request: IncomingMessage, response: ServerResponse, entry: CachedResponse) => {
    let headers = hitHeaders.get(entry);
    if (!headers) {
      headers = { ...entry.headers, 'cache-control': options.publicCacheControl, 'x-cache': 'HIT' };
      if (statementHeader) headers[STATEMENT_HEADER.toLowerCase()] = '0';
      hitHeaders.set(entry, headers);
    }
    if (matchesIfNoneMatch(request.headers['if-none-match'], entry.etag)) {
      response.writeHead(304, headers);
      response.end();
      return;
    }
    response.writeHead(entry.status, { ...headers, 'content-length': String(entry.body.length) });
    response.end(request.method === 'HEAD' ? undefined : entry.body);
  };

  const lookUpGraphql = async (request: IncomingMessage, response: ServerResponse) => {
    const body = await bodyOf(request);
    const graphql = body.ok ? asGraphqlBody(body.value) : null;
    const entry = graphql && options.bus.ready ? options.store.get(graphqlKey('public', request.headers.origin ?? '', graphql)) : undefined;
    if (entry) answer(request, response, entry);
    else koaListener(request, response);
  };

  server.removeListener('request', koaListener);
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (request.headers.authorization === undefined && options.bus.ready) {
      const { method, url = '' } = request;
      if ((method === 'GET' || method === 'HEAD') && url.startsWith(restPrefix)) {
        const key = options.aliases.get('public', request.headers.origin ?? '', url);
        const entry = key === undefined ? undefined : options.store.get(key);
        if (entry) return answer(request, response, entry);
      } else if (
        method === 'POST' &&
        (url === options.graphqlPath || url.startsWith(`${options.graphqlPath}?`)) &&
        request.headers['content-type']?.startsWith('application/json')
      ) {
        lookUpGraphql(request, response).catch(() => koaListener(request, response));
        return;
      }
    }
    koaListener(request, response);
  });
}
