import type { Core } from '@strapi/strapi';
import { createStrapi } from '@strapi/strapi';
import request from 'supertest';
import { checkPatch, describePatches, EXPECTED_VERSION_OVERRIDE, guardPatch, patchStates, type PatchState } from '../../src/performance/registry/guard';
import { ALL_PATCHES, PATCHES, VERIFIED_STRAPI_VERSION } from '../../src/performance/registry/patches';
import { APP_ROOT, DIST_DIR } from '../helpers/paths';
import { startServer, stopServer, type Server } from '../helpers/serve';
import { stopStrapi, type TestApp } from '../helpers/strapi';

/**
 * Every patch of a Strapi internal is listed in one registry
 * (src/performance/registry), guarded at start by its switch, the Strapi
 * version and its target's shape, named in one start-up log line and
 * reported by `/_ready`. On another Strapi version the performance patches
 * stay off and the answers are stock Strapi's.
 */

const ON: PatchState = { on: true };
const performancePatches = ALL_PATCHES.filter((patch) => patch.kind === 'performance').map((patch) => patch.name);
const graphqlPatches = [PATCHES.graphqlResolversConfig.name, PATCHES.graphqlBatchedLoad.name, PATCHES.graphqlPlainFields.name, PATCHES.graphqlSharedResolution.name];
/** In-process boots (not through scripts/serve.js) never install the launcher's patch. */
const NOT_LAUNCHED: PatchState = { on: false, reason: `not installed (${PATCHES.drainOnSignal.installedBy})` };

/** What every request below answers; the patched server's answers are the reference. */
const ARTICLES = '/api/articles?populate[people]=true&populate[events][populate][participants]=true&sort=publishedDate:desc';
const GRAPHQL = '{ articles(pagination: { pageSize: 25 }) { documentId title slug people { name } events { title participants { name } } } }';

interface Answers {
  articles: { status: number; body: unknown };
  graphql: { status: number; body: unknown };
}

async function answersOf(http: () => ReturnType<typeof request>): Promise<Answers> {
  const articles = await http().get(ARTICLES);
  const graphql = await http().post('/graphql').set('Content-Type', 'application/json').send({ query: GRAPHQL });
  return { articles: { status: articles.status, body: articles.body }, graphql: { status: graphql.status, body: graphql.body } };
}

/** A Strapi boot with `env` set for it, its info and warning log lines captured from the start. */
async function bootWith(env: Record<string, string | undefined>, run: (app: TestApp, log: { info: string[]; warn: string[] }) => Promise<void>) {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  const setAll = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  setAll(env);
  let app: TestApp | undefined;
  try {
    const strapi = createStrapi({ appDir: APP_ROOT, distDir: DIST_DIR, autoReload: false, serveAdminPanel: false });
    const log = { info: [] as string[], warn: [] as string[] };
    // The logger exists from createStrapi() on; every line Strapi and the app log goes through these two methods.
    const logger = strapi.log as unknown as Record<'info' | 'warn', (message: unknown, ...rest: unknown[]) => unknown>;
    for (const level of ['info', 'warn'] as const) {
      const original = logger[level].bind(logger);
      logger[level] = (message: unknown, ...rest: unknown[]) => {
        log[level].push(String(message));
        return original(message, ...rest);
      };
    }
    await strapi.load();
    await strapi.server.mount();
    app = { strapi: strapi as Core.Strapi, http: () => request(strapi.server.httpServer) };
    await run(app, log);
  } finally {
    await stopStrapi(app);
    setAll(saved);
  }
}

const readyPatches = async (http: () => ReturnType<typeof request>): Promise<Record<string, PatchState>> => {
  const response = await http().get('/_ready').expect(200);
  return response.body.patches as Record<string, PatchState>;
};

/** The one start-up line (there must be exactly one). */
function patchLine(lines: string[]): string {
  const found = lines.filter((line) => line.includes('Strapi patches ('));
  expect(found).toHaveLength(1);
  return found[0];
}

describe('the registry', () => {
  it('names each patch once, with what it replaces, its switch and the version it was verified against', () => {
    const names = ALL_PATCHES.map((patch) => patch.name);
    expect(new Set(names).size).toBe(names.length);
    for (const patch of ALL_PATCHES) {
      expect(patch.replaces.length).toBeGreaterThan(10);
      expect(patch.verifiedWith).toBe('5.54.0');
      expect(patch.measuredGain).not.toBe('');
      // Performance patches have a switch; safety and content patches never go off by one.
      if (patch.kind === 'performance') expect(patch.switch).toEqual(expect.objectContaining({ variable: expect.any(String) }));
      else expect(patch.switch).toBe('always on');
    }
    expect(VERIFIED_STRAPI_VERSION).toBe('5.54.0');
  });
});

