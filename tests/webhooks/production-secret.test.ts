import crypto from 'node:crypto';
import { createStrapi } from '@strapi/strapi';
import { waitForDatabaseIdle } from '../../src/platform/shutdown/database-idle';
import { APP_ROOT, DIST_DIR } from '../helpers/paths';
import { bootStrapi, stopStrapi } from '../helpers/strapi';

/**
 * A production start refuses to run without WEBHOOK_SECRET while a webhook is configured in
 * Settings → Webhooks (Strapi's strapi_webhooks table), and starts once it is set.
 */
const saved = { NODE_ENV: process.env.NODE_ENV, WEBHOOK_SECRET: process.env.WEBHOOK_SECRET };

afterAll(() => {
  process.env.NODE_ENV = saved.NODE_ENV;
  if (saved.WEBHOOK_SECRET === undefined) delete process.env.WEBHOOK_SECRET;
  else process.env.WEBHOOK_SECRET = saved.WEBHOOK_SECRET;
});

async function productionStart(): Promise<string> {
  const instance = createStrapi({ appDir: APP_ROOT, distDir: DIST_DIR, autoReload: false, serveAdminPanel: false });
  try {
    await instance.load();
    return 'started';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await waitForDatabaseIdle(instance).catch(() => undefined);
    await instance.destroy();
  }
}

test('production with a webhook and no WEBHOOK_SECRET refuses to start, naming it; with one it starts', async () => {
  const app = await bootStrapi();
  const webhook = await app.strapi.db.query('strapi::webhook').create({
    data: { name: 'frontend rebuild', url: 'http://127.0.0.1:9/rebuild', headers: {}, events: ['entry.publish'], enabled: true },
  });
  await stopStrapi(app);
  try {
    process.env.NODE_ENV = 'production';
    delete process.env.WEBHOOK_SECRET;
    expect(await productionStart()).toMatch(/Refusing to start in production: WEBHOOK_SECRET is not set and 1 webhook/);
    process.env.WEBHOOK_SECRET = `whsec_${crypto.randomBytes(32).toString('base64')}`;
    expect(await productionStart()).toBe('started');
  } finally {
    process.env.NODE_ENV = saved.NODE_ENV;
    const cleanup = await bootStrapi();
    await cleanup.strapi.db.query('strapi::webhook').delete({ where: { id: webhook.id } });
    await stopStrapi(cleanup);
  }
}, 180_000);
