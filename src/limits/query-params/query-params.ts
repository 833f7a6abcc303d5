import { ALL_OPERATORS, asList, operatorProblem, type FieldInfo } from './field-operators';
import { isPlainObject } from '../../platform/values';

/**
 * Checks the read parameters a content-API caller hands the Document Service
 * (`filters`, `fields`, `sort`, `populate`, `_q`), at every level of
 * `populate`, against the content types' fields. What it refuses would
 * otherwise reach the database as SQL PostgreSQL rejects, or make Strapi's
 * query builder throw a plain Error: both were 500s.
 */

export interface Attribute {
  type: string;
  enum?: string[];
  target?: string;
  relation?: string;
  private?: boolean;
}
export type Model = { attributes: Record<string, Attribute>; info?: { singularName?: string } };
export type ModelOf = (uid: string) => Model | undefined;

/** Names that must never be used as field, sort or populate keys. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const GROUP_OPERATORS = new Set(['$and', '$or']);
/** Operators Strapi applies to a relation's id when put directly on it: only presence is meaningful. */
const RELATION_OPERATORS = new Set(['$null', '$notNull']);
const MAX_SEARCH_LENGTH = 200;

/** Relations the content API may follow: to the project's content types only (never admin users behind createdBy/updatedBy). */
const isContentRelation = (attribute: Attribute) =>
  attribute.type === 'relation' && typeof attribute.target === 'string' && attribute.target.startsWith('api::');

function fieldOf(model: Model, name: string): FieldInfo | null {
  if (name === 'id') return { type: 'id' };
  // Strapi 5 adds documentId to every content type, outside the declared attributes.
  if (name === 'documentId') return { type: 'string' };
  const attribute = model.attributes[name];
  if (!attribute || attribute.type === 'relation' || attribute.private) return null;
  return { type: attribute.type, enum: attribute.enum };
}

const typeName = (model: Model) => model.info?.singularName ?? 'entry';

class Walker {
  constructor(private readonly modelOf: ModelOf) {}

  /** A field's operators: `{ $eq: x }`, a bare value (implicit $eq), or `$not` nesting more operators. */
  private attributeProblem(path: string, name: string, field: FieldInfo, value: unknown): string | null {
    if (!isPlainObject(value)) return operatorProblem(path, name, field, '$eq', value);
    const keys = Object.keys(value);
    if (keys.length === 0) return `${path} is empty: give an operator, such as ${path}[$eq]=…`;
    for (const key of keys) {
      const childPath = `${path}[${key}]`;
      if (!key.startsWith('$')) {
        return `${childPath}: ${name} is a field, not a relation; use an operator, such as ${path}[$eq]=…`;
      }
      if (key === '$not') {
        const problem = this.attributeProblem(childPath, name, field, value[key]);
        if (problem) return problem;
        continue;
      }
      const problem = operatorProblem(childPath, name, field, key, value[key]);
      if (problem) return problem;
    }
    return null;
  }

  private conditionListProblem(uid: string, path: string, value: unknown, depth: number): string | null {
    const list = asList(value);
    if (!list || list.length === 0) return `${path} must be a list of conditions, such as ${path}[0][title][$eq]=…`;
    for (const [index, condition] of list.entries()) {
      const problem = this.filtersProblem(uid, condition, `${path}[${index}]`, depth + 1);
      if (problem) return problem;
    }
    return null;
  }

  filtersProblem(uid: string, filters: unknown, path: string, depth = 0): string | null {
    if (depth > 20) return `${path} nests conditions too deeply`;
    const model = this.modelOf(uid);
    if (!model) return `${path} cannot be used here`;
    if (!isPlainObject(filters)) {
      return Array.isArray(filters)
        ? `${path} must be an object of fields and operators, not a list; combine conditions with ${path}[$and][0][title][$eq]=…`
        : `${path} must be an object of fields and operators, such as ${path}[title][$eq]=…`;
    }
    for (const [key, value] of Object.entries(filters)) {
      const childPath = `${path}[${key}]`;
      if (GROUP_OPERATORS.has(key)) {
        const problem = this.conditionListProblem(uid, childPath, value, depth);
        if (problem) return problem;
        continue;
      }
      if (key === '$not') {
        const problem = this.filtersProblem(uid, value, childPath, depth + 1);
        if (problem) return problem;
        continue;
      }
      if (key.startsWith('$')) {
        return ALL_OPERATORS.has(key)
          ? `${childPath}: the operator ${key} must follow a field, such as ${path}[title][${key}]=…`
          : `${childPath}: ${key} is not a filter operator`;
      }
      const attribute = key === 'id' ? undefined : model.attributes[key];
      if (attribute?.type === 'relation') {
        const problem = this.relationFilterProblem(key, attribute, value, childPath, depth);
        if (problem) return problem;
        continue;
      }
      const field = PROTOTYPE_KEYS.has(key) ? null : fieldOf(model, key);
      if (!field) return `${childPath}: ${key} is not a field of ${typeName(model)} that can be filtered on`;
      const problem = this.attributeProblem(childPath, key, field, value);
      if (problem) return problem;
    }
    return null;
  }

