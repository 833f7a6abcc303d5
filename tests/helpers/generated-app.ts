import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Random } from './prng';
import { APP_ROOT, DIST_DIR } from './paths';

/**
 * Generated content models for differential tests: content types and
 * components beyond the seed's, written as schema files into a copy of the
 * compiled app, so Strapi's own loaders read them, its schema sync makes their
 * tables and its router registers their `find` / `findOne` actions, exactly as
 * for types an editor made in the Content-Type Builder.
 */

/** Every stored-value attribute type Strapi 5 has (media, components and dynamic zones are added separately). */
export const SCALAR_TYPES = [
  'string', 'text', 'richtext', 'blocks', 'email', 'password', 'uid', 'integer', 'biginteger', 'float',
  'decimal', 'boolean', 'date', 'time', 'datetime', 'timestamp', 'json', 'enumeration',
] as const;
export type ScalarType = (typeof SCALAR_TYPES)[number];

export const RELATION_KINDS = ['oneToOne', 'oneToMany', 'manyToOne', 'manyToMany'] as const;
type RelationKind = (typeof RELATION_KINDS)[number];
const INVERSE_KIND: Record<RelationKind, RelationKind> = {
  oneToOne: 'oneToOne',
  oneToMany: 'manyToOne',
  manyToOne: 'oneToMany',
  manyToMany: 'manyToMany',
};

export const ENUM_VALUES = ['red', 'green', 'blue'] as const;

export interface Attribute {
  type: string;
  private?: boolean;
  relation?: string;
  target?: string;
  inversedBy?: string;
  mappedBy?: string;
  component?: string;
  components?: string[];
  repeatable?: boolean;
  multiple?: boolean;
  allowedTypes?: string[];
  enum?: readonly string[];
}

export interface GeneratedContentType {
  /** kebab-case singular name, also the API folder's name. */
  name: string;
  uid: string;
  pluralName: string;
  kind: 'collectionType' | 'singleType';
  /**
   * Made only of stored values and relations to other such types: what the
   * one-pass sanitizer walks itself. The others have components, dynamic
   * zones, media, polymorphic relations or creator relations it leaves to stock.
   */
  plain: boolean;
  draftAndPublish: boolean;
  attributes: Record<string, Attribute>;
  /** `options.privateAttributes` of the schema (names of attributes and of other keys). */
  privateAttributes: string[];
  populateCreatorFields: boolean;
}

export interface GeneratedComponent {
  uid: string;
  category: string;
  name: string;
  attributes: Record<string, Attribute>;
}

export interface GeneratedModel {
  contentTypes: GeneratedContentType[];
  components: GeneratedComponent[];
  /** `api.responses.privateAttributes`: private on every model. */
  globalPrivateAttributes: string[];
}

const PLAIN_NAMES = ['diff-alpha', 'diff-beta', 'diff-gamma', 'diff-delta'] as const;
const uidOf = (name: string) => `api::${name}.${name}`;

function scalarAttribute(type: ScalarType, random: Random): Attribute {
  const attribute: Attribute = { type };
  if (type === 'enumeration') attribute.enum = ENUM_VALUES;
  if (type !== 'password' && random.chance(0.2)) attribute.private = true;
  return attribute;
}

/** Random stored-value attributes; `all` puts every type in at least once. */
function scalarAttributes(random: Random, all: boolean): Record<string, Attribute> {
  const types: ScalarType[] = all ? [...SCALAR_TYPES] : random.subset(SCALAR_TYPES, 0.45);
  if (all || random.chance(0.5)) types.push(random.pick(SCALAR_TYPES), random.pick(SCALAR_TYPES));
  const attributes: Record<string, Attribute> = {};
  types.forEach((type, index) => {
    attributes[`${type}${index}`] = scalarAttribute(type, random);
  });
  return attributes;
}

/** Keys that stock leaves alone on output unless they are attributes: `options.privateAttributes` may still name them. */
const NON_ATTRIBUTE_KEYS = ['id', 'documentId'];
const TIMESTAMP_KEYS = ['createdAt', 'updatedAt', 'publishedAt'];

