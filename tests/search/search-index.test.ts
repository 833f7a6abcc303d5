import {
  BLOCKS_TEXT_FUNCTION,
  installSearchIndex,
  SEARCH_TABLE,
  selectDocuments,
  triggerFunctionName,
  triggerName,
  type Knex as IndexKnex,
} from '../../src/content/search/index-schema';
import { quoted } from '../../src/platform/sql';
import { resolveSearchedTypes, type SearchedType } from '../../src/content/search/searched-types';
import { graphql, useStrapi } from '../helpers/strapi';

/**
 * The search index (src/content/search) is kept by triggers in the writing
 * transaction. After every way of writing, what `search_documents` holds must
 * equal what its definition computes from the content tables now, and a
 * search must see the write as soon as its answer has arrived; a rollback
 * leaves nothing behind; a start repairs missing triggers and documents.
 */

const suite = useStrapi();

type Connection = ReturnType<typeof knexOf>;
const knexOf = () => suite.app.strapi.db.connection;
let types: SearchedType[];
beforeAll(() => {
  types = resolveSearchedTypes(suite.app.strapi, BLOCKS_TEXT_FUNCTION);
});

/**
 * The rows that differ between the index and a recomputation from the content
 * tables, both ways (`extra`: indexed but wrong or gone; `missing`: not indexed).
 */
async function indexDrift(connection: Connection = knexOf()) {
  const drift: Record<string, { extra: number; missing: number }> = {};
  for (const type of types) {
    const stored = `SELECT type, row_id, published, draft, recency, title, vector::text FROM ${SEARCH_TABLE} WHERE type = '${type.type}'`;
    const computed = `SELECT type, row_id, published, draft, recency, title, vector::text FROM (${selectDocuments(type, `${quoted(type.table)} n`)}) c`;
    const { rows } = await connection.raw(
      `SELECT (SELECT count(*) FROM (${stored} EXCEPT ${computed}) a)::int AS extra, (SELECT count(*) FROM (${computed} EXCEPT ${stored}) b)::int AS missing`,
    );
    drift[type.type] = rows[0];
  }
  return drift;
}

const noDrift = () => Object.fromEntries(types.map((type) => [type.type, { extra: 0, missing: 0 }]));

let sequence = 0;
/** A word no other test writes, so that a search for it finds exactly what this test wrote. */
const uniqueWord = () => {
  sequence += 1;
  const letters = 'bcdfghjklmnpqrstvwxz';
  let word = 'zq';
  for (let n = Date.now() * 100 + sequence; word.length < 10; n = Math.floor(n / letters.length)) word += letters[n % letters.length];
  return `${word}k`;
};

const body = (text: string) => [{ type: 'paragraph', children: [{ type: 'text', text }] }];

async function search(q: string, options: { status?: string; token?: string; pageSize?: number } = {}) {
  const pagination = options.pageSize ? { 'pagination[pageSize]': options.pageSize } : {};
  let request = suite.app.http().get('/api/search').query({ q, ...(options.status ? { status: options.status } : {}), ...pagination });
  if (options.token) request = request.set('Authorization', `Bearer ${options.token}`);
  const response = await request;
  expect(response.status).toBe(200);
  return response.body as { data: Array<{ type: string; documentId: string; title: string; slug: string }> };
}

