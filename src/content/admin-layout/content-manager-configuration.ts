import path from 'node:path';
import type { Core } from '@strapi/strapi';

/** The content manager's stored view configuration of one content type (core store, one row per type). */
export interface ViewConfiguration {
  settings: Record<string, unknown>;
  metadatas: Record<string, { edit: Record<string, unknown>; list: Record<string, unknown> }>;
  layouts: { list: string[]; edit: Array<Array<{ name: string; size: number }>> };
}

/** The content manager's own functions that build and update a stored configuration. */
interface ConfigurationUtils {
  createDefaultConfiguration(model: unknown): Promise<ViewConfiguration>;
  syncConfiguration(configuration: ViewConfiguration, model: unknown): Promise<ViewConfiguration>;
}

/**
 * Strapi does not export these two functions, yet they are the only exact answer to "what does an
 * untouched configuration look like" and "what would Strapi itself have made of the configuration we
 * applied after a schema change". They are loaded from the content manager's build by path (the
 * package's `exports` list does not name them); @strapi/* are pinned to one version, the patch
 * guard (src/performance/registry) checks both functions at start, and the admin layout suite fails
 * if an upgrade moves them.
 */
export function configurationUtilsPath(): string {
  const root = path.dirname(require.resolve('@strapi/content-manager/package.json'));
  return path.join(root, 'dist', 'server', 'services', 'utils', 'configuration', 'index.js');
}

function loadConfigurationUtils(): ConfigurationUtils {
  // A plain CommonJS file without types: the cast states the two functions' shapes as used here
  // (src/performance/registry checks them at start).
  return require(configurationUtilsPath()) as ConfigurationUtils;
}

interface ContentTypesService {
  findContentType(uid: string): unknown;
  findConfiguration(contentType: { uid: string }): Promise<ViewConfiguration & { uid: string }>;
  updateConfiguration(contentType: { uid: string }, configuration: ViewConfiguration): Promise<unknown>;
}

/** The content manager's configuration of one content type: read, write, and Strapi's defaults for it. */
export function contentManagerConfiguration(strapi: Core.Strapi, uid: string) {
  const utils = loadConfigurationUtils();
  // Strapi types plugin services loosely; the cast names the three methods used here.
  const service = strapi.plugin('content-manager').service('content-types') as unknown as ContentTypesService;
  const model = service.findContentType(uid);
  if (!model) throw new Error(`Admin layout: the content manager does not know ${uid}`);
  const clone = (configuration: ViewConfiguration): ViewConfiguration => structuredClone(configuration);

  return {
    async read(): Promise<ViewConfiguration> {
      const { settings, metadatas, layouts } = await service.findConfiguration({ uid });
      return { settings, metadatas, layouts };
    },
    async write(configuration: ViewConfiguration): Promise<void> {
      await service.updateConfiguration({ uid }, clone(configuration));
    },
    /** What Strapi stores for this type when nobody has configured it. */
    strapiDefault: () => utils.createDefaultConfiguration(model),
    /** What Strapi's own start-up sync turns a configuration into for the current schema. */
    sync: (configuration: ViewConfiguration) => utils.syncConfiguration(clone(configuration), model),
  };
}
