import type { Core } from '@strapi/strapi';
import { BODY_LIMIT } from '../src/api-limits';

export default ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Middlewares => [
  'strapi::logger',
  'strapi::errors',
  'strapi::security',
  {
    name: 'strapi::cors',
    // Published content is public, so any origin may read it by default; list the
    // frontends' origins to narrow it.
    config: { origin: env.array('CORS_ORIGINS', ['*']) },
  },
  'strapi::poweredBy',
  'strapi::query',
  // Before strapi::body: refuses malformed GraphQL requests and documents past a bound with a 400.
  'global::graphql-request-guard',
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
