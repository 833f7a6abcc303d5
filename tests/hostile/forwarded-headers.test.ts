import { asAnswer, assertSafeAnswer } from '../helpers/hostile';
import { useStrapi } from '../helpers/strapi';

/**
 * Hostile X-Forwarded-For and Origin values behind one trusted proxy (PROXY_HOPS=1): whatever the
 * client writes, the request is answered as usual (never a 5xx), and the CORS answer stays the policy's.
 */
const saved = process.env.PROXY_HOPS;
process.env.PROXY_HOPS = '1';
afterAll(() => {
  if (saved === undefined) delete process.env.PROXY_HOPS;
  else process.env.PROXY_HOPS = saved;
});
const suite = useStrapi();

const FORWARDED = [
  '',
  ',',
  ' , , ',
  'not-an-address',
  '999.999.999.999',
  '[2001:db8::1]:443',
  '2001:db8::1',
  '::ffff:10.0.0.1',
  '::1',
  'unknown',
  '"><script>alert(1)</script>',
  "1.1.1.1' OR '1'='1",
  Array.from({ length: 500 }, (_, index) => `10.0.${Math.floor(index / 256)}.${index % 256}`).join(', '),
  'a'.repeat(4000),
  '1.1.1.1,,,,2.2.2.2',
  '%31%2e%31%2e%31%2e%31',
  '1.1.1.1\t2.2.2.2',
];
const ORIGINS = ['x'.repeat(3000), 'https://', 'javascript:alert(1)', 'https://a.example/path?q=1', 'https://[::1]:1337', '*', 'https://*.example.com'];
const PATHS = ['/api/articles?pagination[pageSize]=1', '/read/articles/iran-russia-ict-cooperation', '/admin/init'];

describe.each(FORWARDED.flatMap((value) => PATHS.map((path) => [`X-Forwarded-For ${JSON.stringify(value.slice(0, 40))} on ${path}`, value, path] as const)))(
  '%s',
  (label, value, path) => {
    it('is answered as usual', async () => {
      const response = await suite.app.http().get(path).set('X-Forwarded-For', value);
      assertSafeAnswer(label, asAnswer(response), { isPublic: true });
      expect(response.status).toBe(200);
    });
  },
);

describe.each(ORIGINS.flatMap((origin) => PATHS.map((path) => [`Origin ${JSON.stringify(origin.slice(0, 40))} on ${path}`, origin, path] as const)))(
  '%s',
  (label, origin, path) => {
    it('gets `*` on public paths and nothing on the admin, never credentials', async () => {
      const response = await suite.app.http().get(path).set('Origin', origin);
      assertSafeAnswer(label, asAnswer(response), { isPublic: true });
      expect(response.status).toBe(200);
      expect(response.headers['access-control-allow-origin']).toBe(path.startsWith('/admin') ? undefined : '*');
      expect(response.headers['access-control-allow-credentials']).toBeUndefined();
    });
  },
);
