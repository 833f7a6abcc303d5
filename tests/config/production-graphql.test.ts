import { bootStrapi, graphql, stopStrapi, type TestApp } from '../helpers/strapi';

let app: TestApp;
const nodeEnv = process.env.NODE_ENV;
beforeAll(async () => {
  // config/plugins.ts reads NODE_ENV when Strapi loads its config.
  process.env.NODE_ENV = 'production';
  app = await bootStrapi();
});
afterAll(async () => {
  await stopStrapi(app);
  process.env.NODE_ENV = nodeEnv;
});

describe('GraphQL in production', () => {
  it('refuses introspection', async () => {
    const result = await graphql(app, '{ __schema { types { name } } }');
    expect(result.status).toBe(400);
    expect(result.errors?.[0].message).toMatch(/introspection is not allowed/);
  });

  it('serves no landing page', async () => {
    const response = await app.http().get('/graphql').set('Accept', 'text/html');
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.text).not.toMatch(/<html/i);
  });

  it('still answers queries', async () => {
    const result = await graphql<{ people: Array<{ name: string }> }>(app, '{ people(filters: { slug: { eq: "ebrahim-raisi" } }) { name } }');
    expect(result.errors).toBeUndefined();
    expect(result.data?.people).toEqual([{ name: 'Ebrahim Raisi' }]);
  });
});
