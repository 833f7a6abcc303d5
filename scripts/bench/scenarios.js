// @ts-check
/**
 * The benchmark's requests, shared by the harness, the raw baseline and the
 * ceiling server, so every target answers exactly the same requests.
 */

/** Entries per page in S1, S2 and S4: Strapi's default page size here (src/limits/page-sizes). */
const PAGE_SIZE = 25;

const GRAPHQL_QUERY =
  '{ articles(pagination: { pageSize: 25 }) { documentId title people { name } events { title participants { name } } } }';

/**
 * @typedef {object} Scenario
 * @property {'S1' | 'S2' | 'S3' | 'S4'} id
 * @property {string} title
 * @property {'GET' | 'POST'} method
 * @property {string} path
 * @property {string} [body]
 * @property {Record<string, string>} [headers]
 */

/**
 * @param {string} slug the article S3 reads (the same for every request and every target)
 * @returns {Scenario[]}
 */
function readScenarios(slug) {
  return [
    {
      id: 'S1',
      title: 'REST list of 25',
      method: 'GET',
      path: `/api/articles?pagination[pageSize]=${PAGE_SIZE}`,
    },
    {
      id: 'S2',
      title: 'REST list of 25, people and events populated',
      method: 'GET',
      path: `/api/articles?pagination[pageSize]=${PAGE_SIZE}&populate[people]=true&populate[events]=true`,
    },
    {
      id: 'S3',
      title: 'REST one article by slug, everything populated',
      method: 'GET',
      path: oneBySlugPath(slug),
    },
    {
      id: 'S4',
      title: 'GraphQL 25 articles with people and events (participants)',
      method: 'POST',
      path: '/graphql',
      body: JSON.stringify({ query: GRAPHQL_QUERY }),
      headers: { 'content-type': 'application/json' },
    },
  ];
}

/** S3's request for one slug: people, events and the events' participants. */
const oneBySlugPath = (/** @type {string} */ slug) =>
  `/api/articles?filters[slug][$eq]=${encodeURIComponent(slug)}&populate[people]=true&populate[events][populate][participants]=true`;

module.exports = { readScenarios, oneBySlugPath, GRAPHQL_QUERY, PAGE_SIZE };
