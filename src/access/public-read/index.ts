import type { Core } from '@strapi/strapi';
import { SEARCH_ACTION } from '../../content/search';

/** A content type's REST handlers that only read: its list and one entry. */
export const READ_HANDLERS = ['find', 'findOne'] as const;

/** What anyone may do without a token: read and search published content, nothing else. */
export const PUBLIC_READ_ACTIONS = [
  ...['api::article.article', 'api::person.person', 'api::event.event'].flatMap((uid) => READ_HANDLERS.map((handler) => `${uid}.${handler}`)),
  SEARCH_ACTION,
];

/**
 * Grants the Public role read access to the content types. Idempotent: only
 * missing permissions are added, and nothing an administrator granted or
 * revoked on other actions is touched.
 */
export async function grantPublicRead(strapi: Core.Strapi): Promise<void> {
  const publicRole = await strapi.db
    .query('plugin::users-permissions.role')
    .findOne({ where: { type: 'public' }, select: ['id'] });
  if (!publicRole) {
    throw new Error('The users-permissions Public role does not exist; cannot grant public read access.');
  }

  const granted = await strapi.db.query('plugin::users-permissions.permission').findMany({
    where: { role: publicRole.id, action: { $in: PUBLIC_READ_ACTIONS } },
    select: ['action'],
  });
  const grantedActions = new Set(granted.map((permission: { action: string }) => permission.action));

  for (const action of PUBLIC_READ_ACTIONS.filter((candidate) => !grantedActions.has(candidate))) {
    await strapi.db.query('plugin::users-permissions.permission').create({ data: { action, role: publicRole.id } });
  }
}
