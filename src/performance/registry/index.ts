/**
 * The registry of every patch of a Strapi internal (./patches.ts), the one
 * guard they are installed through (./guard.ts), and the seam that installs
 * the performance half of the project (./install.ts). See src/performance/README.md.
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
export { bootstrapPerformance, registerPerformance, stopPerformance } from './install';