describe('the guard, handed a changed target', () => {
  const host = () => {
    const warnings: string[] = [];
    return { log: { info: () => undefined, warn: (message: string) => void warnings.push(message) }, warnings };
  };
  /** The stock entity manager's shape: load(uid, entity, fields, populate). */
  const stockEntityManager = { load(uid: unknown, entity: unknown, fields: unknown, populate: unknown) { return [uid, entity, fields, populate]; } };

  it('lets a target of the expected shape on, and keeps a changed one off with the reason', () => {
    expect(checkPatch(PATCHES.graphqlBatchedLoad, stockEntityManager).state).toEqual(ON);
    expect(checkPatch(PATCHES.graphqlBatchedLoad, { load: (uid: unknown, entity: unknown) => [uid, entity] }).state).toEqual({
      on: false,
      reason: 'its target changed: entityManager.load takes 2 parameters where 4 were expected',
    });
    expect(checkPatch(PATCHES.graphqlBatchedLoad, {}).state).toEqual({ on: false, reason: 'its target changed: entityManager.load is not a function' });
    expect(checkPatch(PATCHES.onePassSanitizer, { sanitize: {}, sanitizers: { get: (uid: unknown) => uid }, auth: { verify: (auth: unknown) => auth } }).state).toEqual({
      on: false,
      reason: 'its target changed: contentAPI.sanitize.output is not a function',
    });
  });

  it('records the patch off on its host, warns, and the start-up line and /_ready shape say so', () => {
    const strapi = host();
    // What batched-load is built on goes on first, as in registerGraphqlBatching.
    expect(guardPatch(strapi, PATCHES.graphqlResolversConfig, { generate: (options: unknown) => options })).toBe(true);
    expect(guardPatch(strapi, PATCHES.graphqlBatchedLoad, { load: () => undefined })).toBe(false);
    expect(strapi.warnings).toEqual([
      'Strapi patch graphql-batched-load stays off: its target changed: entityManager.load takes 0 parameters where 4 were expected',
    ]);
    const states = patchStates(strapi);
    expect(Object.keys(states)).toEqual(ALL_PATCHES.map((patch) => patch.name));
    expect(states['graphql-batched-load']).toEqual({ on: false, reason: 'its target changed: entityManager.load takes 0 parameters where 4 were expected' });
    // Built on it: off too, naming why.
    expect(states['graphql-shared-resolution']).toEqual({
      on: false,
      reason: 'needs graphql-batched-load, which is off (its target changed: entityManager.load takes 0 parameters where 4 were expected)',
    });
    expect(describePatches(strapi)).toContain('graphql-batched-load off (its target changed: entityManager.load takes 0 parameters where 4 were expected)');
  });

  it('checks the shape of every other patch target', () => {
    const fast = (listeners: number) => ({ listeners: (event: string) => (event === 'request' ? Array.from({ length: listeners }, () => () => undefined) : []) });
    expect(checkPatch(PATCHES.cacheFastPath, fast(1)).state).toEqual(ON);
    expect(checkPatch(PATCHES.cacheFastPath, fast(0)).state).toEqual({
      on: false,
      reason: "its target changed: the HTTP server has 0 'request' listeners where Strapi's one was expected",
    });
    expect(checkPatch(PATCHES.adminLayoutDefaults, '/nowhere/configuration/index.js').state).toEqual({
      on: false,
      reason: expect.stringMatching(/^its target changed: \/nowhere\/configuration\/index\.js cannot be loaded \(Cannot find module '\/nowhere/),
    });
    expect(checkPatch(PATCHES.drainOnSignal, { SIGTERM: [() => undefined], SIGINT: [() => undefined] }).state).toEqual(ON);
    expect(checkPatch(PATCHES.drainOnSignal, { SIGTERM: [() => undefined, () => undefined], SIGINT: [() => undefined] }).state).toEqual({
      on: false,
      reason: 'its target changed: createStrapi added 2 SIGTERM listeners where one each was expected',
    });
    expect(checkPatch(PATCHES.faultCheckouts, { on: () => undefined, client: {} }).state).toEqual({
      on: false,
      reason: 'its target changed: knex.client.acquireConnection is not a function',
    });
    expect(checkPatch(PATCHES.readsWithoutTransactions, { db: { transaction: () => undefined, inTransaction: () => false }, documents: { use: (fn: unknown) => fn } }).state).toEqual({
      on: false,
      reason: 'its target changed: db.transaction takes 0 parameters where 1 were expected',
    });
  });

  it('refuses the start when a safety patch that guards writes or origins cannot be installed', () => {
    const strapi = host();
    expect(() => guardPatch(strapi, PATCHES.commitGuard, { VERSION: '3.0.1' })).toThrow(
      'Strapi patch commit-guard cannot be installed and the server must not run without it: its target changed: knex.transaction is not a function',
    );
    expect(() => guardPatch(strapi, PATCHES.commitGuard, { VERSION: '4.0.0', transaction: () => undefined })).toThrow(
      'its target changed: knex is 4.0.0, not the 3.x this was written for',
    );
    expect(() => guardPatch(strapi, PATCHES.corsPolicy, { extend: (uid: unknown, fn: unknown) => [uid, fn], get: (uid: unknown) => uid && undefined })).toThrow(
      'Strapi patch cors-policy cannot be installed and the server must not run without it: its target changed: the middleware registry has no strapi::cors',
    );
    expect(patchStates(strapi)['commit-guard']).toEqual({ on: false, reason: 'its target changed: knex is 4.0.0, not the 3.x this was written for' });
    // A safety patch whose absence loses no write only warns.
    expect(guardPatch(strapi, PATCHES.faultCheckouts, { on: () => undefined, client: {} })).toBe(false);
    expect(strapi.warnings).toEqual(['Strapi patch fault-checkouts stays off: its target changed: knex.client.acquireConnection is not a function']);
  });
});

describe('the guard on another Strapi version (test override)', () => {
  const saved = { override: process.env[EXPECTED_VERSION_OVERRIDE], nodeEnv: process.env.NODE_ENV };
  afterEach(() => {
    for (const [name, value] of [[EXPECTED_VERSION_OVERRIDE, saved.override], ['NODE_ENV', saved.nodeEnv]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('keeps a performance patch off naming both versions, and installs a safety patch whose shape holds with a warning', () => {
    process.env[EXPECTED_VERSION_OVERRIDE] = '5.53.0';
    const stockEntityManager = { load(uid: unknown, entity: unknown, fields: unknown, populate: unknown) { return [uid, entity, fields, populate]; } };
    expect(checkPatch(PATCHES.graphqlBatchedLoad, stockEntityManager)).toEqual({
      state: { on: false, reason: 'verified with Strapi 5.53.0, installed @strapi/strapi 5.54.0 and @strapi/database 5.54.0' },
      warning: 'Strapi patch graphql-batched-load stays off: verified with Strapi 5.53.0, installed @strapi/strapi 5.54.0 and @strapi/database 5.54.0',
    });
    const verdict = checkPatch(PATCHES.faultCheckouts, { on: () => undefined, client: { acquireConnection: async () => undefined } });
    expect(verdict.state).toEqual(ON);
    expect(verdict.warning).toBe(
      'Strapi patch fault-checkouts is on although it was verified with Strapi 5.53.0, installed @strapi/strapi 5.54.0: its target still has the expected shape; verify it on this version (src/performance/README.md)',
    );
  });

  it('is read only by tests: outside NODE_ENV=test it stops the start', () => {
    process.env[EXPECTED_VERSION_OVERRIDE] = '5.53.0';
    process.env.NODE_ENV = 'production';
    expect(() => checkPatch(PATCHES.graphqlBatchedLoad, {})).toThrow(`${EXPECTED_VERSION_OVERRIDE} is a test setting, read only when NODE_ENV=test: unset it`);
  });
});

describe('Strapi with its patches', () => {
  let server: Server | undefined;
  let patched: Answers;

  beforeAll(async () => {
    // `npm start`'s own launcher, so the launcher's patch is installed too; info level, to read the start-up line.
    server = await startServer(process.env.DATABASE_URL as string, 1, { STRAPI_LOG_LEVEL: 'info' });
    const baseUrl = server.baseUrl;
    patched = await answersOf(() => request(baseUrl));
  }, 180_000);

  afterAll(() => stopServer(server), 60_000);

  it('reports every registered patch on in /_ready', async () => {
    const baseUrl = (server as Server).baseUrl;
    const patches = await readyPatches(() => request(baseUrl));
    expect(patches).toEqual(Object.fromEntries(ALL_PATCHES.map((patch) => [patch.name, ON])));
  });

  it('names every patch as on in one start-up log line', () => {
    const line = patchLine((server as Server).output.join('').split('\n'));
    for (const patch of ALL_PATCHES) expect(line).toContain(`${patch.name} on`);
    expect(line).not.toContain(' off (');
  });

  it('answers the reads the version-mismatch run is compared with', () => {
    expect(patched.articles.status).toBe(200);
    expect((patched.articles.body as { data: unknown[] }).data.length).toBeGreaterThan(0);
    expect(patched.graphql.status).toBe(200);
    expect((patched.graphql.body as { data: { articles: unknown[] } }).data.articles.length).toBeGreaterThan(0);
  });

  it('with STOCK_STRAPI=true: every performance patch off for that reason, the safety patches on', async () => {
    await bootWith({ STOCK_STRAPI: 'true' }, async (app, log) => {
      const patches = await readyPatches(app.http);
      for (const patch of ALL_PATCHES) {
        const expected = patch.kind === 'performance' ? { on: false, reason: 'STOCK_STRAPI=true' } : patch === PATCHES.drainOnSignal ? NOT_LAUNCHED : ON;
        expect([patch.name, patches[patch.name]]).toEqual([patch.name, expected]);
      }
      expect(performancePatches.length).toBeGreaterThanOrEqual(7);
      const line = patchLine(log.info);
      for (const name of performancePatches) expect(line).toContain(`${name} off (STOCK_STRAPI=true)`);
      expect(line).toContain('commit-guard on');
    });
  }, 120_000);

  it('with GRAPHQL_BATCHING=false: only the GraphQL batching patches off, and the start-up line lists every patch', async () => {
    await bootWith({ GRAPHQL_BATCHING: 'false' }, async (app, log) => {
      const patches = await readyPatches(app.http);
      for (const patch of ALL_PATCHES) {
        const expected = graphqlPatches.includes(patch.name) ? { on: false, reason: 'GRAPHQL_BATCHING=false' } : patch === PATCHES.drainOnSignal ? NOT_LAUNCHED : ON;
        expect([patch.name, patches[patch.name]]).toEqual([patch.name, expected]);
      }
      const line = patchLine(log.info);
      for (const patch of ALL_PATCHES) {
        const state = patches[patch.name];
        expect(line).toContain(state.on ? `${patch.name} on` : `${patch.name} off (${state.reason})`);
      }
      // No mismatch here: no patch warns.
      expect(log.warn.filter((message) => message.startsWith('Strapi patch'))).toEqual([]);
    });
  }, 120_000);

  it('on another Strapi version: the performance patches stay off naming both versions, and the answers are the same', async () => {
    await bootWith({ [EXPECTED_VERSION_OVERRIDE]: '5.53.0' }, async (app, log) => {
      const patches = await readyPatches(app.http);
      for (const patch of ALL_PATCHES) {
        const state = patches[patch.name];
        if (patch.kind === 'safety') {
          expect([patch.name, state]).toEqual([patch.name, patch === PATCHES.drainOnSignal ? NOT_LAUNCHED : ON]);
        } else {
          expect([patch.name, state.on]).toEqual([patch.name, false]);
          const versions = 'verified with Strapi 5.53.0, installed @strapi/strapi 5.54.0';
          // A patch built on another one is off because that one is (the chain may be longer: say each link).
          const reason = state.on ? '' : state.reason;
          if (patch.requires) {
            expect(reason.startsWith(`needs ${patch.requires}, which is off (`)).toBe(true);
            expect(reason).toContain(versions);
          } else {
            expect(reason).toMatch(new RegExp(`^${versions}`));
          }
        }
      }
      // Each mismatch is said as a warning: off for the performance patches, on-but-verify for the safety ones.
      const warnings = log.warn.filter((message) => message.startsWith('Strapi patch'));
      for (const patch of ALL_PATCHES.filter((listed) => listed !== PATCHES.drainOnSignal && !listed.requires)) {
        expect([patch.name, warnings.some((message) => message.startsWith(`Strapi patch ${patch.name} `) && message.includes('5.53.0'))]).toEqual([patch.name, true]);
      }

      const stock = await answersOf(app.http);
      expect(stock.articles).toEqual(patched.articles);
      expect(stock.graphql).toEqual(patched.graphql);
    });
  }, 120_000);
});
