import type { Core } from '@strapi/strapi';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { GRAPHQL_DEPTH_LIMIT, PAGE_SIZE } from '../src/limits/page-sizes';
import { GRAPHQL_PARSE_OPTIONS } from '../src/limits/graphql-bounds/bounds';
import { graphqlErrorPlugin, graphqlErrorSettings } from '../src/platform/graphql-errors';
import { isGraphqlBatchingEnabled } from '../src/platform/settings';

export default ({ env }: Core.Config.Shared.ConfigParams) => {
  const isProduction = env('NODE_ENV', 'development') === 'production';

  return {
    'users-permissions': {
      config: {
        jwtSecret: env('JWT_SECRET'),
        // Its per-process, in-memory limiter is replaced by the shared budgets of src/limits/rate-limits.
        ratelimit: { enabled: false },
      },
    },
    graphql: {
      config: {
        endpoint: '/graphql',
        shadowCRUD: true,
        // Both limits are set here on purpose: the plugin's documented defaults and its code disagree.
        depthLimit: GRAPHQL_DEPTH_LIMIT,
        defaultLimit: PAGE_SIZE.default,
        maxLimit: PAGE_SIZE.max,
        // `false` would still serve Apollo's production landing page (which loads Apollo
        // Studio from the internet); in production there is no page at all.
        landingPage: isProduction ? () => ApolloServerPluginLandingPageDisabled() : true,
        apolloServer: {
          // No CORS layer of the plugin's own: /graphql follows global::cors (src/access/cors).
          cors: false,
          introspection: !isProduction,
          // No SQL, stack trace or internal message in any error; no "Did you mean" where introspection is off.
          ...graphqlErrorSettings({ hideSuggestions: isProduction }),
          parseOptions: GRAPHQL_PARSE_OPTIONS,
          // Apollo's cache-control plugin times every field of every response to compute cache
          // hints the schema never sets; this project's response cache and ETags do that job.
          // (The plugin concatenates these plugins with its own.) Stock mode keeps Apollo's default.
          plugins: [...(isGraphqlBatchingEnabled() ? [ApolloServerPluginCacheControlDisabled()] : []), graphqlErrorPlugin],
        },
      },
    },
  };
};
