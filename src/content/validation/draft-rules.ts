import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';

/**
 * What Strapi skips for drafts beyond `required`: the `uid` format, uniqueness,
 * and (as the blocks value reaches it) the blocks structure. A draft that
 * breaks them could never be published, and until then shows wrong content in
 * previews. These rules apply to every write of a draft-and-publish type,
 * draft or published, from the admin, REST and GraphQL alike; `required` stays
 * relaxed for drafts.
 */

interface Attribute {
  type: string;
  regex?: string;
}

interface FieldError {
  path: string[];
  message: string;
  name: string;
  value?: unknown;
}

const UID_FORMAT = /^[A-Za-z0-9-_.~]*$/;
const BLOCK_TYPES = new Set(['paragraph', 'heading', 'list', 'list-item', 'quote', 'code', 'image', 'link', 'text']);
const MAX_BLOCK_NODES = 100_000;

/** The first structural problem in a blocks value (an iterative walk: the value may nest deeply), or null. */
export function blocksProblem(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (!Array.isArray(value)) return 'must be a list of blocks (paragraphs, headings, lists, quotes, code, images), not text';
  const pending: Array<{ node: unknown; top: boolean }> = value.map((node) => ({ node, top: true }));
  let seen = 0;
  while (pending.length > 0) {
    const { node, top } = pending.pop()!;
    if (++seen > MAX_BLOCK_NODES) return `holds more than ${MAX_BLOCK_NODES} nodes`;
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return 'must hold block objects, each with a type';
    const { type, children, text } = node as { type?: unknown; children?: unknown; text?: unknown };
    if (typeof type !== 'string' || !BLOCK_TYPES.has(type)) return `holds a block of unknown type ${JSON.stringify(String(type).slice(0, 40))}`;
    if (top && (type === 'text' || type === 'link' || type === 'list-item')) return `cannot hold a "${type}" node at the top; put it in a paragraph`;
    if (type === 'text') {
      if (typeof text !== 'string') return 'holds a text node without text';
      continue;
    }
    if (type === 'image') continue;
    if (!Array.isArray(children)) return `holds a "${type}" block without children`;
    for (const child of children) pending.push({ node: child, top: false });
  }
  return null;
}

function fieldError(path: string, message: string, value?: unknown): FieldError {
  return { path: [path], message, name: 'ValidationError', value };
}

/**
 * Checks a create or update's data; throws a ValidationError listing every
 * field problem. `documentId` is the document being written (absent on create),
 * whose own versions may share its slug.
 */
export async function checkDraftRules(
  strapi: Core.Strapi,
  uid: string,
  attributes: Record<string, Attribute>,
  data: Record<string, unknown> | undefined,
  documentId: string | undefined,
  labelOf: (field: string) => string,
): Promise<void> {
  if (!data || typeof data !== 'object') return;
  const problems: FieldError[] = [];
  for (const [name, attribute] of Object.entries(attributes)) {
    if (!(name in data)) continue;
    const value = data[name];
    if (attribute.type === 'blocks') {
      const problem = blocksProblem(value);
      if (problem) problems.push(fieldError(name, `${labelOf(name)} ${problem}.`));
    }
    if (attribute.type !== 'uid' || value === null || value === undefined || value === '') continue;
    if (typeof value !== 'string') continue; // Strapi's type check names it.
    const format = attribute.regex ? new RegExp(attribute.regex) : UID_FORMAT;
    if (!format.test(value)) {
      problems.push(fieldError(name, `${labelOf(name)} "${value.slice(0, 80)}" may only hold letters, digits and - _ . ~ (no spaces): for example "${value.trim().toLowerCase().replace(/[^a-z0-9-_.~]+/g, '-').slice(0, 80)}".`, value));
      continue;
    }
    // Another document (its draft or its published version) already uses the value.
    const where: Record<string, unknown> = { [name]: value };
    if (documentId) where.documentId = { $ne: documentId };
    // The cast only widens Strapi's literal UID type.
    const other = await strapi.db.query(uid as 'api::article.article').findOne({ where, select: ['id'] });
    if (other) problems.push(fieldError(name, 'This attribute must be unique', value));
  }
  if (problems.length > 0) {
    throw new errors.ValidationError(problems.map((problem) => problem.message).join(' '), { errors: problems });
  }
}
