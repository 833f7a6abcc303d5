import type { Context, Next } from 'koa';
import { LRUCache } from 'lru-cache';
import { bodyOf } from '../../performance/response-cache/request-keys';
import { documentProblem, type DocumentProblem } from './document-checks';

type Verdict = DocumentProblem | 'ok';

/**
 * The GraphQL endpoint's front door, ahead of the body parser, the
 * authentication and Apollo (the response cache before it only looks answers
 * up, with a token-bounded parse; a refusal is never stored). It refuses with a
 * 400 and a GraphQL-shaped JSON
 * error (`{ errors: [{ message, extensions: { code } }] }`):
 * - a JSON body that is not one operation object (`null`, a number, a string,
 *   an array: batching is off);
 * - a document past a bound or with a fragment cycle, an unknown fragment or a
 *   subscription (document-checks.ts).
 * Everything else (a missing query, mistyped variables, an unknown operation
 * name, a GET with a mutation) Apollo already answers with a 4xx.
 *
 * The verdict on each document is remembered, bounded in bytes as well as
 * entries: documents are the caller's to make long.
 */
export function createGraphqlRequestGuard(graphqlPath: string) {
  const verdicts = new LRUCache<string, Verdict>({
    max: 5_000,
    maxSize: 8 * 1024 * 1024,
    // Two bytes a character, at most, plus the verdict.
    sizeCalculation: (verdict, query) => 2 * query.length + (verdict === 'ok' ? 16 : 2 * verdict.message.length + 64),
    maxEntrySize: 1024 * 1024,
  });
  const verdictOn = (query: string): DocumentProblem | null => {
    let verdict = verdicts.get(query);
    if (verdict === undefined) {
      verdict = documentProblem(query) ?? 'ok';
      verdicts.set(query, verdict);
    }
    return verdict === 'ok' ? null : verdict;
  };

  return async function graphqlRequestGuard(ctx: Context, next: Next) {
    if (ctx.path !== graphqlPath && ctx.path !== `${graphqlPath}/`) return next();

    let query: unknown;
    if (ctx.method === 'POST' && ctx.is('application/json') === 'application/json') {
      const body = await bodyOf(ctx.req);
      if (!body.ok) return refuse(ctx, body.status, body.message, body.status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST');
      if (Array.isArray(body.value)) {
        return refuse(ctx, 400, 'Batched operations are not accepted: send one operation object per request', 'BAD_REQUEST');
      }
      if (body.value === null || typeof body.value !== 'object') {
        return refuse(ctx, 400, 'The request body must be a JSON object with a "query" string', 'BAD_REQUEST');
      }
      // The GraphQL plugin's body parser takes the body as read; Strapi's own body parser
      // would try to read the consumed stream again on any other URL than the bare endpoint
      // (a query string, a trailing slash). A POST's query string means nothing to GraphQL.
      ctx.request.body = body.value;
      if (ctx.url !== graphqlPath) ctx.url = graphqlPath;
      query = (body.value as { query?: unknown }).query;
    } else if (ctx.method === 'GET' || ctx.method === 'HEAD') {
      query = ctx.query.query;
    }

    if (typeof query === 'string') {
      const problem = verdictOn(query);
      if (problem) return refuse(ctx, 400, problem.message, problem.code);
    }
    return next();
  };
}

function refuse(ctx: Context, status: number, message: string, code: string): void {
  ctx.status = status;
  ctx.set('Cache-Control', 'no-store');
  ctx.body = { errors: [{ message, extensions: { code } }] };
}
