import { readFlag } from '../../platform/settings';
import { ALL_PATCHES, patchNamed, type Patch } from './patches';
import { messageOf } from './shape';

/**
 * The one guard every patch of a Strapi internal goes through before it is
 * installed. It decides, in this order:
 *
 * 1. its switch: a performance patch is off with STOCK_STRAPI=true or when its
 *    own variable says so (safety and content patches have none);
 * 2. the patch it is built on, if any, must be on;
 * 3. the installed Strapi (`@strapi/strapi`'s package.json, and the patched
 *    @strapi/* package's own) must be the version the patch was verified
 *    against;
 * 4. its target must have the shape the patch was written for (functions
 *    present, with the parameters expected; a module path that loads).
 *
 * A performance or content patch that fails 3 or 4 stays off, and says why as a
 * warning. A safety patch on another version is installed when its shape holds
 * (running without it is worse), with a warning to verify it; one whose shape
 * differs either stays off with a warning or, where running without it could
 * lose writes or open the API to any origin, refuses the start.
 *
 * The outcome of each is kept per Strapi instance, for the start-up line and
 * for `/_ready`.
 */

export type PatchState = { on: true } | { on: false; reason: string };

export interface PatchLog {
  info(message: string): void;
  warn(message: string): void;
}

/** The Strapi instance the patches are installed on (the states are kept per instance, so per boot). */
export interface PatchHost {
  log: PatchLog;
}

/**
 * For tests only (read when NODE_ENV=test): the Strapi version the guard
 * expects instead of each patch's `verifiedWith`, to see every patch meet
 * "another Strapi version" without touching node_modules.
 */
export const EXPECTED_VERSION_OVERRIDE = 'TEST_PATCHES_VERIFIED_WITH';

export interface Verdict {
  state: PatchState;
  /** Said as a warning at start: a version or shape mismatch, whether the patch stays off or not. */
  warning?: string;
  /** The start must not go on without this patch: thrown by guardPatch. */
  refusal?: string;
}

const versions = new Map<string, string | undefined>();

/** A package's installed version, from its package.json (undefined when it cannot be found). */
export function installedVersion(packageName: string): string | undefined {
  if (!versions.has(packageName)) {
    let version: string | undefined;
    try {
      version = (require(`${packageName}/package.json`) as { version?: unknown }).version as string | undefined;
    } catch {
      version = undefined;
    }
    versions.set(packageName, typeof version === 'string' ? version : undefined);
  }
  return versions.get(packageName);
}

/** The version the patches expect: their own, unless a test says otherwise. */
export function expectedVersion(patch: Pick<Patch<never>, 'verifiedWith'>): string {
  const override = process.env[EXPECTED_VERSION_OVERRIDE]?.trim();
  if (!override) return patch.verifiedWith;
  if (process.env.NODE_ENV !== 'test') {
    throw new Error(`${EXPECTED_VERSION_OVERRIDE} is a test setting, read only when NODE_ENV=test: unset it`);
  }
  return override;
}

/** Why the switch keeps this patch off, or undefined when it lets it on. */
export function switchReason(patch: Patch<never>): string | undefined {
  if (patch.switch === 'always on') return undefined;
  if (patch.kind === 'performance' && readFlag('STOCK_STRAPI')) return 'STOCK_STRAPI=true';
  const { variable } = patch.switch;
  return readFlag(variable) ? undefined : `${variable}=false`;
}

/** Why the installed Strapi is not the one the patch was verified against, or undefined. */
export function versionReason(patch: Patch<never>): string | undefined {
  const expected = expectedVersion(patch);
  const packages = ['@strapi/strapi', ...(patch.package.startsWith('@strapi/') && patch.package !== '@strapi/strapi' ? [patch.package] : [])];
  const differing = packages
    .map((name) => ({ name, version: installedVersion(name) }))
    .filter(({ version }) => version !== expected)
    .map(({ name, version }) => `${name} ${version ?? '(not found)'}`);
  return differing.length === 0 ? undefined : `verified with Strapi ${expected}, installed ${differing.join(' and ')}`;
}

function shapeProblem<Target>(patch: Patch<Target>, target: Target): string | undefined {
  try {
    return patch.shape(target);
  } catch (error) {
    return `its shape check failed: ${messageOf(error)}`;
  }
}

/**
 * The guard's decision for one patch and the target it would replace,
 * without installing or recording anything. `required` is the state of the
 * patch it is built on, when it has one.
 */
