import type { Core } from '@strapi/strapi';
import { BODY_LIMIT } from '../src/api-limits';

export default ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Middlewares => [
  'strapi::logger',
  'strapi::errors',
  // Right after strapi::errors: database faults answer 503 with Retry-After (src/platform/database-faults).
  'global::database-faults',
  'strapi::security',
  {
    name: 'strapi::cors',
    // Published content is public, so any origin may read it by default; list the
    // frontends' origins to narrow it.
    config: { origin: env.array('CORS_ORIGINS', ['*']) },
  },
  'strapi::poweredBy',
  'strapi::query',
  {
    name: 'strapi::body',
    config: {
      jsonLimit: BODY_LIMIT,
      formLimit: BODY_LIMIT,
      textLimit: BODY_LIMIT,
    },
  },
  'strapi::session',
  'strapi::favicon',
  'strapi::public',
  // After strapi::errors and strapi::query: refuses malformed REST queries with a 400.
  'global::query-guard',
];
