import type { Core } from '@strapi/strapi';
import { createStrapi } from '@strapi/strapi';
import request from 'supertest';
import { waitForDatabaseIdle } from '../../src/platform/shutdown/database-idle';
import { APP_ROOT, DIST_DIR, TEST_ADMIN } from './paths';

export interface TestApp {
  strapi: Core.Strapi;
  /** supertest against Strapi's real HTTP server (all middlewares, auth and permissions). */
  http: () => ReturnType<typeof request>;
}

export interface BootOptions {
  /**
   * Runs right after the app's own `register` and before any bootstrap, where a
   * project registers its GraphQL extensions
   * (`strapi.plugin('graphql').service('extension').use(...)`).
   */
  register?: (strapi: Core.Strapi) => void | Promise<void>;
}

/** Boots the compiled app (bootstrap included: permissions, dev admin, seed). */
export async function bootStrapi(options: BootOptions = {}): Promise<TestApp> {
  const instance = createStrapi({
    appDir: APP_ROOT,
    distDir: DIST_DIR,
    autoReload: false,
    serveAdminPanel: false,
  });
  const { register } = options;
  if (register) {
    // `load()` is `register()` then `bootstrap()`: the suite's step joins the first.
    const registerApp = instance.register.bind(instance);
    instance.register = async () => {
      await registerApp();
      await register(instance);
      return instance;
    };
  }
  const strapi = await instance.load();
  await strapi.server.mount();
  return { strapi, http: () => request(strapi.server.httpServer) };
}

export async function stopStrapi(app: TestApp | undefined) {
  if (!app) return;
  await waitForDatabaseIdle(app.strapi);
  await app.strapi.destroy();
}

/** A full-access API token, as an editor would create in Settings → API Tokens. */
export async function createApiToken(
  strapi: Core.Strapi,
  type: 'full-access' | 'read-only' = 'full-access',
): Promise<string> {
  const token = await strapi.service('admin::api-token').create({
    name: `test-${type}-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    type,
    lifespan: null,
  });
  return token.accessKey as string;
}

/** Logs in to the admin panel API as the dev admin and returns its JWT. */
export async function adminLogin(app: TestApp): Promise<string> {
  const response = await app.http().post('/admin/login').send(TEST_ADMIN);
  if (response.status !== 200) throw new Error(`admin login failed: ${response.status} ${response.text}`);
  return response.body.data.token as string;
}

export interface GraphQLResult<T = Record<string, unknown>> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; extensions?: { code?: string; error?: { name?: string } } }>;
}

/** POSTs a GraphQL operation; `token` adds an Authorization header. */
export async function graphql<T = Record<string, unknown>>(
  app: TestApp,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<GraphQLResult<T>> {
  let call = app.http().post('/graphql').set('Content-Type', 'application/json');
  if (token) call = call.set('Authorization', `Bearer ${token}`);
  const response = await call.send({ query, variables });
  return { status: response.status, data: response.body.data, errors: response.body.errors };
}

export interface Suite {
  app: TestApp;
  /** A full-access API token. */
  token: string;
}

/**
 * Boots Strapi before the suite's tests and stops it after them. The returned
 * object is filled in by `beforeAll`, so read its fields inside tests and hooks.
 */
export function useStrapi(): Suite {
  const suite = {} as Suite;
  beforeAll(async () => {
    suite.app = await bootStrapi();
    suite.token = await createApiToken(suite.app.strapi);
  });
  afterAll(() => stopStrapi(suite.app));
  return suite;
}

/**
 * Boots Strapi as a production start would see its config (config/plugins.ts reads NODE_ENV when
 * Strapi loads it) for the suite's tests, and restores NODE_ENV after them. Read `app` inside tests.
 */
export function useProductionStrapi(): { app: TestApp } {
  const suite = {} as { app: TestApp };
  const nodeEnv = process.env.NODE_ENV;
  beforeAll(async () => {
    process.env.NODE_ENV = 'production';
    suite.app = await bootStrapi();
  });
  afterAll(async () => {
    await stopStrapi(suite.app);
    process.env.NODE_ENV = nodeEnv;
  });
  return suite;
}
