import type { Core } from '@strapi/strapi';
import { publicCacheControl, withoutSharedFreshness } from './cache-control';
import { TargetPurger } from './purger';
import { isCdnPurgeConfigured, readCdnPurgeSettings } from './settings';
import { varnishTarget, webhookTarget, type PurgeTarget } from './targets';

/**
 * Purging the CDN tier in front of the CMS by tag, before a write is acknowledged.
 *
 * Public answers name what they hold in `Cache-Tag` (src/performance/response-cache). On every
 * invalidation the response cache hands the same tags here, once every process has dropped its own
 * copies; the write's answer waits for this purge too (the invalidation bus tracks it). Targets:
 *
 * - PURGE_VARNISH_URL: `BAN` requests to Varnish, matching whole tags of `Cache-Tag`
 *   (deploy/varnish/default.vcl; `npm run cdn:varnish` starts one), sent once more two seconds later;
 * - PURGE_WEBHOOK_URL: a JSON POST, `{ "tags": [...] }` or `{ "all": true }`, with
 *   PURGE_WEBHOOK_AUTHORIZATION as its Authorization header when set, for a hosted CDN's purge API.
 *
 * With either set, public answers may be kept by shared caches for CDN_MAX_AGE (cache-control.ts).
 * Failures never fail the write: see purger.ts.
 */

export interface CdnPurger {
  /**
   * Purges `tags` (exactly as they appear in public answers' Cache-Tag headers), or everything, from every
   * configured CDN. Resolves once each has taken it or given up after its retries; never rejects.
   */
  purge(tags: readonly string[] | '*'): Promise<void>;
  /** Stops the background work (repeats, bans of everything still owed). */
  stop(): void;
}

/** The purger for the configured CDNs, or undefined when neither PURGE_VARNISH_URL nor PURGE_WEBHOOK_URL is set. */
export function createCdnPurger(strapi: Core.Strapi): CdnPurger | undefined {
  const settings = readCdnPurgeSettings();
  if (!isCdnPurgeConfigured(settings)) return undefined;
  const targets: PurgeTarget[] = [];
  if (settings.varnishUrl) targets.push(varnishTarget(settings.varnishUrl));
  if (settings.webhookUrl) targets.push(webhookTarget(settings.webhookUrl, settings.webhookAuthorization));
  const purgers = targets.map((target) => new TargetPurger(target, strapi.log));
  strapi.log.info(
    `CDN purge: ${targets.map((target) => `${target.name} at ${target.where}`).join(' and ')}, on every invalidation; ` +
      `public answers carry Cache-Control "${publicCacheControl(true)}"`,
  );
  return {
    async purge(tags) {
      await Promise.all(purgers.map((purger) => purger.purge(tags)));
    },
    stop() {
      for (const purger of purgers) purger.stop();
    },
  };
}

export { publicCacheControl, withoutSharedFreshness };
export { assertCdnPurgeSettings } from './settings';