describe('the index follows every write path, in the writing transaction', () => {
  afterEach(async () => {
    expect(await indexDrift()).toEqual(noDrift());
  });

  it('REST: a created article is found as soon as the create has answered; an edit and a delete too', async () => {
    const word = uniqueWord();
    const created = await suite.app
      .http()
      .post('/api/articles')
      .set('Authorization', `Bearer ${suite.token}`)
      .send({ data: { title: `Index check ${word}`, slug: `index-check-${word}`, body: body('Written over REST.'), publishedDate: '2026-12-01' } })
      .expect(201);
    const documentId = created.body.data.documentId as string;
    expect((await search(word)).data.map((hit) => hit.documentId)).toEqual([documentId]);

    const renamed = uniqueWord();
    await suite.app
      .http()
      .put(`/api/articles/${documentId}`)
      .set('Authorization', `Bearer ${suite.token}`)
      .send({ data: { title: `Index check ${renamed}` } })
      .expect(200);
    expect((await search(word)).data).toEqual([]);
    expect((await search(renamed)).data.map((hit) => hit.title)).toEqual([`Index check ${renamed}`]);

    await suite.app.http().delete(`/api/articles/${documentId}`).set('Authorization', `Bearer ${suite.token}`).expect(204);
    expect((await search(renamed)).data).toEqual([]);
  });

  it('GraphQL mutations: a person created, renamed and deleted', async () => {
    const word = uniqueWord();
    const created = await graphql<{ createPerson: { documentId: string } }>(
      suite.app,
      'mutation ($data: PersonInput!) { createPerson(data: $data) { documentId } }',
      { data: { name: `Graph ${word}`, slug: `graph-${word}`, role: 'Minister of tests' } },
      suite.token,
    );
    expect(created.errors).toBeUndefined();
    const documentId = created.data!.createPerson.documentId;
    expect((await search(word)).data).toEqual([expect.objectContaining({ type: 'person', documentId, title: `Graph ${word}` })]);

    const role = uniqueWord();
    const updated = await graphql(
      suite.app,
      'mutation ($id: ID!, $data: PersonInput!) { updatePerson(documentId: $id, data: $data) { documentId } }',
      { id: documentId, data: { role: `Envoy for ${role}` } },
      suite.token,
    );
    expect(updated.errors).toBeUndefined();
    expect((await search(role)).data.map((hit) => hit.documentId)).toEqual([documentId]);

    const deleted = await graphql(suite.app, 'mutation ($id: ID!) { deletePerson(documentId: $id) { documentId } }', { id: documentId }, suite.token);
    expect(deleted.errors).toBeUndefined();
    expect((await search(word)).data).toEqual([]);
  });

  it('the Document Service: draft, publish, draft edit, unpublish, discard, delete', async () => {
    const documents = suite.app.strapi.documents('api::article.article');
    const word = uniqueWord();
    const draft = await documents.create({
      data: { title: `Lifecycle ${word}`, slug: `lifecycle-${word}`, body: body('A draft first.'), publishedDate: '2026-12-02' } as never,
    });
    expect((await search(word)).data).toEqual([]);
    expect((await search(word, { status: 'draft', token: suite.token })).data.map((hit) => hit.documentId)).toEqual([draft.documentId]);

    await documents.publish({ documentId: draft.documentId });
    expect((await search(word)).data.map((hit) => hit.documentId)).toEqual([draft.documentId]);

    // An edit of the draft only: the public still finds the published words, a token's draft search the new ones.
    const edited = uniqueWord();
    await documents.update({ documentId: draft.documentId, data: { summary: `Now about ${edited}` } as never });
    expect((await search(edited)).data).toEqual([]);
    expect((await search(edited, { status: 'draft', token: suite.token })).data.map((hit) => hit.documentId)).toEqual([draft.documentId]);

    await documents.discardDraft({ documentId: draft.documentId });
    expect((await search(edited, { status: 'draft', token: suite.token })).data).toEqual([]);

    await documents.unpublish({ documentId: draft.documentId });
    expect((await search(word)).data).toEqual([]);
    expect((await search(word, { status: 'draft', token: suite.token })).data.map((hit) => hit.documentId)).toEqual([draft.documentId]);

    await documents.delete({ documentId: draft.documentId });
    expect((await search(word, { status: 'draft', token: suite.token })).data).toEqual([]);
  });

  it('strapi.db.query and raw SQL, one row and many at once', async () => {
    const word = uniqueWord();
    const created = await suite.app.strapi.db.query('api::event.event').create({
      data: { title: `Query layer ${word}`, slug: `query-layer-${word}`, startDate: '2026-11-30', datePrecision: 'day', publishedAt: new Date() },
    });
    expect((await search(word)).data.map((hit) => hit.title)).toEqual([`Query layer ${word}`]);
    await suite.app.strapi.db.query('api::event.event').update({ where: { id: created.id }, data: { location: `Port ${word}` } });
    await suite.app.strapi.db.query('api::event.event').delete({ where: { id: created.id } });
    expect((await search(word)).data).toEqual([]);

    // A bulk INSERT ... SELECT, as a migration or an import would write.
    const bulk = uniqueWord();
    await knexOf().raw(
      `INSERT INTO people (document_id, name, slug, role, published_at, created_at, updated_at)
       SELECT 'bulk' || g || '${bulk}', 'Bulk ' || g || ' ${bulk}', 'bulk-' || g || '-${bulk}', 'Counted', now(), now(), now()
         FROM generate_series(1, 30) AS g`,
    );
    const found = await suite.app.http().get('/api/search').query({ q: bulk, 'pagination[pageSize]': 100 }).expect(200);
    expect(found.body.meta.pagination.total).toBe(30);
    await knexOf().raw(`UPDATE people SET role = 'Recounted ${bulk}' WHERE slug LIKE 'bulk-%-${bulk}'`);
    await knexOf().raw(`DELETE FROM people WHERE slug LIKE 'bulk-%-${bulk}'`);
    expect((await search(bulk)).data).toEqual([]);
  });

  it('a writer whose search path does not hold the app\'s schema (a script, psql) is indexed too', async () => {
    const word = uniqueWord();
    await knexOf().transaction(async (trx) => {
      await trx.raw('SET LOCAL search_path TO pg_catalog');
      await trx.raw(
        `INSERT INTO public.people (document_id, name, slug, published_at, created_at, updated_at) VALUES (?, ?, ?, now(), now(), now())`,
        [`path${word}`, `Path ${word}`, `path-${word}`],
      );
    });
    expect((await search(word)).data.map((hit) => hit.title)).toEqual([`Path ${word}`]);
  });

  it('TRUNCATE empties a type, and its rollback brings every document back', async () => {
    const before = await knexOf().raw(`SELECT count(*)::int AS n FROM ${SEARCH_TABLE} WHERE type = 'event'`);
    expect(before.rows[0].n).toBeGreaterThan(0);
    await knexOf()
      .transaction(async (trx) => {
        await trx.raw('TRUNCATE events CASCADE');
        const during = await trx.raw(`SELECT count(*)::int AS n FROM ${SEARCH_TABLE} WHERE type = 'event'`);
        expect(during.rows[0].n).toBe(0);
        throw new Error('roll back');
      })
      .catch((error: Error) => expect(error.message).toBe('roll back'));
    const after = await knexOf().raw(`SELECT count(*)::int AS n FROM ${SEARCH_TABLE} WHERE type = 'event'`);
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });
});