export function generateModel(random: Random): GeneratedModel {
  const plain: GeneratedContentType[] = PLAIN_NAMES.map((name, index) => ({
    name,
    uid: uidOf(name),
    pluralName: `${name}s`,
    kind: 'collectionType',
    plain: true,
    draftAndPublish: random.chance(0.5),
    // The first type has every attribute type; the others a random few.
    attributes: scalarAttributes(random, index === 0),
    privateAttributes: [],
    populateCreatorFields: false,
  }));

  // Relations between the plain types: each kind both ways and one way, then a few more at random.
  const kinds: RelationKind[] = [...RELATION_KINDS, ...RELATION_KINDS.map((kind) => kind)];
  for (let extra = random.int(2, 5); extra > 0; extra -= 1) kinds.push(random.pick(RELATION_KINDS));
  kinds.forEach((kind, index) => {
    const source = random.pick(plain);
    const target = random.pick(plain);
    const name = `${kind}${index}`;
    const bidirectional = index < RELATION_KINDS.length || (index >= 2 * RELATION_KINDS.length && random.chance(0.5));
    const attribute: Attribute = { type: 'relation', relation: kind, target: target.uid };
    if (random.chance(0.15)) attribute.private = true;
    if (bidirectional) {
      const inverse = `${name}Inverse`;
      // Strapi wants the many side of a one-to-many to own it (`inversedBy`), the other side `mappedBy`.
      const sourceOwns = kind !== 'oneToMany';
      if (sourceOwns) attribute.inversedBy = inverse;
      else attribute.mappedBy = inverse;
      target.attributes[inverse] = {
        type: 'relation',
        relation: INVERSE_KIND[kind],
        target: source.uid,
        ...(sourceOwns ? { mappedBy: name } : { inversedBy: name }),
        ...(random.chance(0.15) ? { private: true } : {}),
      };
    }
    source.attributes[name] = attribute;
  });

  // `options.privateAttributes`: attribute names and keys that are no attribute at all.
  plain.forEach((type, index) => {
    if (index > 0 && random.chance(0.4)) return;
    const names = random.subset(Object.keys(type.attributes), 0.15);
    const others = random.subset([...NON_ATTRIBUTE_KEYS, ...TIMESTAMP_KEYS], 0.3);
    // The first type always names one key that is not an attribute.
    if (index === 0 && !others.some((key) => NON_ATTRIBUTE_KEYS.includes(key))) others.push(random.pick(NON_ATTRIBUTE_KEYS));
    type.privateAttributes = [...names, ...others];
  });

  const [alpha, beta, gamma] = plain;
  const single: GeneratedContentType = {
    name: 'diff-single',
    uid: uidOf('diff-single'),
    pluralName: 'diff-singles',
    kind: 'singleType',
    plain: true,
    draftAndPublish: random.chance(0.5),
    attributes: {
      ...scalarAttributes(random, false),
      alpha: { type: 'relation', relation: 'oneToOne', target: alpha.uid },
      betas: { type: 'relation', relation: 'oneToMany', target: beta.uid },
      gammas: { type: 'relation', relation: 'manyToMany', target: gamma.uid, private: random.chance(0.3) },
    },
    privateAttributes: random.subset([...NON_ATTRIBUTE_KEYS, ...TIMESTAMP_KEYS], 0.2),
    populateCreatorFields: false,
  };

  const part: GeneratedComponent = {
    uid: 'diff.part',
    category: 'diff',
    name: 'part',
    attributes: {
      label: { type: 'string' },
      secret: { type: 'string', private: true },
      code: { type: 'password' },
      score: { type: 'integer', ...(random.chance(0.5) ? { private: true } : {}) },
      alpha: { type: 'relation', relation: 'oneToOne', target: alpha.uid },
    },
  };
  const note: GeneratedComponent = {
    uid: 'diff.note',
    category: 'diff',
    name: 'note',
    attributes: {
      body: { type: 'text' },
      hidden: { type: 'boolean', private: true },
      part: { type: 'component', component: part.uid, repeatable: false },
    },
  };

  const mixed: GeneratedContentType = {
    name: 'diff-mixed',
    uid: uidOf('diff-mixed'),
    pluralName: 'diff-mixeds',
    kind: 'collectionType',
    plain: false,
    draftAndPublish: random.chance(0.5),
    attributes: {
      ...scalarAttributes(random, false),
      part: { type: 'component', component: part.uid, repeatable: false },
      parts: { type: 'component', component: part.uid, repeatable: true },
      zone: { type: 'dynamiczone', components: [part.uid, note.uid] },
      cover: { type: 'media', multiple: false, allowedTypes: ['images', 'files'] },
      gallery: { type: 'media', multiple: true, allowedTypes: ['images', 'files'] },
      attached: { type: 'relation', relation: 'morphToMany' },
      alpha: { type: 'relation', relation: 'oneToOne', target: alpha.uid },
      betas: { type: 'relation', relation: 'manyToMany', target: beta.uid },
      gamma: { type: 'relation', relation: 'manyToOne', target: gamma.uid, private: true },
    },
    privateAttributes: random.subset(NON_ATTRIBUTE_KEYS, 0.3),
    populateCreatorFields: false,
  };

  // Plain but for its creator relations, which point at admin users.
  const creator: GeneratedContentType = {
    name: 'diff-creator',
    uid: uidOf('diff-creator'),
    pluralName: 'diff-creators',
    kind: 'collectionType',
    plain: false,
    draftAndPublish: false,
    attributes: {
      ...scalarAttributes(random, false),
      alpha: { type: 'relation', relation: 'manyToOne', target: alpha.uid },
    },
    privateAttributes: [],
    populateCreatorFields: true,
  };

  return {
    contentTypes: [...plain, single, mixed, creator],
    components: [part, note],
    globalPrivateAttributes: random.subset(['updatedAt', 'publishedAt', 'documentId'], 0.25),
  };
}

