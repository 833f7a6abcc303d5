import type { Core } from '@strapi/strapi';
import { BODY_LIMIT } from '../src/api-limits';

export default (_params: Core.Config.Shared.ConfigParams): Core.Config.Middlewares => [
  'strapi::logger',
  'strapi::errors',
  'strapi::security',
  'strapi::cors',
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
