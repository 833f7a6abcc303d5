import { useStrapi } from '../helpers/strapi';
import { UNLISTED_ORIGINS, corsCases, runCorsCase } from './cors-matrix';

/**
 * CORS_ORIGINS set to a list: the listed origins get their own origin back with credentials on every
 * path (the admin's routes included); every other origin gets no CORS headers anywhere, and its
 * preflights are refused. `/graphql` follows the same list (no `*` of the GraphQL plugin's own).
 */
const LISTED = ['https://www.example.com', 'https://preview.example.com'];
const saved = process.env.CORS_ORIGINS;
process.env.CORS_ORIGINS = `${LISTED.join(', ')}/`;
afterAll(() => {
  if (saved === undefined) delete process.env.CORS_ORIGINS;
  else process.env.CORS_ORIGINS = saved;
});
const suite = useStrapi();

describe.each(corsCases(LISTED, () => ({ allowOrigin: undefined, credentials: false })).map(([label, path, origin, kind]) => {
  return [label, path, origin, kind, { allowOrigin: origin, credentials: true }] as const;
}))('%s', (label, path, origin, kind, expected) => {
  it('answers the listed origin with credentials', () => runCorsCase(suite, label, path, origin, kind, expected));
});

describe.each(corsCases(UNLISTED_ORIGINS, () => ({ allowOrigin: undefined, credentials: false })))('%s', (label, path, origin, kind, expected) => {
  it('answers no CORS headers', () => runCorsCase(suite, label, path, origin, kind, expected));
});
