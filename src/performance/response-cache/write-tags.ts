import type { Core } from '@strapi/strapi';
import type { DependencyMap } from './dependencies';
import { documentTag, draftTag, predicateTag, relationTag, typeTag } from './tags';

/**
 * The tags a write of document rows emits (tags.ts says what each tag stands
 * for): computed from the rows' state before the write (read in the `before*`
 * lifecycle, while the rows and their relations still exist) and after it (read
 * in `after*`, once Strapi has written the row and its relations). Both reads
 * run inside the write's transaction, through Strapi's query engine.
 */

/** The columns of a row the tags are made of. */
export interface RowState {
  id: number;
  documentId?: string | null;
  publishedAt?: string | Date | null;
  [field: string]: unknown;
}

type Where = Record<string, unknown>;

export class WriteTags {
  constructor(
    private readonly strapi: Core.Strapi,
    private readonly dependencies: DependencyMap,
  ) {}

  /** The rows a write's `where` names, as they are now. */
  async rowsWhere(uid: string, where: Where | undefined, one: boolean): Promise<RowState[]> {
    if (!where || Object.keys(where).length === 0) return [];
    const query = this.strapi.db.query(uid as never);
    if (one) {
      const row = (await query.findOne({ where, select: this.columns(uid) })) as RowState | null;
      return row ? [row] : [];
    }
    return (await query.findMany({ where, select: this.columns(uid) })) as RowState[];
  }

  /**
   * The row a create or update left, as its lifecycle event hands it over (Strapi reads it back after
   * writing its relations): no statement of ours when it holds every column the tags are made of, which
   * it does unless the write asked for a narrower `select`; read by id otherwise.
   */
  async rowWritten(uid: string, result: unknown): Promise<RowState[]> {
    if (result === null || typeof result !== 'object') return [];
    const row = result as RowState;
    if (this.columns(uid).every((column) => column in row)) return [row];
    return this.rowsById(uid, [row.id]);
  }

  async rowsById(uid: string, ids: readonly unknown[]): Promise<RowState[]> {
    const known = ids.filter((id): id is number | string => typeof id === 'number' || typeof id === 'string');
    if (known.length === 0) return [];
    return (await this.strapi.db.query(uid as never).findMany({ where: { id: { $in: known } }, select: this.columns(uid) })) as RowState[];
  }

  /**
   * The tags of rows of `uid` in one state: draft rows name their type's draft scope only;
   * published-scope rows name their type, their documents, their predicate values and the
   * relations of the documents joined to them (read now: call this where the state is current).
   */
  async tagsOf(uid: string, rows: readonly RowState[], into: Set<string>): Promise<void> {
    if (rows.length === 0) return;
    const name = this.dependencies.tagName(uid);
    const draftAndPublish = this.dependencies.hasDraftAndPublish(uid);
    const published = draftAndPublish ? rows.filter((row) => row.publishedAt !== null && row.publishedAt !== undefined) : rows;
    if (!draftAndPublish || published.length < rows.length) into.add(draftTag(name));
    if (published.length === 0) return;

    into.add(typeTag(name));
    const fields = this.dependencies.predicateFields(uid);
    for (const row of published) {
      if (typeof row.documentId === 'string') into.add(documentTag(name, row.documentId));
      for (const field of fields) {
        const value = row[field];
        if (typeof value === 'string') into.add(predicateTag(name, field, value));
      }
    }
    await this.joinedDocuments(uid, published.map((row) => row.id), into);
  }

  /** The relation tag of every published-scope row joined to one of `ids`, for the relation that joins it. */
  private async joinedDocuments(uid: string, ids: number[], into: Set<string>): Promise<void> {
    for (const relation of this.dependencies.relationsInto(uid)) {
      const where: Where = { [relation.attribute]: { id: { $in: ids } } };
      if (this.dependencies.hasDraftAndPublish(relation.uid)) where.publishedAt = { $notNull: true };
      const rows = (await this.strapi.db.query(relation.uid as never).findMany({ where, select: ['documentId'] })) as RowState[];
      const name = this.dependencies.tagName(relation.uid);
      for (const row of rows) if (typeof row.documentId === 'string') into.add(relationTag(name, row.documentId, relation.attribute));
    }
  }

  private columns(uid: string): string[] {
    const columns = ['id', ...this.dependencies.predicateFields(uid)];
    if (this.dependencies.hasDraftAndPublish(uid)) columns.push('publishedAt');
    return columns;
  }
}
