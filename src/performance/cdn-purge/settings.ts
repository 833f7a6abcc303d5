/**
 * What the CDN purge reads from the environment, refused at start when unreadable (the start-up checks call
 * `assertCdnPurgeSettings`), with a message naming the variable and never echoing a value that may hold a
 * secret (a webhook URL can carry a key in its query).
 */

type Env = Record<string, string | undefined>;

export interface CdnPurgeSettings {
  /** Varnish to send bans to (PURGE_VARNISH_URL). */
  varnishUrl?: URL;
  /** A hosted CDN's purge hook, or an adapter in front of one (PURGE_WEBHOOK_URL). */
  webhookUrl?: URL;
  /** The Authorization header sent with each webhook POST (PURGE_WEBHOOK_AUTHORIZATION). */
  webhookAuthorization?: string;
  /** How long a shared cache may keep a public answer, in seconds (CDN_MAX_AGE). */
  maxAgeSeconds: number;
}

export const DEFAULT_CDN_MAX_AGE_SECONDS = 86_400;

/** An http(s) URL with a host, or undefined when unset; anything else stops the start, naming the variable. */
function readUrl(env: Env, name: string): URL | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${name} must be an http:// or https:// URL (such as http://127.0.0.1:6081); the value set is not a URL`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw new Error(`${name} must be an http:// or https:// URL with a host (such as http://127.0.0.1:6081), not a ${url.protocol} URL`);
  }
  return url;
}

export function readCdnPurgeSettings(env: Env = process.env): CdnPurgeSettings {
  const varnishUrl = readUrl(env, 'PURGE_VARNISH_URL');
  const webhookUrl = readUrl(env, 'PURGE_WEBHOOK_URL');
  const webhookAuthorization = env.PURGE_WEBHOOK_AUTHORIZATION?.trim() || undefined;
  if (webhookAuthorization && !webhookUrl) {
    throw new Error('PURGE_WEBHOOK_AUTHORIZATION is set but PURGE_WEBHOOK_URL is not: set the URL, or unset the header');
  }
  if (webhookAuthorization && /[\r\n]/.test(webhookAuthorization)) {
    throw new Error('PURGE_WEBHOOK_AUTHORIZATION must be one header value, on one line');
  }
  const rawMaxAge = env.CDN_MAX_AGE?.trim();
  let maxAgeSeconds = DEFAULT_CDN_MAX_AGE_SECONDS;
  if (rawMaxAge) {
    maxAgeSeconds = Number(rawMaxAge);
    if (!/^\d+$/.test(rawMaxAge) || !Number.isSafeInteger(maxAgeSeconds) || maxAgeSeconds < 1) {
      throw new Error(`CDN_MAX_AGE must be a whole number of seconds of at least 1, not "${rawMaxAge}"`);
    }
  }
  return { varnishUrl, webhookUrl, webhookAuthorization, maxAgeSeconds };
}

/** For the start-up checks: throws on the first unreadable CDN purge setting. */
export function assertCdnPurgeSettings(env: Env = process.env): void {
  readCdnPurgeSettings(env);
}

/** True when some CDN is to be purged. */
export const isCdnPurgeConfigured = (settings: CdnPurgeSettings): boolean => settings.varnishUrl !== undefined || settings.webhookUrl !== undefined;