describe('a rollback leaves no trace', () => {
  it('a Document Service create inside a failed transaction is indexed inside it and gone after it', async () => {
    const word = uniqueWord();
    const countWord = (connection: Connection) =>
      connection.raw(`SELECT count(*)::int AS n FROM ${SEARCH_TABLE} WHERE vector @@ to_tsquery('search_english', ?)`, [word]);
    await expect(
      suite.app.strapi.db.transaction(async ({ trx }) => {
        await suite.app.strapi.documents('api::article.article').create({
          data: { title: `Rolled back ${word}`, slug: `rolled-back-${word}`, body: body('Never committed.'), publishedDate: '2026-12-03' } as never,
          status: 'published',
        });
        // Inside the transaction the documents exist (draft and published rows).
        const inside = await countWord(trx as unknown as Connection);
        expect(inside.rows[0].n).toBe(2);
        throw new Error('the editor cancelled');
      }),
    ).rejects.toThrow('the editor cancelled');
    expect((await countWord(knexOf())).rows[0].n).toBe(0);
    expect((await search(word)).data).toEqual([]);
    expect((await search(word, { status: 'draft', token: suite.token })).data).toEqual([]);
    expect(await indexDrift()).toEqual(noDrift());
  });

  it('a raw INSERT rolled back', async () => {
    const word = uniqueWord();
    await knexOf()
      .transaction(async (trx) => {
        await trx.raw(
          `INSERT INTO events (document_id, title, slug, start_date, date_precision, published_at, created_at, updated_at)
           VALUES (?, ?, ?, '2026-12-04', 'day', now(), now(), now())`,
          [`raw${word}`, `Raw ${word}`, `raw-${word}`],
        );
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect((await search(word)).data).toEqual([]);
    expect(await indexDrift()).toEqual(noDrift());
  });
});

describe('each start repairs the index', () => {
  const install = () => suite.app.strapi.db.transaction(({ trx }) => installSearchIndex(trx as unknown as IndexKnex, types));

  it('a start with everything in place rebuilds nothing', async () => {
    expect(await install()).toMatchObject({ rebuilt: [], unreachable: [] });
  });

  it('a missing trigger (a table Strapi recreated) is put back and its rows re-indexed', async () => {
    const articles = types.find((type) => type.type === 'article')!;
    await knexOf().raw(`DROP TRIGGER ${quoted(triggerName(articles.table, 'insert'))} ON ${quoted(articles.table)}`);
    // Written while the trigger was missing: not indexed until the next start.
    const word = uniqueWord();
    await suite.app.strapi.documents('api::article.article').create({
      data: { title: `Unseen ${word}`, slug: `unseen-${word}`, body: body('Missed by the index.'), publishedDate: '2026-12-05' } as never,
      status: 'published',
    });
    expect((await search(word)).data).toEqual([]);
    expect((await indexDrift()).article.missing).toBe(2);

    expect(await install()).toMatchObject({ rebuilt: ['article'] });
    expect(await indexDrift()).toEqual(noDrift());
    // The repair runs at start, before anything is cached; run here mid-suite, it writes behind the response
    // cache's back, which still holds the empty answer above: ask a request it has not seen.
    expect((await search(word, { pageSize: 11 })).data.map((hit) => hit.title)).toEqual([`Unseen ${word}`]);
  });

  it('a trigger function whose definition changed is replaced, and its type re-indexed', async () => {
    const people = types.find((type) => type.type === 'person')!;
    await knexOf().raw(`COMMENT ON FUNCTION ${quoted(triggerFunctionName(people.table))}() IS 'an older definition'`);
    await knexOf().raw(`DELETE FROM ${SEARCH_TABLE} WHERE type = 'person'`);
    expect(await install()).toMatchObject({ rebuilt: ['person'] });
    expect(await indexDrift()).toEqual(noDrift());
    expect((await search('Zarepour')).data.map((hit) => hit.slug)).toContain('issa-zarepour');
  });

  it('a changed shared definition rebuilds the table and every type', async () => {
    await knexOf().raw(`COMMENT ON TABLE ${SEARCH_TABLE} IS 'an older definition'`);
    expect((await install()).rebuilt.sort()).toEqual(['article', 'event', 'person']);
    expect(await indexDrift()).toEqual(noDrift());
  });
});
