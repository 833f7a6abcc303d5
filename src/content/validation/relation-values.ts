import { errors } from '@strapi/utils';
import { isPlainObject } from '../../platform/values';

/**
 * Checks the shape of relation values in write data before Strapi resolves
 * them. Strapi passes what it finds inside `connect` / `set` on to SQL (an id
 * compared with `{ "$gt": 0 }`, an id out of the integer range); the failed
 * statement aborts the write's transaction, and the slug's uniqueness check,
 * running beside it in that transaction, then fails unhandled ("current
 * transaction is aborted"), which stopped the worker. Refused here, such a body
 * is a 400 and nothing reaches the database.
 *
 * Accepted: a documentId, a numeric id, `{ documentId | id, locale?, status?,
 * position? }`, a list of those, or `{ connect, disconnect, set }` holding them.
 */
const ITEM_KEYS = new Set(['documentId', 'id', 'locale', 'status', 'position']);
const POSITION_KEYS = new Set(['before', 'after', 'start', 'end']);
const CHANGE_KEYS = new Set(['connect', 'disconnect', 'set']);
const INT32_MAX = 2_147_483_647;
const MAX_DOCUMENT_ID_LENGTH = 64;
const MAX_ITEMS = 1000;

const isId = (value: unknown) =>
  (typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= INT32_MAX) ||
  (typeof value === 'string' && /^\d{1,10}$/.test(value) && Number(value) > 0 && Number(value) <= INT32_MAX);

const isDocumentId = (value: unknown) =>
  typeof value === 'string' && value.length > 0 && value.length <= MAX_DOCUMENT_ID_LENGTH && /^[A-Za-z0-9_-]+$/.test(value);

const EXAMPLE = 'a documentId, a list of them, or { "connect": ["<documentId>"] }';

function itemProblem(item: unknown): string | null {
  if (isDocumentId(item) || isId(item)) return null;
  if (!isPlainObject(item)) return `each relation must be ${EXAMPLE}`;
  for (const [key, value] of Object.entries(item)) {
    if (!ITEM_KEYS.has(key)) return `"${key.slice(0, 40)}" is not a relation key; use documentId (and locale, status, position)`;
    if (key === 'documentId' && !isDocumentId(value)) return 'documentId must be a document id (letters, digits, - and _)';
    if (key === 'id' && !isId(value)) return 'id must be a positive integer';
    if ((key === 'locale' || key === 'status') && value !== null && typeof value !== 'string') return `${key} must be text`;
    if (key === 'position') {
      if (!isPlainObject(value)) return 'position must be an object such as { "before": "<documentId>" }';
      for (const [side, target] of Object.entries(value)) {
        if (!POSITION_KEYS.has(side)) return `position.${side.slice(0, 40)} is not a position; use before, after, start or end`;
        if ((side === 'before' || side === 'after') && !isDocumentId(target) && !isId(target)) return `position.${side} must be a documentId`;
        if ((side === 'start' || side === 'end') && typeof target !== 'boolean') return `position.${side} must be true or false`;
      }
    }
  }
  if (!('documentId' in item) && !('id' in item)) return 'each relation object needs a documentId';
  return null;
}

function listProblem(value: unknown): string | null {
  const items = Array.isArray(value) ? value : [value];
  if (items.length > MAX_ITEMS) return `at most ${MAX_ITEMS} relations may be sent at once`;
  for (const item of items) {
    const problem = itemProblem(item);
    if (problem) return problem;
  }
  return null;
}

export function relationValueProblem(value: unknown): string | null {
  if (value === null) return null;
  if (isPlainObject(value) && Object.keys(value).some((key) => CHANGE_KEYS.has(key))) {
    for (const [key, change] of Object.entries(value)) {
      if (!CHANGE_KEYS.has(key)) return `"${key.slice(0, 40)}" cannot be mixed with connect, disconnect and set`;
      if (change === null || change === undefined) continue;
      const problem = listProblem(change);
      if (problem) return `${key}: ${problem}`;
    }
    return null;
  }
  return listProblem(value);
}

interface RelationAttribute {
  type: string;
}

/** Throws a ValidationError naming the first relation field of `data` with a malformed value. */
export function checkRelationValues(attributes: Record<string, RelationAttribute>, data: Record<string, unknown> | undefined): void {
  if (!isPlainObject(data)) return;
  for (const [name, attribute] of Object.entries(attributes)) {
    if (attribute.type !== 'relation' || !(name in data)) continue;
    const problem = relationValueProblem(data[name]);
    if (problem) {
      const message = `${name}: ${problem}`;
      throw new errors.ValidationError(message, { errors: [{ path: [name], message, name: 'ValidationError' }] });
    }
  }
}
