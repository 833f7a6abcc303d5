import crypto from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { configurationUtilsPath, contentManagerConfiguration, type ViewConfiguration } from './content-manager-configuration';
import { readFlag } from '../../platform/settings';
import { canonicalJson } from '../../platform/values';
import { guardPatch } from '../../performance/registry/guard';
import { PATCHES } from '../../performance/registry/patches';
import { ADMIN_LAYOUTS, type LayoutSpec } from './layouts';

/**
 * Where we remember, per content type, the configuration we last wrote (core store key
 * `core_admin_layout_<uid>`).
 */
const appliedStore = (strapi: Core.Strapi) => strapi.store({ type: 'core', name: 'admin_layout' });

interface AppliedRecord {
  fingerprint: string;
  configuration: ViewConfiguration;
}

export function fingerprint(configuration: ViewConfiguration): string {
  const { settings, metadatas, layouts } = configuration;
  return crypto.createHash('sha256').update(canonicalJson({ settings, metadatas, layouts })).digest('hex');
}

/** Our spec laid over Strapi's defaults for the type. */
function desiredConfiguration(spec: LayoutSpec, base: ViewConfiguration): ViewConfiguration {
  const metadatas = structuredClone(base.metadatas);
  for (const [name, field] of Object.entries(spec.fields)) {
    const meta = metadatas[name];
    if (!meta) throw new Error(`Admin layout of ${spec.uid}: no field named ${name}`);
    const { label, description = '', placeholder = '', mainField, sortable } = field;
    meta.edit = { ...meta.edit, label, description, placeholder, ...(mainField ? { mainField } : {}) };
    meta.list = { ...meta.list, label, ...(sortable !== undefined ? { sortable } : {}) };
  }
  return {
    settings: { ...base.settings, ...spec.settings },
    metadatas,
    layouts: {
      list: [...spec.list],
      edit: spec.edit.map((row) => row.map(([name, size]) => ({ name, size }))),
    },
  };
}

export type LayoutDecision = 'applied' | 'unchanged' | 'kept-editor-changes';

/**
 * Applies one type's layout unless an editor has changed it since. The rule:
 *
 * - the stored configuration is ours to replace when it is Strapi's untouched default (nothing was
 *   ever configured), or exactly what we applied last time, or what Strapi's own start-up sync made
 *   of that after a schema change (a new field appended, a removed one dropped);
 * - anything else is an editor's deliberate change (Content Manager → Configure the view) and is
 *   left alone, with a log line saying so. ADMIN_LAYOUT_RESET=true applies ours regardless.
 */
async function applyLayout(strapi: Core.Strapi, spec: LayoutSpec, reset: boolean): Promise<LayoutDecision> {
  const cm = contentManagerConfiguration(strapi, spec.uid);
  const store = appliedStore(strapi);
  const strapiDefault = await cm.strapiDefault();
  // Normalised by Strapi's sync, so the next start-up's sync leaves it exactly as written.
  const desired = await cm.sync(desiredConfiguration(spec, strapiDefault));
  const current = await cm.read();
  // The core store returns untyped JSON; only applyLayout writes this key, always as an AppliedRecord.
  const record = (await store.get({ key: spec.uid })) as AppliedRecord | null;

  const currentPrint = fingerprint(current);
  const remember = () =>
    store.set({ key: spec.uid, value: { fingerprint: fingerprint(desired), configuration: desired } satisfies AppliedRecord });

  if (currentPrint === fingerprint(desired)) {
    if (record?.fingerprint !== currentPrint) await remember();
    return 'unchanged';
  }

  const ours =
    reset ||
    (record
      ? currentPrint === record.fingerprint || currentPrint === fingerprint(await cm.sync(record.configuration))
      : currentPrint === fingerprint(strapiDefault));
  if (!ours) {
    strapi.log.info(
      `Admin layout of ${spec.uid}: kept the view configuration an editor changed in the admin panel; ` +
        'restart with ADMIN_LAYOUT_RESET=true to replace it with the project\'s layout.',
    );
    return 'kept-editor-changes';
  }

  await cm.write(desired);
  await remember();
  return 'applied';
}

/**
 * Applies the content manager layouts of src/content/admin-layout/layouts.ts; see applyLayout for when.
 * When Strapi's own configuration functions are not what this was written for, nothing is applied
 * (with a warning): editors keep whatever view the admin panel has.
 */
export async function applyAdminLayouts(strapi: Core.Strapi): Promise<Record<string, LayoutDecision>> {
  if (!guardPatch(strapi, PATCHES.adminLayoutDefaults, configurationUtilsPath())) return {};
  const reset = readFlag('ADMIN_LAYOUT_RESET');
  const decisions: Record<string, LayoutDecision> = {};
  for (const spec of ADMIN_LAYOUTS) decisions[spec.uid] = await applyLayout(strapi, spec, reset);
  return decisions;
}
