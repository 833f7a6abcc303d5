import type { Core } from '@strapi/strapi';
import { proxyHops } from '../src/platform/proxy';

export default ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Server => {
  // PROXY_HOPS trusted proxies (IS_PROXIED=true: one): Koa's ctx.ip is then the entry of
  // X-Forwarded-For that the outermost trusted proxy wrote, never one the client chose.
  const hops = proxyHops();
  return {
    host: env('HOST', '0.0.0.0'),
    port: env.int('PORT', 1337),
    url: env('PUBLIC_URL', ''),
    proxy: { koa: hops > 0, maxIpsCount: hops },
    app: {
      keys: env.array('APP_KEYS', []),
    },
    // Nothing outside the package registries is reachable: never wait on an update check.
    logger: { updates: { enabled: false }, startup: { enabled: true } },
  };
};
