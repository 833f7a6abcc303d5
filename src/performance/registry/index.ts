/**
 * The registry of every patch of a Strapi internal (./patches.ts), the one
 * guard they are installed through (./guard.ts). The performance half of the
 * project is installed from ../index.ts. See src/performance/README.md.
 */
export { ALL_PATCHES, PATCHES, VERIFIED_STRAPI_VERSION, type Patch, type PatchKind } from './patches';
export {
  checkPatch,
  describePatches,
  EXPECTED_VERSION_OVERRIDE,
  guardPatch,
  notePatchOff,
  patchStates,
  reportPatches,
  type PatchHost,
  type PatchState,
} from './guard';
