import type { Core } from '@strapi/strapi';
import { PAGE_SIZE } from '../src/limits/page-sizes';

export default (_params: Core.Config.Shared.ConfigParams): Core.Config.Api => ({
  rest: {
    prefix: '/api',
    defaultLimit: PAGE_SIZE.default,
    maxLimit: PAGE_SIZE.max,
    withCount: true,
    // Unknown top-level query parameters are refused with a 400 instead of being ignored.
    strictParams: true,
  },
  documents: {
    // A Document Service call with a misspelt parameter fails instead of silently doing less.
    strictParams: true,
  },
});
