import { useStrapi } from '../helpers/strapi';

/**
 * The counter store cannot be reached (REDIS_URL at a closed port): sign-in budgets refuse with a
 * 503 naming the budget (no unlimited guessing while the limits cannot be checked), reads go on
 * under each process's own counters, and the log says why.
 */
const saved = { REDIS_URL: process.env.REDIS_URL, RATE_LIMIT_PUBLIC: process.env.RATE_LIMIT_PUBLIC };
process.env.REDIS_URL = 'redis://127.0.0.1:1';
process.env.RATE_LIMIT_PUBLIC = '5/1m';
afterAll(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});
const suite = useStrapi();
const warnings: string[] = [];
beforeAll(() => {
  jest.spyOn(suite.app.strapi.log, 'warn').mockImplementation(((message: string) => void warnings.push(String(message))) as never);
});
afterAll(() => jest.restoreAllMocks());

it('refuses logins with a 503 and Retry-After, naming the budget', async () => {
  const response = await suite.app.http().post('/api/auth/local').send({ identifier: 'someone@example.org', password: 'wrong' });
  expect(response.status).toBe(503);
  expect(response.headers['retry-after']).toBe('5');
  expect(response.body.error.name).toBe('ServiceUnavailableError');
  expect(response.body.error.message).toMatch(/^The "login(-identifier)?" rate limit cannot be checked right now/);
  const admin = await suite.app.http().post('/admin/login').send({ email: 'someone@example.org', password: 'wrong' });
  expect(admin.status).toBe(503);
});

it('keeps serving reads, counted in the process, and logs why', async () => {
  const statuses: number[] = [];
  for (let index = 0; index < 5; index += 1) {
    statuses.push((await suite.app.http().get(`/api/people?filters[slug][$eq]=store-down-${index}`)).status);
  }
  // The process's own budget (5 a minute) still holds; the refused login above (an /api request) spent one.
  expect(statuses).toEqual([200, 200, 200, 200, 429]);
  expect(warnings.join('\n')).toContain('rate limits: the redis store cannot be reached');
});
