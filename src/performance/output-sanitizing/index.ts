import type { Core, Schema } from '@strapi/strapi';
import { contentTypes } from '@strapi/utils';
import { isPlainObject } from '../../platform/values';
import { guardPatch } from '../registry/guard';
import { PATCHES } from '../registry/patches';

type Auth = unknown;
type OutputSanitizer = (data: unknown, schema: Schema.ContentType, options?: { auth?: Auth }) => Promise<unknown>;
type RegisteredSanitizer = (schema: Schema.ContentType) => (data: unknown) => unknown;

/** Attribute types whose value is a plain stored value: the sanitizer only ever removes such a key whole. */
const VALUE_TYPES = new Set([
  'string', 'text', 'richtext', 'blocks', 'json', 'email', 'uid', 'enumeration', 'integer', 'biginteger',
  'float', 'decimal', 'date', 'time', 'datetime', 'timestamp', 'boolean',
]);

/** Returned by the walk for anything it was not written for: the whole call then goes to stock. */
const UNSUPPORTED = Symbol('unsupported');

interface Attribute {
  type: string;
  relation?: string;
  target?: string;
}

/**
 * Strapi's content-API output sanitizing, in one synchronous pass.
 *
 * Stock `sanitize.output` walks every entity of an answer, and every related
 * entity in it, once per sanitizer: the default one (remove password and
 * private attributes), then the one that removes relations the caller may not
 * `find`, then each sanitizer a plugin registered. Each walk builds a path
 * string, an options object and a promise per key: for a page of 25 articles
 * with their people and events that is about a fifth of the request's CPU.
 *
 * For content types made only of stored values and relations to other such
 * types, those first two walks decide per key from nothing but the schema and
 * the caller: a key is removed when its attribute is a password or private
 * (Strapi's own `isPrivateAttribute`), or when it is a relation whose target
 * the caller may not `find` (asked once per target through `strapi.auth.verify`,
 * as stock does); a relation that stays is walked with its target's schema.
 * Here that is one pass, without promises. The plugins' registered sanitizers
 * then run exactly as in stock, after it.
 *
 * Anything else (components, dynamic zones, media, polymorphic relations,
 * relations to plugin types, data that is not plain objects) goes to the stock
 * sanitizer untouched. Off when STOCK_STRAPI=true or ONE_PASS_SANITIZER=false.
 *
 * Held to stock's answers by tests/api/output-sanitizing.test.ts (the seed's
 * types) and tests/performance/sanitizer-differential.test.ts (generated
 * types, entries, permission sets and queries).
 */
export function sanitizeOutputInOnePass(strapi: Core.Strapi): void {
  if (!guardPatch(strapi, PATCHES.onePassSanitizer, { sanitize: strapi.contentAPI.sanitize, sanitizers: strapi.sanitizers, auth: strapi.auth })) return;

  const sanitize = strapi.contentAPI.sanitize as unknown as { output: OutputSanitizer };
  const stockOutput = sanitize.output.bind(sanitize);
  const targetsBySchema = new WeakMap<object, ReadonlySet<string> | null>();

  /** The relation targets reachable from a schema, or null when one of its types is not supported. */
  const reachableTargets = (schema: Schema.ContentType): ReadonlySet<string> | null => {
    const known = targetsBySchema.get(schema);
    if (known !== undefined) return known;
    const targets = new Set<string>();
    const pending: Schema.ContentType[] = [schema];
    const seen = new Set<object>();
    let supported = true;
    while (pending.length > 0 && supported) {
      const current = pending.pop()!;
      if (seen.has(current)) continue;
      seen.add(current);
      for (const [key, attribute] of Object.entries(current.attributes as Record<string, Attribute>)) {
        if (VALUE_TYPES.has(attribute.type) || attribute.type === 'password') continue;
        if (contentTypes.isPrivateAttribute(current, key)) continue; // removed whole, never walked
        const target = attribute.type === 'relation' && !attribute.relation?.startsWith('morph') ? attribute.target : undefined;
        const targetSchema = target?.startsWith('api::') ? (strapi.getModel(target as never) as Schema.ContentType | undefined) : undefined;
        if (!target || !targetSchema) {
          supported = false;
          break;
        }
        targets.add(target);
        pending.push(targetSchema);
      }
    }
    const result = supported ? targets : null;
    targetsBySchema.set(schema, result);
    return result;
  };

  const canFind = async (target: string, auth: Auth): Promise<boolean> => {
    try {
      await strapi.auth.verify(auth as never, { scope: `${target}.find` } as never);
      return true;
    } catch {
      return false;
    }
  };

  /** One entity: a shallow copy without the keys the first two stock walks would remove. */
  const walk = (entity: unknown, schema: Schema.ContentType, allowed: ReadonlyMap<string, boolean> | null): unknown => {
    if (entity === null || (typeof entity !== 'object' && typeof entity !== 'function')) return entity;
    if (!isPlainObject(entity)) throw UNSUPPORTED;
    const copy: Record<string, unknown> = { ...entity };
    for (const key of Object.keys(copy)) {
      const attribute = (schema.attributes as Record<string, Attribute | undefined>)[key];
      // Stock's visitors leave every key that is no attribute (`id`, `documentId`, a count...) alone,
      // even when `options.privateAttributes` or `api.responses.privateAttributes` names it.
      if (!attribute) continue;
      if (attribute.type === 'password' || contentTypes.isPrivateAttribute(schema, key)) {
        delete copy[key];
        continue;
      }
      if (attribute.type !== 'relation') continue;
      const target = attribute.target as string;
      // Stock removes a relation the caller may not find whatever its value, null included.
      if (allowed && !allowed.get(target)) {
        delete copy[key];
        continue;
      }
      const value = copy[key];
      if (value === null || value === undefined) continue;
      const targetSchema = strapi.getModel(target as never) as Schema.ContentType;
      copy[key] = Array.isArray(value) ? value.map((item) => walk(item, targetSchema, allowed)) : walk(value, targetSchema, allowed);
    }
    return copy;
  };

  const sanitizeOne = async (data: unknown, schema: Schema.ContentType, allowed: ReadonlyMap<string, boolean> | null) => {
    let result = walk(data, schema, allowed);
    // The plugins' sanitizers, in their order, as stock runs them after its own two.
    const registered = (strapi.sanitizers.get('content-api.output') ?? []) as RegisteredSanitizer[];
    for (const sanitizer of registered) result = await sanitizer(schema)(result);
    return result;
  };

  sanitize.output = async (data, schema, options = {}) => {
    const targets = schema ? reachableTargets(schema) : null;
    if (!targets) return stockOutput(data, schema, options);
    const { auth } = options;
    // Without a caller stock skips the relation check altogether.
    let allowed: Map<string, boolean> | null = null;
    if (auth) {
      allowed = new Map();
      for (const target of targets) allowed.set(target, await canFind(target, auth));
    }
    try {
      if (!Array.isArray(data)) return await sanitizeOne(data, schema, allowed);
      const results: unknown[] = [];
      for (const item of data) results.push(await sanitizeOne(item, schema, allowed));
      return results;
    } catch (error) {
      if (error === UNSUPPORTED) return stockOutput(data, schema, options);
      throw error;
    }
  };
}
