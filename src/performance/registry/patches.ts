import type { FlagName } from '../../platform/settings';
import { expectMethod, firstProblem, messageOf, propertyOf } from './shape';

/**
 * Every place this project replaces, wraps or reaches into an internal of
 * Strapi (or of a library Strapi hands us, such as knex), in one list. Each
 * entry says what it replaces, the Strapi version it was verified against,
 * its switch, its measured gain, and how its target must look for it to be
 * installed (its shape check). src/performance/README.md explains each one.
 *
 * Adding a patch: add an entry here, and guard its install with
 * `guardPatch(strapi, PATCHES.<name>, <its target>)` (./guard.ts), which
 * decides whether it goes on and records why not.
 */

/** The Strapi release every patch below was last verified against. */
export const VERIFIED_STRAPI_VERSION = '5.54.0';

/**
 * - performance: makes reads faster and changes no answer; STOCK_STRAPI=true and its own switch turn it off.
 * - safety: keeps an answer honest or a write safe; always on.
 * - content: what editors see; always on.
 */
export type PatchKind = 'performance' | 'safety' | 'content';

/**
 * The flag that turns a performance patch on (src/platform/settings/flags.ts): every flag is named
 * for what `true` does, so the patch is off when its flag reads false.
 */
export interface PatchSwitch {
  variable: FlagName;
}

export interface Patch<Target> {
  name: string;
  kind: PatchKind;
  /** The module and the function (or object) replaced. */
  replaces: string;
  /** The package the replaced function lives in: a @strapi/* package's own version is checked too. */
  package: string;
  /** The Strapi version this patch was verified against. */
  verifiedWith: string;
  /** Performance patches: the variable that turns it off. Safety and content patches are always on. */
  switch: PatchSwitch | 'always on';
  /** Another patch this one is built on: off whenever that one is. */
  requires?: string;
  /** On another Strapi version: stay off, or (safety patches) install anyway when the shape check holds, with a warning. */
  onOtherVersion: 'stay off' | 'install if the shape holds';
  /** When the target's shape differs: stay off (with a warning), or refuse to start (running without it is worse). */
  onOtherShape: 'stay off' | 'refuse to start';
  /** Where it is installed: a patch no code installed in this process is reported off with this in its reason. */
  installedBy: string;
  /** The bench's figure for it (off against on), or "not yet measured". */
  measuredGain: string;
  /** Undefined when the target has the shape the patch was written for, else what differs. */
  shape(target: Target): string | undefined;
}


const graphqlBatching: PatchSwitch = { variable: 'GRAPHQL_BATCHING' };

/** What `contentManagerConfiguration` loads (src/content/admin-layout/content-manager-configuration.ts). */
function loadsConfigurationUtils(modulePath: string): string | undefined {
  let loaded: unknown;
  try {
    // A plain CommonJS file of @strapi/content-manager's build, loaded by path as the admin layout does.
    loaded = require(modulePath) as unknown;
  } catch (error) {
    return `${modulePath} cannot be loaded (${messageOf(error)})`;
  }
  return firstProblem(
    expectMethod(loaded, 'configuration utils', 'createDefaultConfiguration', 1),
    expectMethod(loaded, 'configuration utils', 'syncConfiguration', 2),
  );
}

function readKnexVersion(): string | undefined {
  try {
    return (require('knex/package.json') as { version?: string }).version;
  } catch {
    return undefined;
  }
}

