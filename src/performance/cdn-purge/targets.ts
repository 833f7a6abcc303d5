import { banPatterns } from './ban-pattern';

/** What one purge asks of a CDN: the tags of a batch, or everything. */
export type PurgeBatch = readonly string[] | '*';

/** One HTTP request of a purge. */
export interface PurgeRequest {
  method: string;
  headers: Record<string, string>;
  body?: string;
}

/** A CDN the CMS purges, and how. */
export interface PurgeTarget {
  /** The metric label and the name in logs. */
  name: 'varnish' | 'webhook';
  /** Where it is, for logs: scheme, host and port, never a path, a query or credentials. */
  where: string;
  url: string;
  /** The requests that purge `batch`; all must succeed. */
  requestsFor(batch: PurgeBatch): PurgeRequest[];
  /**
   * When set, each batch is sent once more this long after it succeeded, in the background: an answer
   * the CMS sent before a write's invalidation may still be on its way into the cache when the ban
   * arrives, and Varnish tests a ban only against objects it already holds.
   */
  repeatAfterMs?: number;
}

/** Most tags in one webhook POST: hosted CDNs' purge APIs cap a call (from 30 to a few hundred tags). */
export const WEBHOOK_MAX_TAGS = 256;
/** Long enough for an answer already written by the CMS to have been stored by Varnish. */
export const VARNISH_REPEAT_AFTER_MS = 2_000;

/**
 * `fetch` refuses URLs with credentials: they travel as Basic authorization instead. The URL that is
 * left keeps its path and query.
 */
function withoutCredentials(url: URL): { url: string; authorization?: string } {
  if (!url.username && !url.password) return { url: url.toString() };
  const plain = new URL(url.toString());
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  plain.username = '';
  plain.password = '';
  return { url: plain.toString(), authorization: `Basic ${Buffer.from(credentials).toString('base64')}` };
}

/** Bans by tag on Varnish: one BAN per X-Ban-Tags value (deploy/varnish/default.vcl). */
export function varnishTarget(varnishUrl: URL): PurgeTarget {
  const { url, authorization } = withoutCredentials(varnishUrl);
  const auth: Record<string, string> = authorization ? { authorization } : {};
  return {
    name: 'varnish',
    where: varnishUrl.origin,
    url,
    repeatAfterMs: VARNISH_REPEAT_AFTER_MS,
    requestsFor(batch) {
      const patterns = batch === '*' ? '*' : banPatterns(batch);
      if (patterns === '*') return [{ method: 'BAN', headers: { ...auth, 'x-ban-all': 'true' } }];
      return patterns.map((pattern) => ({ method: 'BAN', headers: { ...auth, 'x-ban-tags': pattern } }));
    },
  };
}

/**
 * A POST of `{ "tags": [...] }` (at most WEBHOOK_MAX_TAGS a request) or `{ "all": true }`, as JSON, for a
 * hosted CDN's purge API or an adapter in front of one.
 */
export function webhookTarget(webhookUrl: URL, authorizationHeader: string | undefined): PurgeTarget {
  const { url, authorization } = withoutCredentials(webhookUrl);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const sentAuthorization = authorizationHeader ?? authorization;
  if (sentAuthorization) headers.authorization = sentAuthorization;
  return {
    name: 'webhook',
    where: webhookUrl.origin,
    url,
    requestsFor(batch) {
      if (batch === '*') return [{ method: 'POST', headers, body: JSON.stringify({ all: true }) }];
      const tags = [...new Set(batch)].filter((tag) => tag !== '');
      const requests: PurgeRequest[] = [];
      for (let start = 0; start < tags.length; start += WEBHOOK_MAX_TAGS) {
        requests.push({ method: 'POST', headers, body: JSON.stringify({ tags: tags.slice(start, start + WEBHOOK_MAX_TAGS) }) });
      }
      return requests;
    },
  };
}
