import type { Core } from '@strapi/strapi';
import { BODY_LIMIT } from '../src/limits/page-sizes';

export default ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Middlewares => [
  // strapi::logger's line, with preview tokens and secrets taken out of the logged URL.
  'global::request-log',
  'strapi::errors',
  // Right after strapi::errors: database faults answer 503 with Retry-After (src/platform/database-faults).
  'global::database-faults',
  'strapi::security',
  // Strapi requires this name; its policy is src/access/cors (CORS_ORIGINS): `*` opens the public
  // paths without credentials, listed origins get credentials everywhere, the admin's routes included.
  'strapi::cors',
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
  // After strapi::body (login budgets read the identifier): shared rate limits (src/limits/rate-limits).
  'global::rate-limit',
  'strapi::session',
  'strapi::favicon',
  'strapi::public',
  // After strapi::errors and strapi::query: refuses malformed REST queries with a 400.
  'global::query-guard',
];
