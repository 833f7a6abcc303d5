import { graphql, useProductionStrapi } from '../helpers/strapi';

const suite = useProductionStrapi();

describe('GraphQL in production', () => {
  it('refuses introspection', async () => {
    const result = await graphql(suite.app, '{ __schema { types { name } } }');
    expect(result.status).toBe(400);
    expect(result.errors?.[0].message).toMatch(/introspection is not allowed/);
  });

  it('serves no landing page', async () => {
    const response = await suite.app.http().get('/graphql').set('Accept', 'text/html');
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.text).not.toMatch(/<html/i);
  });

  it('still answers queries', async () => {
    const result = await graphql<{ people: Array<{ name: string }> }>(suite.app, '{ people(filters: { slug: { eq: "ebrahim-raisi" } }) { name } }');
    expect(result.errors).toBeUndefined();
    expect(result.data?.people).toEqual([{ name: 'Ebrahim Raisi' }]);
  });
});
