import type { Core } from '@strapi/strapi';
import { createDevAdmin } from './dev-admin';
import { registerDraftAccess } from './draft-access';
import { registerGraphqlExtensions } from './graphql';
import { grantPublicRead } from './permissions/grant-public-read';
import { registerReadIndexes } from './read-indexes';
import { seedDatabase } from './seed';
import { runStartupChecks } from './startup-checks';
import { registerStatementCounter } from './sql-statements';

/** SEED_ON_BOOTSTRAP=false turns the bootstrap seed off; `npm run seed` still works. */
const seedOnBootstrap = () => process.env.SEED_ON_BOOTSTRAP?.trim().toLowerCase() !== 'false';

export default {
  register({ strapi }: { strapi: Core.Strapi }) {
    runStartupChecks();
    registerStatementCounter(strapi);
    registerReadIndexes(strapi);
    registerDraftAccess(strapi);
    registerGraphqlExtensions(strapi);
  },

  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    await grantPublicRead(strapi);
    await createDevAdmin(strapi);
    if (seedOnBootstrap()) await seedDatabase(strapi);
  },
};
