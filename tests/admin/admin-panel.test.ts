import { TEST_ADMIN } from '../helpers/paths';
import { adminLogin, bootStrapi, stopStrapi, type TestApp } from '../helpers/strapi';

let app: TestApp;
let adminToken: string;
beforeAll(async () => {
  app = await bootStrapi();
  adminToken = await adminLogin(app);
});
afterAll(() => stopStrapi(app));

interface Configuration {
  contentType: {
    settings: { mainField: string };
    metadatas: Record<string, { edit: { mainField?: string } }>;
  };
}

async function configurationOf(uid: string): Promise<Configuration> {
  const response = await app
    .http()
    .get(`/content-manager/content-types/${uid}/configuration`)
    .set('Authorization', `Bearer ${adminToken}`)
    .expect(200);
  return response.body.data as Configuration;
}

describe('the admin panel', () => {
  it('lets the dev admin from ADMIN_EMAIL / ADMIN_PASSWORD log in as a super admin', async () => {
    const me = await app.http().get('/admin/users/me').set('Authorization', `Bearer ${adminToken}`).expect(200);
    expect(me.body.data.email).toBe(TEST_ADMIN.email);
    expect(me.body.data.roles.map((role: { code: string }) => role.code)).toContain('strapi-super-admin');
  });

  it('refuses a wrong password', async () => {
    await app.http().post('/admin/login').send({ email: TEST_ADMIN.email, password: 'not-the-password' }).expect(400);
  });

  it.each([
    ['api::article.article', 'title', { people: 'name', events: 'title' }],
    ['api::event.event', 'title', { participants: 'name', articles: 'title' }],
    ['api::person.person', 'name', { articles: 'title', events: 'title' }],
  ])('labels %s entries by %s and its relation pickers by name or title', async (uid, mainField, relations) => {
    const { contentType } = await configurationOf(uid);
    expect(contentType.settings.mainField).toBe(mainField);
    for (const [relation, label] of Object.entries(relations)) {
      expect(contentType.metadatas[relation].edit.mainField).toBe(label);
    }
  });

  it('lets an editor find the seeded article through the content manager', async () => {
    const response = await app
      .http()
      .get('/content-manager/collection-types/api::article.article')
      .query({ _q: 'Zarepour' })
      .set('Authorization', `Bearer ${adminToken}`)
      .expect(200);
    expect(response.body.results.map((article: { slug: string }) => article.slug)).toContain('iran-russia-ict-cooperation');
  });
});
