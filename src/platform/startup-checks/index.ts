import { assertCdnPurgeSettings } from '../../performance/cdn-purge/settings';
import { assertFlags } from '../settings';
import { assertDatabaseUrl } from './database-url';
import { assertProductionSecrets } from './production-secrets';

/**
 * Checks run first when the app registers, before any plugin touches the
 * database. They live here rather than in config/ because `strapi build`
 * loads the config too, and a build needs neither a database nor secrets.
 */
export function runStartupChecks(env: Record<string, string | undefined> = process.env): void {
  // Every boolean switch at once, before any module reads one: a bad value names its variable.
  assertFlags(env);
  assertProductionSecrets(env, env.NODE_ENV ?? 'development');
  assertDatabaseUrl(env);
  // PURGE_VARNISH_URL, PURGE_WEBHOOK_URL and CDN_MAX_AGE, even with the response cache off.
  assertCdnPurgeSettings(env);
}
