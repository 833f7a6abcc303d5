import type { Core } from '@strapi/strapi';
import { readFlag } from '../platform/settings';
import { applyAdminLayouts } from './admin-layout';
import { registerReaderPages } from './reader';
import { registerSearch } from './search';
import { seedDatabase } from './seed';
import { registerContentValidation } from './validation';

/** What editors and readers see: validation messages, reader pages, search, admin views, seed content. */

/** In `register`, after access and limits: validation is the last Document Service check before a write. */
export function registerContent(strapi: Core.Strapi): void {
  registerContentValidation(strapi);
  registerReaderPages(strapi);
  // After the limits: their GraphQL pagination check wraps the search field too.
  registerSearch(strapi);
}

/** In `bootstrap`: the admin views, then the seed (SEED_ON_BOOTSTRAP=false skips it; `npm run seed` still works). */
export async function bootstrapContent(strapi: Core.Strapi): Promise<void> {
  await applyAdminLayouts(strapi);
  if (readFlag('SEED_ON_BOOTSTRAP')) await seedDatabase(strapi);
}