export interface GeneratedApp {
  /** The copy of the compiled app with the generated types in it. */
  distDir: string;
  remove(): void;
}

/**
 * Copies the compiled app (dist/, compiled by the tests' global setup) to a
 * temporary folder and writes the model into it the way `strapi build` would
 * lay it out: schema.json and core router, controller and service per type,
 * one JSON file per component. The configuration gains the model's
 * `api.responses.privateAttributes`.
 */
export function writeGeneratedApp(model: GeneratedModel): GeneratedApp {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'news-cms-generated-app-'));
  const distDir = path.join(root, 'dist');
  fs.cpSync(DIST_DIR, distDir, { recursive: true });
  // The compiled files require the app's packages: resolved from here as from the app itself.
  fs.symlinkSync(path.join(APP_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');

  const writeJson = (file: string, value: unknown) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
  };
  const writeModule = (file: string, source: string) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `'use strict';\n${source}\n`);
  };

  for (const type of model.contentTypes) {
    const folder = path.join(distDir, 'src', 'api', type.name);
    writeJson(path.join(folder, 'content-types', type.name, 'schema.json'), {
      kind: type.kind,
      collectionName: type.pluralName.replace(/-/g, '_'),
      info: { singularName: type.name, pluralName: type.pluralName, displayName: type.name },
      options: {
        draftAndPublish: type.draftAndPublish,
        ...(type.privateAttributes.length > 0 ? { privateAttributes: type.privateAttributes } : {}),
        ...(type.populateCreatorFields ? { populateCreatorFields: true } : {}),
      },
      pluginOptions: {},
      attributes: type.attributes,
    });
    for (const [folderName, factory] of [['routes', 'createCoreRouter'], ['controllers', 'createCoreController'], ['services', 'createCoreService']]) {
      writeModule(
        path.join(folder, folderName, `${type.name}.js`),
        `module.exports = require('@strapi/strapi').factories.${factory}('${type.uid}');`,
      );
    }
  }
  for (const component of model.components) {
    writeJson(path.join(distDir, 'src', 'components', component.category, `${component.name}.json`), {
      collectionName: `components_${component.category}_${component.name}s`,
      info: { displayName: component.name },
      options: {},
      attributes: component.attributes,
    });
  }

  // The app's own api config (compiled to `exports.default`), with the generated global private attributes added.
  fs.appendFileSync(
    path.join(distDir, 'config', 'api.js'),
    `\nconst ownApiConfig = exports.default;
exports.default = (params) => ({ ...ownApiConfig(params), responses: { privateAttributes: ${JSON.stringify(model.globalPrivateAttributes)} } });\n`,
  );

  return { distDir, remove: () => fs.rmSync(root, { recursive: true, force: true }) };
}
