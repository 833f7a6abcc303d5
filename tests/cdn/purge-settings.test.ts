import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { publicCacheControl, withoutSharedFreshness } from '../../src/performance/cdn-purge/cache-control';
import { readCdnPurgeSettings } from '../../src/performance/cdn-purge/settings';
import { runStartupChecks } from '../../src/platform/startup-checks';
import { APP_ROOT, STRAPI_BIN } from '../helpers/paths';

/**
 * The CDN purge's settings are read at start, and a malformed one stops the start naming its variable,
 * without echoing a value that may hold a key; and what public answers tell caches follows from them.
 */
const base = { NODE_ENV: 'test', DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused' };
const SECRET = 'k3y-in-the-query';

describe('CDN purge settings', () => {
  it.each([
    ['PURGE_VARNISH_URL', 'not a url', /^PURGE_VARNISH_URL must be an http:\/\/ or https:\/\/ URL/],
    ['PURGE_VARNISH_URL', 'ftp://127.0.0.1:6081', /^PURGE_VARNISH_URL must be an http:\/\/ or https:\/\/ URL with a host.*not a ftp: URL/],
    ['PURGE_VARNISH_URL', '127.0.0.1:6081', /^PURGE_VARNISH_URL must be an http:\/\/ or https:\/\/ URL/],
    ['PURGE_WEBHOOK_URL', `htp//purge.example.com/?key=${SECRET}`, /^PURGE_WEBHOOK_URL must be an http:\/\/ or https:\/\/ URL/],
    ['PURGE_WEBHOOK_URL', `file:///etc/passwd?key=${SECRET}`, /^PURGE_WEBHOOK_URL must be an http:\/\/ or https:\/\/ URL with a host/],
    ['CDN_MAX_AGE', '1d', /^CDN_MAX_AGE must be a whole number of seconds of at least 1, not "1d"/],
    ['CDN_MAX_AGE', '0', /^CDN_MAX_AGE must be a whole number of seconds/],
  ])('%s=%s stops the start, naming the variable', (name, value, message) => {
    const run = () => runStartupChecks({ ...base, [name]: value });
    expect(run).toThrow(message);
    try {
      run();
    } catch (error) {
      expect((error as Error).message).not.toContain(SECRET);
    }
  });

  it('a webhook authorization without a webhook is refused, and so is one spanning lines', () => {
    expect(() => runStartupChecks({ ...base, PURGE_WEBHOOK_AUTHORIZATION: 'Bearer x' })).toThrow(/PURGE_WEBHOOK_AUTHORIZATION is set but PURGE_WEBHOOK_URL is not/);
    expect(() =>
      runStartupChecks({ ...base, PURGE_WEBHOOK_URL: 'https://purge.example.com/', PURGE_WEBHOOK_AUTHORIZATION: 'Bearer x\r\nX-Injected: yes' }),
    ).toThrow(/PURGE_WEBHOOK_AUTHORIZATION must be one header value/);
  });

  it('well-formed settings are read as given', () => {
    expect(runStartupChecks({ ...base, PURGE_VARNISH_URL: 'http://127.0.0.1:6081', PURGE_WEBHOOK_URL: `https://purge.example.com/hook?key=${SECRET}` })).toBeUndefined();
    const settings = readCdnPurgeSettings({ PURGE_VARNISH_URL: ' http://varnish.internal:6081 ', CDN_MAX_AGE: '600', PURGE_WEBHOOK_URL: '', PURGE_WEBHOOK_AUTHORIZATION: '' });
    expect({ varnish: settings.varnishUrl?.toString(), webhook: settings.webhookUrl, maxAge: settings.maxAgeSeconds }).toEqual({
      varnish: 'http://varnish.internal:6081/',
      webhook: undefined,
      maxAge: 600,
    });
  });

  it('a Strapi started with a malformed PURGE_VARNISH_URL refuses to start, naming it', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', PORT: '0', PURGE_VARNISH_URL: 'varnish:6081' };
    let output = '';
    let code = 0;
    try {
      await promisify(execFile)(process.execPath, [STRAPI_BIN, 'start'], { cwd: APP_ROOT, env, timeout: 60_000 });
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      code = failed.code ?? -1;
      output = `${failed.stdout ?? ''}${failed.stderr ?? ''}`;
    }
    expect(code).not.toBe(0);
    expect(output).toContain('PURGE_VARNISH_URL must be an http:// or https:// URL');
  });
});

describe("public answers' Cache-Control", () => {
  it('revalidates everywhere without a purger; lets shared caches keep answers for CDN_MAX_AGE with one', () => {
    expect(publicCacheControl(false, {})).toBe('public, max-age=0, must-revalidate');
    expect(publicCacheControl(true, {})).toBe('public, max-age=0, s-maxage=86400, must-revalidate');
    expect(publicCacheControl(true, { CDN_MAX_AGE: '600' })).toBe('public, max-age=0, s-maxage=600, must-revalidate');
  });

  it("CACHE_CONTROL is the operator's, with or without a purger", () => {
    expect(publicCacheControl(true, { CACHE_CONTROL: ' public, max-age=60 ' })).toBe('public, max-age=60');
    expect(publicCacheControl(false, { CACHE_CONTROL: 'no-cache' })).toBe('no-cache');
  });

  it('an answer that may predate a purge keeps its browser freshness but none for shared caches', () => {
    expect(withoutSharedFreshness('public, max-age=0, s-maxage=86400, must-revalidate')).toBe('public, max-age=0, must-revalidate, s-maxage=0');
    expect(withoutSharedFreshness('public, max-age=60')).toBe('public, max-age=60, s-maxage=0');
    expect(withoutSharedFreshness('public,S-MAXAGE = 10,max-age=5')).toBe('public, max-age=5, s-maxage=0');
  });
});
