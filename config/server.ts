import type { Core } from '@strapi/strapi';

export default ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Server => {
  return {
    host: env('HOST', '0.0.0.0'),
    port: env.int('PORT', 1337),
    url: env('PUBLIC_URL', ''),
    proxy: env.bool('IS_PROXIED', false),
    app: {
      keys: env.array('APP_KEYS', []),
    },
    // Nothing outside the package registries is reachable: never wait on an update check.
    logger: { updates: { enabled: false }, startup: { enabled: true } },
  };
};
