import { asAnswer, assertSafeAnswer } from '../helpers/hostile';
import type { Suite } from '../helpers/strapi';

/**
 * The CORS family shared by cors-default.test.ts (CORS_ORIGINS unset: `*`) and cors-listed.test.ts
 * (a list of origins): every path × every origin × simple request and preflight.
 */

export interface PathCase {
  label: string;
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  /** Open to any origin (without credentials) when `*` is configured. */
  isPublic: boolean;
  /** The status the request gets whatever its Origin (CORS never changes what the server does). */
  status?: number;
}

export const PATHS: PathCase[] = [
  { label: 'REST list', method: 'GET', path: '/api/articles?pagination[pageSize]=1', isPublic: true, status: 200 },
  { label: 'REST auth login', method: 'POST', path: '/api/auth/local', body: { identifier: 'nobody@example.org', password: 'wrong' }, isPublic: true },
  { label: 'GraphQL', method: 'POST', path: '/graphql', body: { query: '{ articles(pagination: { pageSize: 1 }) { title } }' }, isPublic: true, status: 200 },
  { label: 'reader page', method: 'GET', path: '/read/articles/iran-russia-ict-cooperation', isPublic: true, status: 200 },
  { label: 'health check', method: 'GET', path: '/_health', isPublic: true, status: 204 },
  { label: 'preview page', method: 'GET', path: '/preview/articles/nope?status=draft', isPublic: false },
  { label: 'admin access-token', method: 'POST', path: '/admin/access-token', body: {}, isPublic: false },
  { label: 'admin renew-token', method: 'POST', path: '/admin/renew-token', body: { token: 'x' }, isPublic: false },
  { label: 'admin login', method: 'POST', path: '/admin/login', body: { email: 'nobody@example.org', password: 'wrong' }, isPublic: false },
  { label: 'admin users/me', method: 'GET', path: '/admin/users/me', isPublic: false, status: 401 },
  { label: 'admin init', method: 'GET', path: '/admin/init', isPublic: false },
  { label: 'content-manager', method: 'GET', path: '/content-manager/collection-types/api::article.article', isPublic: false },
  { label: 'upload admin', method: 'GET', path: '/upload/files', isPublic: false },
  { label: 'users-permissions admin', method: 'GET', path: '/users-permissions/roles', isPublic: false },
];

/** Origins no configuration lists: look-alikes, `null`, other schemes and ports. */
export const UNLISTED_ORIGINS = [
  'https://evil.example',
  'null',
  'https://www.example.com.evil.org',
  'https://evil.com.example.org',
  'https://evil-www.example.com',
  'https://sub.www.example.com',
  'http://www.example.com',
  'https://www.example.com:8443',
  'https://WWW.EXAMPLE.COM',
  'https://www.example.com/',
  'file://',
  'https://www.example.com%00.evil.org',
];

export type Expectation = { allowOrigin: string | undefined; credentials: boolean };

export function corsCases(origins: string[], expect_: (path: PathCase, origin: string) => Expectation) {
  const cases: Array<[string, PathCase, string, 'simple' | 'preflight', Expectation]> = [];
  for (const path of PATHS) {
    for (const origin of origins) {
      for (const kind of ['simple', 'preflight'] as const) {
        cases.push([`${kind} ${path.label} from ${origin}`, path, origin, kind, expect_(path, origin)]);
      }
    }
  }
  return cases;
}

export async function runCorsCase(suite: Suite, label: string, path: PathCase, origin: string, kind: 'simple' | 'preflight', expected: Expectation) {
  if (kind === 'preflight') {
    const response = await suite.app
      .http()
      .options(path.path)
      .set('Origin', origin)
      .set('Access-Control-Request-Method', path.method === 'GET' ? 'GET' : 'POST')
      .set('Access-Control-Request-Headers', 'content-type,authorization');
    assertSafeAnswer(label, asAnswer(response), { isPublic: true });
    if (expected.allowOrigin === undefined) {
      expect(response.status).toBe(403);
      expect(response.body.error.message).toContain('list the origin in CORS_ORIGINS');
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    } else {
      expect(response.status).toBe(204);
      expect(response.headers['access-control-allow-origin']).toBe(expected.allowOrigin);
      expect(response.headers['access-control-allow-methods']).toContain('POST');
      expect(response.headers['access-control-allow-headers']).toContain('Authorization');
    }
    expect(response.headers['access-control-allow-credentials']).toBe(expected.credentials ? 'true' : undefined);
    return;
  }
  // Twice: the second answer may come from the response cache, which must keep the same headers.
  for (const attempt of [1, 2]) {
    const call = path.method === 'GET' ? suite.app.http().get(path.path) : suite.app.http().post(path.path).send(path.body as object);
    const response = await call.set('Origin', origin);
    assertSafeAnswer(`${label} (#${attempt})`, asAnswer(response), { isPublic: true });
    if (path.status !== undefined) expect(response.status).toBe(path.status);
    expect(response.headers['access-control-allow-origin']).toBe(expected.allowOrigin);
    expect(response.headers['access-control-allow-credentials']).toBe(expected.credentials ? 'true' : undefined);
    expect(String(response.headers.vary ?? '')).toMatch(/\bOrigin\b/i);
  }
}
