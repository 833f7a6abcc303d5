import type { Core } from '@strapi/strapi';
import { addAfterSyncStep } from '../../platform/after-sync';
import { registerSearchGraphql } from './graphql';
import { installSearchIndex, type Knex } from './index-schema';
import { declareCacheableQueryField } from '../../performance/response-cache/graphql-reads';
import { registerSearchRoute } from './rest';
import { SEARCHED_UIDS } from './searched-types';
import { createSearchService } from './service';

export { SEARCH_ACTION } from './rest';

/**
 * Search for readers: ranked, highlighted, accent-blind full-text search of
 * articles, people and events in PostgreSQL, over REST (`GET /api/search`) and
 * GraphQL (`search`). How it works: README.md beside this file.
 *
 * In `register`: the REST route and its action, the GraphQL field (declared
 * to the response cache, as the REST route declares each answer), and the
 * after-sync step that keeps the index's table and triggers in place.
 */
export function registerSearch(strapi: Core.Strapi): void {
  const service = createSearchService(strapi);
  registerSearchRoute(strapi, service);
  registerSearchGraphql(strapi, service);
  // GraphQL `search` reads only these types: the response cache keeps its answers, dropped by their writes.
  declareCacheableQueryField('search', SEARCHED_UIDS);
  addAfterSyncStep(strapi, 'search index', async () => {
    const types = service.searchedTypes();
    // Strapi's transaction hands out knex's transaction object; its `raw` answers pg's result.
    const installation = await strapi.db.transaction(({ trx }) => installSearchIndex(trx as unknown as Knex, types));
    service.installed(installation);
    if (installation.rebuilt.length > 0) strapi.log.info(`Search index built for: ${installation.rebuilt.join(', ')}`);
    if (installation.unreachable.length > 0) {
      strapi.log.warn(`Search: no table on the database's search path for ${installation.unreachable.join(', ')}; these types are not searched`);
    }
  });
}