  private relationFilterProblem(name: string, attribute: Attribute, value: unknown, path: string, depth: number): string | null {
    if (!isContentRelation(attribute)) return `${path}: ${name} cannot be filtered on`;
    const target = attribute.target as string;
    if (!isPlainObject(value)) {
      return `${path}: ${name} is a relation; filter on one of its fields, such as ${path}[slug][$eq]=…`;
    }
    for (const [key, child] of Object.entries(value)) {
      if (!key.startsWith('$') || GROUP_OPERATORS.has(key) || key === '$not') continue;
      if (!RELATION_OPERATORS.has(key)) {
        return `${path}[${key}]: ${name} is a relation, so ${key} cannot apply to it directly; filter on one of its fields, such as ${path}[slug][${key}]=…`;
      }
      if (![true, false, 'true', 'false'].includes(child as string)) return `${path}[${key}] must be true or false`;
    }
    const rest = Object.fromEntries(Object.entries(value).filter(([key]) => !RELATION_OPERATORS.has(key)));
    return Object.keys(rest).length === 0 ? null : this.filtersProblem(target, rest, path, depth + 1);
  }

  /** `fields`: scalar field names of the model (a string, a comma list, or a list). */
  fieldsProblem(uid: string, fields: unknown, path: string): string | null {
    const model = this.modelOf(uid);
    if (!model) return null;
    const names = typeof fields === 'string' ? fields.split(',') : asList(fields);
    if (!names) return `${path} must be a list of field names, such as ${path}[0]=title`;
    for (const name of names) {
      if (typeof name !== 'string') return `${path} must be a list of field names, such as ${path}[0]=title`;
      const trimmed = name.trim();
      if (trimmed === '' || trimmed === '*') continue;
      if (trimmed === 'documentId' || trimmed === 'id') continue;
      if (PROTOTYPE_KEYS.has(trimmed) || !fieldOf(model, trimmed)) {
        return `${path}: ${JSON.stringify(trimmed.slice(0, 60))} is not a field of ${typeName(model)}`;
      }
    }
    return null;
  }

  /** `sort`: "field:asc", lists of them, or { field: 'asc' }; relation paths only at the top. */
  sortProblem(uid: string, sort: unknown, path: string, allowRelations: boolean): string | null {
    const model = this.modelOf(uid);
    if (!model) return null;
    const entries: Array<[string, unknown]> = [];
    const collect = (value: unknown): string | null => {
      if (typeof value === 'string') {
        for (const part of value.split(',')) {
          const [field, order] = part.trim().split(':');
          entries.push([field, order ?? 'asc']);
        }
        return null;
      }
      const list = asList(value);
      if (list) {
        for (const item of list) {
          const problem = collect(item);
          if (problem) return problem;
        }
        return null;
      }
      if (isPlainObject(value)) {
        // { people: { name: 'asc' } } is the object form of people.name:asc.
        const flatten = (object: Record<string, unknown>, prefix: string) => {
          for (const [field, order] of Object.entries(object)) {
            if (isPlainObject(order)) flatten(order, `${prefix}${field}.`);
            else entries.push([`${prefix}${field}`, order]);
          }
        };
        flatten(value, '');
        return null;
      }
      return `${path} must be a field and order, such as ${path}=title:asc`;
    };
    const shapeProblem = collect(sort);
    if (shapeProblem) return shapeProblem;

    for (const [fieldPath, order] of entries) {
      if (fieldPath === '') continue;
      const segments = fieldPath.split('.');
      let current: Model | undefined = model;
      for (const [index, segment] of segments.entries()) {
        if (!current) return `${path}: ${fieldPath} cannot be sorted on`;
        const attribute: Attribute | undefined = current.attributes[segment];
        const last = index === segments.length - 1;
        if (PROTOTYPE_KEYS.has(segment)) return `${path}: ${JSON.stringify(segment)} is not a field`;
        if (!last) {
          if (!attribute || !isContentRelation(attribute)) return `${path}: ${fieldPath} cannot be sorted on`;
          if (!allowRelations) {
            return `${path}: ${fieldPath} sorts on a relation's field, which is not possible inside populate; sort on a field of ${typeName(current)}`;
          }
          current = this.modelOf(attribute.target as string);
          continue;
        }
        if (!fieldOf(current, segment)) return `${path}: ${fieldPath} is not a field that can be sorted on`;
      }
      if (typeof order !== 'string' || !/^(asc|desc)$/i.test(order.trim())) return `${path}: the order of ${fieldPath} must be asc or desc`;
    }
    return null;
  }

