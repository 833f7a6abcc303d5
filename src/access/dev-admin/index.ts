import type { Core } from '@strapi/strapi';

/**
 * Creates the super admin named by ADMIN_EMAIL / ADMIN_PASSWORD when no admin
 * exists yet, so a developer or a browser test can log in at once. Without both
 * variables, or once any admin exists, the stock first-admin screen applies.
 */
export async function createDevAdmin(strapi: Core.Strapi): Promise<void> {
  const email = process.env.ADMIN_EMAIL?.trim();
  const password = process.env.ADMIN_PASSWORD;
  if (!email || !password) return;

  const users = strapi.service('admin::user');
  if (await users.exists()) return;

  // createFirstAdmin locks the super-admin role row, so two processes booting
  // together create one admin; the loser's "already exists" is not an error.
  try {
    await users.createFirstAdmin({
      email: email.toLowerCase(),
      password,
      firstname: process.env.ADMIN_FIRSTNAME ?? 'Admin',
      lastname: process.env.ADMIN_LASTNAME ?? '',
    });
    strapi.log.info(`Created the super admin ${email} from ADMIN_EMAIL`);
  } catch (error) {
    if (await users.exists()) return;
    throw error;
  }
}
