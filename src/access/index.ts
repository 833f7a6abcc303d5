import type { Core } from '@strapi/strapi';
import { registerCorsPolicy } from './cors';
import { createDevAdmin } from './dev-admin';
import { registerDraftAccess } from './draft-access';
import { grantPublicRead } from './public-read';

/** Who may read what: drafts, cross-origin callers, the Public role, the development admin. */

/** In `register`, before the limits: the draft rule is the first Document Service check. */
export function registerAccess(strapi: Core.Strapi): void {
  registerDraftAccess(strapi);
  registerCorsPolicy(strapi);
}

/** In `bootstrap`: the Public role's read permissions, and the admin named by ADMIN_EMAIL when there is none. */
export async function bootstrapAccess(strapi: Core.Strapi): Promise<void> {
  await grantPublicRead(strapi);
  await createDevAdmin(strapi);
}