  /** `populate` at any depth: relation names (or '*'), and each relation's own fields, filters, sort and populate. */
  populateProblem(uid: string, populate: unknown, path: string, depth = 0): string | null {
    if (depth > 10) return `${path} nests populate too deeply`;
    const model = this.modelOf(uid);
    if (!model) return null;
    if (populate === undefined || populate === null || typeof populate === 'boolean') return null;
    const relationProblem = (name: string) => {
      if (name === '*' || name === '') return null;
      const [first] = name.split('.');
      const attribute = PROTOTYPE_KEYS.has(first) ? undefined : model.attributes[first];
      if (!attribute || attribute.type !== 'relation') return `${path}: ${JSON.stringify(first.slice(0, 60))} is not a relation of ${typeName(model)}`;
      if (!isContentRelation(attribute)) return `${path}: ${first} cannot be populated`;
      return null;
    };
    if (typeof populate === 'string') {
      for (const name of populate.split(',')) {
        const problem = relationProblem(name.trim());
        if (problem) return problem;
      }
      return null;
    }
    const list = asList(populate);
    if (list) {
      for (const item of list) {
        if (typeof item !== 'string') return `${path} must be a list of relation names`;
        const problem = relationProblem(item.trim());
        if (problem) return problem;
      }
      return null;
    }
    if (!isPlainObject(populate)) return `${path} must name relations, such as ${path}=people`;
    for (const [name, options] of Object.entries(populate)) {
      const childPath = `${path}[${name}]`;
      const problem = relationProblem(name);
      if (problem) return problem;
      if (name === '*') continue;
      const target = model.attributes[name].target as string;
      if (!isPlainObject(options)) {
        if (options === true || options === 'true' || options === '*' || options === false || options === 'false') continue;
        return `${childPath} must be true, '*' or an object of options (fields, filters, sort, populate)`;
      }
      for (const [key, value] of Object.entries(options)) {
        const optionPath = `${childPath}[${key}]`;
        let optionProblem: string | null = null;
        if (key === 'filters') optionProblem = this.filtersProblem(target, value, optionPath);
        else if (key === 'fields') optionProblem = this.fieldsProblem(target, value, optionPath);
        else if (key === 'sort') optionProblem = this.sortProblem(target, value, optionPath, false);
        else if (key === 'populate') optionProblem = this.populateProblem(target, value, optionPath, depth + 1);
        if (optionProblem) return optionProblem;
      }
    }
    return null;
  }
}

export interface ReadParams {
  filters?: unknown;
  fields?: unknown;
  sort?: unknown;
  populate?: unknown;
  _q?: unknown;
}

/** The first problem in a content-API read's parameters, or null. */
export function readParamsProblem(modelOf: ModelOf, uid: string, params: ReadParams): string | null {
  const walker = new Walker(modelOf);
  if (params._q !== undefined && params._q !== null) {
    if (typeof params._q !== 'string') return '_q must be a single search text, such as _q=putin';
    if (params._q.length > MAX_SEARCH_LENGTH) return `_q may be at most ${MAX_SEARCH_LENGTH} characters long`;
    if (params._q.includes('\u0000')) return '_q must not contain NUL characters';
  }
  return (
    (params.filters === undefined || params.filters === null ? null : walker.filtersProblem(uid, params.filters, 'filters')) ??
    (params.fields === undefined ? null : walker.fieldsProblem(uid, params.fields, 'fields')) ??
    (params.sort === undefined || params.sort === null ? null : walker.sortProblem(uid, params.sort, 'sort', true)) ??
    walker.populateProblem(uid, params.populate, 'populate')
  );
}
