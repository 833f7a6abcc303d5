// @ts-check
const path = require('node:path');
/**
 * Variants: extra CMS targets that are one of the modes (stock, cold, warm)
 * with a few more variables set, most often one performance patch turned
 * off. They are started, checked and measured like the modes, and each is
 * reported with its gain: its base's req/s divided by its own, so a patch
 * worth 30% shows 1.30× on the variant that turns it off.
 *
 *   --variants "no-batching:GRAPHQL_BATCHING=false,cold-one-worker:cold+WORKERS=1"
 *   --each-patch    one variant per entry of PATCH_SWITCHES and per base it lists
 */

/** @typedef {'stock' | 'cold' | 'warm'} Mode */

/**
 * What each mode sets, on top of the defaults (everything on).
 * @type {Record<Mode, Record<string, string>>}
 */
const MODE_ENV = {
  stock: { STOCK_STRAPI: 'true' },
  cold: { RESPONSE_CACHE: 'false' },
  warm: {},
};

/**
 * Every performance switch (src/platform/settings/flags.ts), with the setting that
 * turns its patch off and the bases on which turning it off means something.
 * This is the bench's one list of them: renaming a flag is a one-line change
 * here, and targets.js clears the inherited values of the same variables.
 *
 * - The response cache only acts on warm, and warm without it is exactly
 *   cold: its variant is reported with cold's figures (see `sameAs`).
 * - The patches of uncached reads (batching, transaction-free reads, the
 *   sanitizer, the counters) are what cold measures; on warm, S1–S4 are
 *   cache hits that never reach them, but S5's reads after each write do.
 * - Workers serve hits and misses alike.
 *
 * @type {ReadonlyArray<{ patch: string, off: Record<string, string>, bases: readonly Mode[] }>}
 */
const PATCH_SWITCHES = [
  { patch: 'response-cache', off: { RESPONSE_CACHE: 'false' }, bases: ['warm'] },
  { patch: 'graphql-batching', off: { GRAPHQL_BATCHING: 'false' }, bases: ['cold', 'warm'] },
  { patch: 'transaction-free-reads', off: { TRANSACTION_FREE_READS: 'false' }, bases: ['cold', 'warm'] },
  { patch: 'one-pass-sanitizer', off: { ONE_PASS_SANITIZER: 'false' }, bases: ['cold', 'warm'] },
  { patch: 'published-counters', off: { PUBLISHED_COUNTERS: 'false' }, bases: ['cold', 'warm'] },
  { patch: 'workers', off: { WORKERS: '1' }, bases: ['cold', 'warm'] },
];

/** The boolean switches of PATCH_SWITCHES (WORKERS is a count, and the harness passes --workers itself). */
const SWITCH_VARIABLES = [...new Set(PATCH_SWITCHES.flatMap((entry) => Object.keys(entry.off)))].filter((name) => name !== 'WORKERS');

/** Variables the harness sets for its own purposes: a variant changing them would break the run, not measure a patch. */
const RESERVED = new Set([
  'PORT', 'HOST', 'DATABASE_URL', 'ENV_PATH', 'NODE_ENV', 'SQL_STATEMENT_HEADER', 'ADMIN_EMAIL', 'ADMIN_PASSWORD', 'SEED_ON_BOOTSTRAP', 'TZ',
]);

/**
 * @typedef {object} Variant
 * @property {string} name
 * @property {Mode} base
 * @property {Record<string, string>} env  the variables it sets on top of its base's
 */

/**
 * Reads `name:[base+]VAR=value[+VAR=value...]`, comma-separated; the base is
 * warm when none is given.
 * @param {string} raw
 * @returns {Variant[]}
 */
function parseVariants(raw) {
  /** @type {Variant[]} */
  const variants = [];
  for (const item of raw.split(',').map((part) => part.trim()).filter(Boolean)) {
    const colon = item.indexOf(':');
    const name = colon === -1 ? '' : item.slice(0, colon).trim();
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) {
      throw new Error(`--variants: "${item}" must be name:[base+]VAR=value[+VAR=value], with a name of lowercase letters, digits and -`);
    }
    const parts = item.slice(colon + 1).split('+').map((part) => part.trim());
    /** @type {Mode} */
    let base = 'warm';
    if (parts[0] in MODE_ENV) base = /** @type {Mode} */ (parts.shift());
    /** @type {Record<string, string>} */
    const env = {};
    for (const part of parts) {
      const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(part);
      if (!match) throw new Error(`--variants: in "${item}", "${part}" is neither stock, cold or warm nor VAR=value`);
      if (RESERVED.has(match[1])) throw new Error(`--variants: ${match[1]} is set by the bench itself and cannot be varied`);
      env[match[1]] = match[2];
    }
    if (Object.keys(env).length === 0) throw new Error(`--variants: "${item}" sets no variable`);
    variants.push({ name, base, env });
  }
  return variants;
}

/**
 * One variant per patch and base of PATCH_SWITCHES, for the bases among the
 * targets (`cold-no-graphql-batching`, `warm-no-workers`, ...).
 * @param {readonly string[]} targets
 * @returns {Variant[]}
 */
function eachPatchVariants(targets) {
  return PATCH_SWITCHES.flatMap((entry) =>
    entry.bases.filter((base) => targets.includes(base)).map((base) => ({ name: `${base}-no-${entry.patch}`, base, env: { ...entry.off } })),
  );
}

/**
 * The switches a target runs with (its mode's plus the variant's), WORKERS
 * included when the harness or the variant sets it: two targets with equal
 * switches are the same server.
 * @param {Mode} base
 * @param {Record<string, string>} env
 * @param {number | undefined} workers
 * @returns {Record<string, string>}
 */
function effectiveSwitches(base, env, workers) {
  /** @type {Record<string, string>} */
  const switches = { ...MODE_ENV[base] };
  if (workers !== undefined) switches.WORKERS = String(workers);
  return { ...switches, ...env };
}

/** @param {Record<string, string>} a @param {Record<string, string>} b */
function sameSwitches(a, b) {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => b[key] === a[key]);
}

/**
 * Whether a target with these switches keeps a response cache (and so must hear every write of S5),
 * read with the app's own flag parser (src/platform/settings/flags.ts, compiled to dist/ by the
 * build the bench runs first), so the bench and the app never disagree about a spelling.
 * @param {Record<string, string>} switches
 */
function keepsCache(switches) {
  /** @type {{ parseFlag: (name: string, raw: string | undefined, fallback: boolean) => boolean }} */
  const flags = require(path.join(__dirname, '..', '..', 'dist', 'src', 'platform', 'settings', 'flags'));
  return !flags.parseFlag('STOCK_STRAPI', switches.STOCK_STRAPI, false) && flags.parseFlag('RESPONSE_CACHE', switches.RESPONSE_CACHE, true);
}

module.exports = { MODE_ENV, PATCH_SWITCHES, SWITCH_VARIABLES, parseVariants, eachPatchVariants, effectiveSwitches, sameSwitches, keepsCache };
