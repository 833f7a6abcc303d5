import { applyAdminLayouts } from '../../src/content/admin-layout';
import { adminLogin, bootStrapi, stopStrapi, type TestApp } from '../helpers/strapi';

interface ViewConfiguration {
  settings: Record<string, unknown> & { mainField: string; defaultSortBy: string; defaultSortOrder: string };
  metadatas: Record<string, { edit: Record<string, unknown> & { label: string; description: string; mainField?: string }; list: Record<string, unknown> & { label: string } }>;
  layouts: { list: string[]; edit: Array<Array<{ name: string; size: number }>> };
}

let app: TestApp | undefined;
let adminToken: string;

async function boot() {
  app = await bootStrapi();
  adminToken = await adminLogin(app);
  return app;
}

const configurationPath = (uid: string) => `/content-manager/content-types/${uid}/configuration`;

async function configurationOf(uid: string): Promise<ViewConfiguration> {
  const response = await app!.http().get(configurationPath(uid)).set('Authorization', `Bearer ${adminToken}`).expect(200);
  return response.body.data.contentType as ViewConfiguration;
}

/** What the admin's "Configure the view" page sends when an editor saves it. */
async function saveAsEditor(uid: string, change: (configuration: ViewConfiguration) => void) {
  const configuration = await configurationOf(uid);
  change(configuration);
  const { settings, metadatas, layouts } = configuration;
  // The GET adds the relations' `list.mainField` for display; the admin leaves it out when saving.
  for (const meta of Object.values(metadatas)) delete meta.list.mainField;
  const response = await app!
    .http()
    .put(configurationPath(uid))
    .set('Authorization', `Bearer ${adminToken}`)
    .send({ settings, metadatas, layouts });
  if (response.status !== 200) throw new Error(`saving the configuration failed: ${response.status} ${response.text}`);
}

const editRows = (configuration: ViewConfiguration) => configuration.layouts.edit.map((row) => row.map((field) => field.name));

beforeAll(boot);
afterAll(() => stopStrapi(app));

describe('the admin layout applied at bootstrap', () => {
  it('lists articles by title, date and source, newest first', async () => {
    const article = await configurationOf('api::article.article');
    expect(article.layouts.list).toEqual(['title', 'publishedDate', 'source']);
    expect(article.settings).toMatchObject({ mainField: 'title', defaultSortBy: 'publishedDate', defaultSortOrder: 'DESC', searchable: true });
  });

  it('lists people by name, role and country, and events by title, start date, precision and location, newest first', async () => {
    const person = await configurationOf('api::person.person');
    expect(person.layouts.list).toEqual(['name', 'role', 'country']);
    expect(person.settings).toMatchObject({ mainField: 'name' });
    const event = await configurationOf('api::event.event');
    expect(event.layouts.list).toEqual(['title', 'startDate', 'datePrecision', 'location']);
    expect(event.settings).toMatchObject({ mainField: 'title', defaultSortBy: 'startDate', defaultSortOrder: 'DESC' });
  });

  it('groups the edit forms: text first, then dates and place, then relations', async () => {
    expect(editRows(await configurationOf('api::article.article'))).toEqual([
      ['title'], ['slug'], ['summary'], ['body'], ['publishedDate', 'dateline', 'source'], ['people', 'events'],
    ]);
    expect(editRows(await configurationOf('api::event.event'))).toEqual([
      ['title', 'slug'], ['description'], ['startDate', 'endDate', 'datePrecision'], ['location', 'country'], ['participants', 'articles'],
    ]);
  });

  it('labels and explains the fields, and shows names and titles in relation pickers', async () => {
    const event = await configurationOf('api::event.event');
    expect(event.metadatas.datePrecision.edit.label).toBe('Date precision');
    expect(event.metadatas.datePrecision.edit.description).toMatch(/month \("June 2022", enter the 1st\) or year \("1521"/);
    expect(event.metadatas.participants.edit).toMatchObject({ label: 'Participants', mainField: 'name' });
    const article = await configurationOf('api::article.article');
    expect(article.metadatas.publishedDate.list.label).toBe('Date');
    expect(article.metadatas.people.edit).toMatchObject({ label: 'People mentioned', mainField: 'name' });
    expect(article.metadatas.events.edit).toMatchObject({ label: 'Events reported', mainField: 'title' });
  });

  it('keeps a layout an editor changed in the admin panel when Strapi starts again', async () => {
    await saveAsEditor('api::article.article', (configuration) => {
      configuration.layouts.list = ['title', 'slug'];
      configuration.metadatas.summary.edit.label = 'Standfirst';
      configuration.settings.defaultSortBy = 'title';
      configuration.settings.defaultSortOrder = 'ASC';
    });

    await stopStrapi(app);
    app = undefined;
    await boot();

    const article = await configurationOf('api::article.article');
    expect(article.layouts.list).toEqual(['title', 'slug']);
    expect(article.metadatas.summary.edit.label).toBe('Standfirst');
    expect(article.settings).toMatchObject({ defaultSortBy: 'title', defaultSortOrder: 'ASC' });
    // The types nobody changed still have the project's layout.
    expect((await configurationOf('api::person.person')).layouts.list).toEqual(['name', 'role', 'country']);
  });

  it('replaces an editor\'s layout only when ADMIN_LAYOUT_RESET is true (spelled 1 here)', async () => {
    expect((await applyAdminLayouts(app!.strapi))['api::article.article']).toBe('kept-editor-changes');

    process.env.ADMIN_LAYOUT_RESET = '1';
    try {
      expect((await applyAdminLayouts(app!.strapi))['api::article.article']).toBe('applied');
    } finally {
      delete process.env.ADMIN_LAYOUT_RESET;
    }
    expect((await configurationOf('api::article.article')).layouts.list).toEqual(['title', 'publishedDate', 'source']);
    expect(await applyAdminLayouts(app!.strapi)).toEqual({
      'api::article.article': 'unchanged',
      'api::person.person': 'unchanged',
      'api::event.event': 'unchanged',
    });
  });

  it('without a record of what it applied, replaces only Strapi\'s untouched default', async () => {
    const { strapi } = app!;
    const contentTypes = strapi.plugin('content-manager').service('content-types');
    const store = strapi.store({ type: 'core', name: 'admin_layout' });

    // A database from before this layout existed, with the stock configuration.
    await store.delete({ key: 'api::person.person' });
    await strapi.db.query('strapi::core-store').delete({
      where: { key: 'plugin_content_manager_configuration_content_types::api::person.person' },
    });
    await contentTypes.syncConfigurations();
    expect((await configurationOf('api::person.person')).layouts.list).not.toEqual(['name', 'role', 'country']);
    expect((await applyAdminLayouts(strapi))['api::person.person']).toBe('applied');
    expect((await configurationOf('api::person.person')).layouts.list).toEqual(['name', 'role', 'country']);

    // ... and one where an editor had already configured the view.
    await saveAsEditor('api::person.person', (configuration) => {
      configuration.layouts.list = ['name', 'slug'];
    });
    await store.delete({ key: 'api::person.person' });
    expect((await applyAdminLayouts(strapi))['api::person.person']).toBe('kept-editor-changes');
    expect((await configurationOf('api::person.person')).layouts.list).toEqual(['name', 'slug']);

    // Leave the project's layout for the suites after this one.
    process.env.ADMIN_LAYOUT_RESET = 'true';
    try {
      await applyAdminLayouts(strapi);
    } finally {
      delete process.env.ADMIN_LAYOUT_RESET;
    }
  });
});
