import { useStrapi } from '../helpers/strapi';
import { PATHS, UNLISTED_ORIGINS, corsCases, runCorsCase } from './cors-matrix';

/**
 * CORS_ORIGINS unset (`*`): any origin may read the public paths as `Access-Control-Allow-Origin: *`,
 * never with credentials, never by echoing its Origin; the admin's routes and previews are closed to
 * every origin.
 */
const saved = process.env.CORS_ORIGINS;
delete process.env.CORS_ORIGINS;
afterAll(() => {
  if (saved !== undefined) process.env.CORS_ORIGINS = saved;
});
const suite = useStrapi();

const ORIGINS = [...UNLISTED_ORIGINS, 'https://www.example.com', 'http://localhost:1337'];

describe.each(corsCases(ORIGINS, (path) => ({ allowOrigin: path.isPublic ? '*' : undefined, credentials: false })))(
  '%s',
  (label, path, origin, kind, expected) => {
    it('answers the configured policy', () => runCorsCase(suite, label, path, origin, kind, expected));
  },
);

describe('GraphQL has one CORS layer', () => {
  it('answers a single `*`, never the plugin\'s own echo', async () => {
    const response = await suite.app.http().post('/graphql').set('Origin', 'https://evil.example').send({ query: '{ articles { title } }' }).expect(200);
    expect(response.headers['access-control-allow-origin']).toBe('*');
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('every path family is covered', () => {
    expect(PATHS.filter((path) => !path.isPublic).map((path) => path.path)).toEqual(
      expect.arrayContaining(['/admin/access-token', '/admin/renew-token', '/admin/login', '/content-manager/collection-types/api::article.article']),
    );
  });
});

describe('requests without an Origin', () => {
  it.each(PATHS.map((path) => [path.label, path] as const))('%s get no CORS headers', async (_label, path) => {
    const response = path.method === 'GET' ? await suite.app.http().get(path.path) : await suite.app.http().post(path.path).send(path.body as object);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
  });
});
