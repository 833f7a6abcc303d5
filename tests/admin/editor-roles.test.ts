import { adminLogin, bootStrapi, stopStrapi, type TestApp } from '../helpers/strapi';

/** The README's "Editors and authors" section, checked against the roles Strapi creates on first start. */
let app: TestApp;
let jwt: string;
beforeAll(async () => {
  app = await bootStrapi();
  jwt = await adminLogin(app);
});
afterAll(() => stopStrapi(app));

interface Permission {
  action: string;
  subject: string | null;
  conditions: string[];
}

async function permissionsOf(code: string): Promise<Permission[]> {
  const roles = await app.http().get('/admin/roles').set('Authorization', `Bearer ${jwt}`).expect(200);
  const role = (roles.body.data as Array<{ id: number; code: string }>).find((candidate) => candidate.code === code);
  if (!role) throw new Error(`no role ${code}`);
  const response = await app.http().get(`/admin/roles/${role.id}/permissions`).set('Authorization', `Bearer ${jwt}`).expect(200);
  return response.body.data as Permission[];
}

const actionsOn = (permissions: Permission[], subject: string) =>
  permissions
    .filter((permission) => permission.subject === subject)
    .map((permission) => permission.action.replace('plugin::content-manager.explorer.', ''))
    .sort();

describe("Strapi's built-in admin roles", () => {
  it('Editor: creates, reads, updates, deletes and publishes every article; manages every person and event', async () => {
    const editor = await permissionsOf('strapi-editor');
    expect(actionsOn(editor, 'api::article.article')).toEqual(['create', 'delete', 'publish', 'read', 'update']);
    for (const subject of ['api::person.person', 'api::event.event']) {
      // Strapi grants `publish` on every type; people and events have no drafts, so it changes nothing there.
      expect(actionsOn(editor, subject)).toEqual(['create', 'delete', 'publish', 'read', 'update']);
    }
    expect(editor.filter((permission) => permission.subject?.startsWith('api::')).every((permission) => permission.conditions.length === 0)).toBe(true);
  });

  it('Author: the same on entries they created, without publishing', async () => {
    const author = await permissionsOf('strapi-author');
    expect(actionsOn(author, 'api::article.article')).toEqual(['create', 'delete', 'read', 'update']);
    for (const subject of ['api::person.person', 'api::event.event']) {
      expect(actionsOn(author, subject)).toEqual(['create', 'delete', 'read', 'update']);
    }
    const ours = author.filter((permission) => permission.subject?.startsWith('api::'));
    expect(ours.every((permission) => permission.conditions.includes('admin::is-creator'))).toBe(true);
  });
});