export const PATCHES = {
  graphqlResolversConfig: {
    name: 'graphql-resolvers-config',
    kind: 'performance',
    replaces: "@strapi/plugin-graphql extension service's generate (wrapped to read the resolversConfig it hands the plugin's resolver wrapper)",
    package: '@strapi/plugin-graphql',
    verifiedWith: VERIFIED_STRAPI_VERSION,
    switch: graphqlBatching,
    onOtherVersion: 'stay off',
    onOtherShape: 'stay off',
    installedBy: 'registerGraphqlBatching, in register',
    measuredGain: 'none of its own: the GraphQL patches below are built on it, so that none skips a field\'s auth, policies or middlewares',
    shape: (extension: unknown) => expectMethod(extension, 'extension service', 'generate', 1),
  } satisfies Patch<unknown>,

  graphqlBatchedLoad: {
    name: 'graphql-batched-load',
    kind: 'performance',
    replaces: '@strapi/database entityManager.load',
    package: '@strapi/database',
    verifiedWith: VERIFIED_STRAPI_VERSION,
    switch: graphqlBatching,
    requires: 'graphql-resolvers-config',
    onOtherVersion: 'stay off',
    onOtherShape: 'stay off',
    installedBy: 'registerGraphqlBatching, in register',
    measuredGain: 'GRAPHQL_BATCHING as a whole (with the two schema patches below), cold, 2026-12-05 --each-patch run: S4 (GraphQL) 16.6× (204 → 8 statements); REST scenarios untouched',
    shape: (entityManager: unknown) => expectMethod(entityManager, 'entityManager', 'load', 4),
  } satisfies Patch<unknown>,

  graphqlPlainFields: {
    name: 'graphql-plain-fields',
    kind: 'performance',
    replaces: "@strapi/plugin-graphql content-api service's buildSchema (the resolvers of plain value fields)",
    package: '@strapi/plugin-graphql',
    verifiedWith: VERIFIED_STRAPI_VERSION,
    switch: graphqlBatching,
    requires: 'graphql-batched-load',
    onOtherVersion: 'stay off',
    onOtherShape: 'stay off',
    installedBy: 'registerGraphqlBatching, in register',
    measuredGain: 'measured with graphql-batched-load (one switch): cold S4 16.6×',
    shape: ({ contentApi, naming }: { contentApi: unknown; naming: unknown }) =>
      firstProblem(expectMethod(contentApi, 'content-api service', 'buildSchema', 0), expectMethod(naming, 'utils.naming', 'getTypeName', 1)),
  } satisfies Patch<{ contentApi: unknown; naming: unknown }>,

  graphqlSharedResolution: {
    name: 'graphql-shared-resolution',
    kind: 'performance',
    replaces: "@strapi/plugin-graphql extension service's generate and content-api service's buildSchema (relation fields' resolvers), wrapping graphql-plain-fields' buildSchema",
    package: '@strapi/plugin-graphql',
    verifiedWith: VERIFIED_STRAPI_VERSION,
    switch: graphqlBatching,
    requires: 'graphql-batched-load',
    onOtherVersion: 'stay off',
    onOtherShape: 'stay off',
    installedBy: 'registerGraphqlBatching, in register',
    measuredGain: 'measured with graphql-batched-load (one switch): cold S4 16.6×',
    shape: ({ extension, contentApi }: { extension: unknown; contentApi: unknown }) =>
      firstProblem(expectMethod(extension, 'extension service', 'generate', 1), expectMethod(contentApi, 'content-api service', 'buildSchema', 0)),
  } satisfies Patch<{ extension: unknown; contentApi: unknown }>,

  publishedCounts: {
    name: 'published-counts',
    kind: 'performance',
    replaces: '@strapi/database entityManager.count',
    package: '@strapi/database',
    verifiedWith: VERIFIED_STRAPI_VERSION,
    switch: { variable: 'PUBLISHED_COUNTERS' },
    onOtherVersion: 'stay off',
    onOtherShape: 'stay off',
    installedBy: 'registerPublishedCounters, in register (installed after the schema sync)',
    measuredGain: 'cold, 2026-12-05 --each-patch run: S1 1.10×, S4 1.18×, S5 1.19× (S2, S3 within noise)',
    shape: (db: unknown) => {
      const entityManager = propertyOf(db, 'entityManager');
      return firstProblem(
        expectMethod(entityManager, 'entityManager', 'count', 1),
        expectMethod(entityManager, 'entityManager', 'createQueryBuilder', 1),
        expectMethod(propertyOf(db, 'lifecycles'), 'db.lifecycles', 'run'),
        expectMethod(db, 'db', 'inTransaction', 0),
        expectMethod(propertyOf(db, 'metadata'), 'db.metadata', 'get'),
      );
    },
  } satisfies Patch<unknown>,

  readsWithoutTransactions: {
    name: 'reads-without-transactions',
    kind: 'performance',
    replaces: '@strapi/database db.transaction (for Document Service reads, marked by a module flag)',
    package: '@strapi/database',
    verifiedWith: VERIFIED_STRAPI_VERSION,
    switch: { variable: 'TRANSACTION_FREE_READS' },
    onOtherVersion: 'stay off',
    onOtherShape: 'stay off',
    installedBy: 'runReadsWithoutTransactions, in bootstrap',
    measuredGain: 'cold, 2026-12-05 --each-patch run: S1 1.20×, S3 1.12×, S4 1.13×, S5 1.14× (4 statements fewer per list)',
    shape: ({ db, documents }: { db: unknown; documents: unknown }) =>
      firstProblem(expectMethod(db, 'db', 'transaction', 1), expectMethod(db, 'db', 'inTransaction', 0), expectMethod(documents, 'strapi.documents', 'use', 1)),
  } satisfies Patch<{ db: unknown; documents: unknown }>,

  onePassSanitizer: {
    name: 'one-pass-sanitizer',
    kind: 'performance',
    replaces: '@strapi/core strapi.contentAPI.sanitize.output',
    package: '@strapi/core',
    verifiedWith: VERIFIED_STRAPI_VERSION,
    switch: { variable: 'ONE_PASS_SANITIZER' },
    onOtherVersion: 'stay off',
    onOtherShape: 'stay off',
    installedBy: 'sanitizeOutputInOnePass, in bootstrap',
    measuredGain: 'cold, 2026-12-05 run of stock, cold, warm and this variant: S1 1.17×, S2 1.15×, S3 0.98×, S4 1.01× (GraphQL does not use it)',
    shape: ({ sanitize, sanitizers, auth }: { sanitize: unknown; sanitizers: unknown; auth: unknown }) =>
      firstProblem(
        expectMethod(sanitize, 'contentAPI.sanitize', 'output', 2),
        expectMethod(sanitizers, 'strapi.sanitizers', 'get', 1),
        expectMethod(auth, 'strapi.auth', 'verify', 1),
      ),
  } satisfies Patch<{ sanitize: unknown; sanitizers: unknown; auth: unknown }>,

  cacheFastPath: {
    name: 'cache-fast-path',
    kind: 'performance',
    replaces: "@strapi/core's HTTP server 'request' listener (Koa's callback)",
    package: '@strapi/core',
    verifiedWith: VERIFIED_STRAPI_VERSION,
    switch: { variable: 'RESPONSE_CACHE' },
    onOtherVersion: 'stay off',
    onOtherShape: 'refuse to start',
    installedBy: 'registerResponseCache, in register',
    measuredGain:
      'the response cache as a whole (Koa middleware and fast path), warm against cold, req/s, 2026-12-05: ' +
      'S1 220 → 8,566, S2 121 → 8,942, S3 117 → 14,184, S4 87 → 11,726, S5 (5% writes) 102 → 116; ' +
      "the fast path's own share is not yet measured",
    shape: (server: unknown) => {
      const problem = expectMethod(server, 'the HTTP server', 'listeners', 1);
      if (problem) return problem;
      const listeners = (server as { listeners: (event: string) => unknown[] }).listeners('request');
      return listeners.length === 1 ? undefined : `the HTTP server has ${listeners.length} 'request' listeners where Strapi's one was expected`;
    },
  } satisfies Patch<unknown>,

  adminLayoutDefaults: {
    name: 'admin-layout-defaults',
    kind: 'content',
    replaces: "@strapi/content-manager dist/server/services/utils/configuration: createDefaultConfiguration and syncConfiguration, loaded by file path (not exported)",
    package: '@strapi/content-manager',
    verifiedWith: VERIFIED_STRAPI_VERSION,
    switch: 'always on',
    onOtherVersion: 'stay off',
    onOtherShape: 'stay off',
    installedBy: 'applyAdminLayouts, in bootstrap',
    measuredGain: 'not a performance patch',
    shape: (modulePath: string) => loadsConfigurationUtils(modulePath),
  } satisfies Patch<string>,

  commitGuard: {
    name: 'commit-guard',
    kind: 'safety',
    replaces: "knex (Strapi's connection) transaction(), and commit() of the transactions it opens",
    package: 'knex',
    verifiedWith: VERIFIED_STRAPI_VERSION,
    switch: 'always on',
    onOtherVersion: 'install if the shape holds',
    onOtherShape: 'refuse to start',
    installedBy: 'startPlatform, in bootstrap',
    measuredGain: 'not a performance patch',
    shape: (knex: unknown) => {
      const version = (propertyOf(knex, 'VERSION') as string | undefined) ?? readKnexVersion();
      return firstProblem(
        expectMethod(knex, 'knex', 'transaction'),
        version?.startsWith('3.') ? undefined : `knex is ${version ?? 'of an unknown version'}, not the 3.x this was written for`,
      );
    },
  } satisfies Patch<unknown>,

  faultCheckouts: {
    name: 'fault-checkouts',
    kind: 'safety',
    replaces: "knex client's acquireConnection (Strapi's connection pool checkout)",
    package: 'knex',
    verifiedWith: VERIFIED_STRAPI_VERSION,
    switch: 'always on',
    onOtherVersion: 'install if the shape holds',
    onOtherShape: 'stay off',
    installedBy: 'startPlatform, in bootstrap',
    measuredGain: 'not a performance patch',
    shape: (knex: unknown) => firstProblem(expectMethod(knex, 'knex', 'on'), expectMethod(propertyOf(knex, 'client'), 'knex.client', 'acquireConnection', 0)),
  } satisfies Patch<unknown>,

  corsPolicy: {
    name: 'cors-policy',
    kind: 'safety',
    replaces: "@strapi/core middleware registry's strapi::cors (through the registry's extend)",
    package: '@strapi/core',
    verifiedWith: VERIFIED_STRAPI_VERSION,
    switch: 'always on',
    onOtherVersion: 'install if the shape holds',
    onOtherShape: 'refuse to start',
    installedBy: 'registerCorsPolicy, in register',
    measuredGain: 'not a performance patch',
    shape: (registry: unknown) => {
      const problem = firstProblem(expectMethod(registry, 'middleware registry', 'extend', 2), expectMethod(registry, 'middleware registry', 'get', 1));
      if (problem) return problem;
      const cors = (registry as { get: (uid: string) => unknown }).get('strapi::cors');
      return typeof cors === 'function' ? undefined : 'the middleware registry has no strapi::cors';
    },
  } satisfies Patch<unknown>,

  webhookDelivery: {
    name: 'webhook-delivery',
    kind: 'safety',
    replaces: "@strapi/core webhook runner's createListener (it no longer listens to the entry.* events, which the durable queue delivers; run, add, update and remove stay Strapi's)",
    package: '@strapi/core',
    verifiedWith: VERIFIED_STRAPI_VERSION,
    switch: 'always on',
    onOtherVersion: 'install if the shape holds',
    onOtherShape: 'refuse to start',
    installedBy: 'registerIntegrations, in register',
    measuredGain: 'not a performance patch: without it every entry event would also go out a second time, unsigned',
    shape: (runner: unknown) => {
      const problem = firstProblem(
        expectMethod(runner, 'webhookRunner', 'createListener', 1),
        expectMethod(runner, 'webhookRunner', 'deleteListener', 1),
        expectMethod(runner, 'webhookRunner', 'run', 2),
        expectMethod(runner, 'webhookRunner', 'add', 1),
      );
      if (problem) return problem;
      return propertyOf(runner, 'listeners') instanceof Map ? undefined : 'webhookRunner.listeners is not a Map';
    },
  } satisfies Patch<unknown>,

  drainOnSignal: {
    name: 'drain-on-signal',
    kind: 'safety',
    replaces: "@strapi/core's SIGTERM/SIGINT listeners (added by createStrapi: destroy at once), removed by scripts/serve.js",
    package: '@strapi/core',
    verifiedWith: VERIFIED_STRAPI_VERSION,
    switch: 'always on',
    onOtherVersion: 'install if the shape holds',
    onOtherShape: 'stay off',
    installedBy: 'scripts/serve.js (npm start), which did not start this process',
    measuredGain: 'not a performance patch',
    shape: (added: Record<'SIGTERM' | 'SIGINT', readonly unknown[]>) => {
      const counts = (['SIGTERM', 'SIGINT'] as const).filter((signal) => added[signal].length !== 1);
      return counts.length === 0
        ? undefined
        : `createStrapi added ${counts.map((signal) => `${added[signal].length} ${signal} listeners`).join(' and ')} where one each was expected`;
    },
  } satisfies Patch<Record<'SIGTERM' | 'SIGINT', readonly unknown[]>>,
};

/** Every patch, in the order the start-up line and /_ready list them. */
export const ALL_PATCHES: readonly Patch<never>[] = Object.values(PATCHES) as readonly Patch<never>[];

export const patchNamed = (name: string): Patch<never> | undefined => ALL_PATCHES.find((patch) => patch.name === name);