export function checkPatch<Target>(patch: Patch<Target>, target: Target, required?: PatchState): Verdict {
  const asListed = patch as unknown as Patch<never>; // the checks below never call `shape`
  const switchedOff = switchReason(asListed);
  if (switchedOff) return { state: { on: false, reason: switchedOff } };
  if (patch.requires && required && !required.on) {
    return { state: { on: false, reason: `needs ${patch.requires}, which is off (${required.reason})` } };
  }

  const otherVersion = versionReason(asListed);
  if (otherVersion && patch.onOtherVersion === 'stay off') {
    return { state: { on: false, reason: otherVersion }, warning: `Strapi patch ${patch.name} stays off: ${otherVersion}` };
  }

  const problem = shapeProblem(patch, target);
  if (problem) {
    const reason = `its target changed: ${problem}${otherVersion ? ` (${otherVersion})` : ''}`;
    if (patch.onOtherShape === 'refuse to start') {
      return {
        state: { on: false, reason },
        refusal: `Strapi patch ${patch.name} cannot be installed and the server must not run without it: ${reason}. Replaces: ${patch.replaces}; see src/performance/README.md`,
      };
    }
    return { state: { on: false, reason }, warning: `Strapi patch ${patch.name} stays off: ${reason}` };
  }

  if (otherVersion) {
    return {
      state: { on: true },
      warning: `Strapi patch ${patch.name} is on although it was ${otherVersion}: its target still has the expected shape; verify it on this version (src/performance/README.md)`,
    };
  }
  return { state: { on: true } };
}

const statesByHost = new WeakMap<object, Map<string, PatchState>>();

function statesOf(host: object): Map<string, PatchState> {
  let states = statesByHost.get(host);
  if (!states) {
    states = new Map();
    statesByHost.set(host, states);
  }
  return states;
}

/**
 * Guards one patch before it is installed: true when it may go on. Records
 * the outcome on `host`, warns about a mismatch, and throws when a safety
 * patch that must not be missing cannot be installed.
 */
export function guardPatch<Target>(host: PatchHost, patch: Patch<Target>, target: Target): boolean {
  const states = statesOf(host);
  const required = patch.requires ? stateOf(host, patch.requires) : undefined;
  const verdict = checkPatch(patch, target, required);
  states.set(patch.name, verdict.state);
  if (verdict.refusal) throw new Error(verdict.refusal);
  if (verdict.warning) host.log.warn(verdict.warning);
  return verdict.state.on;
}

/** A patch that passed its guard but found, while installing, a reason of its own to stay off. */
export function notePatchOff(host: PatchHost, patch: Pick<Patch<never>, 'name'>, reason: string): void {
  statesOf(host).set(patch.name, { on: false, reason });
}

/** One patch's state on `host`; a patch nothing guarded there is off, with the reason it was not reached. */
export function stateOf(host: object, name: string): PatchState {
  const recorded = statesByHost.get(host)?.get(name);
  if (recorded) return recorded;
  const patch = patchNamed(name);
  if (!patch) return { on: false, reason: 'no such patch' };
  const switchedOff = switchReason(patch);
  if (switchedOff) return { on: false, reason: switchedOff };
  if (patch.requires) {
    const required = stateOf(host, patch.requires);
    if (!required.on) return { on: false, reason: `needs ${patch.requires}, which is off (${required.reason})` };
  }
  return { on: false, reason: `not installed (${patch.installedBy})` };
}

/** Every listed patch's state on `host`, in the registry's order: what `/_ready` reports as `patches`. */
export function patchStates(host: object): Record<string, PatchState> {
  return Object.fromEntries(ALL_PATCHES.map((patch) => [patch.name, stateOf(host, patch.name)]));
}

/** The start-up line: every patch, on or off with its reason. */
export function describePatches(host: object): string {
  const listed = ALL_PATCHES.map((patch) => {
    const state = stateOf(host, patch.name);
    return state.on ? `${patch.name} on` : `${patch.name} off (${state.reason})`;
  });
  return `Strapi patches (installed @strapi/strapi ${installedVersion('@strapi/strapi') ?? '(not found)'}): ${listed.join(', ')}`;
}

/** Logs the start-up line; call it once every patch has been guarded (the end of bootstrap). */
export function reportPatches(host: PatchHost): void {
  host.log.info(describePatches(host));
}
