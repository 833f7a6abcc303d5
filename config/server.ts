import type { Core } from '@strapi/strapi';
import { assertProductionSecrets } from '../src/security/production-secrets';

export default ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Server => {
  // The server config is read before anything listens, so a production start
  // with a missing or placeholder secret stops here, naming every offender.
  assertProductionSecrets(process.env, env('NODE_ENV', 'development'));

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
