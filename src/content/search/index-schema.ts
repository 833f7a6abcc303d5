import crypto from 'node:crypto';
import { lockUntilCommit } from '../../platform/advisory-locks';
import { quoted, STATEMENT_TRIGGER_EVENTS } from '../../platform/sql';
import type { SearchedType } from './searched-types';

/**
 * The database side of search: one row per content row in `search_documents`,
 * kept by triggers on the content tables, in the writing transaction.
 *
 * - `search_documents` (partitioned by type, so each type has its own planner
 *   statistics: a word common in articles may be rare among people) holds per
 *   row: whether it is published and/or a draft, its recency, its title and its
 *   `tsvector`, weighted A (title, name), B (summary, role), C (the body: the
 *   text of an article's blocks, a person's bio, an event's description) and D
 *   (dateline, location, country). A GIN index finds the words; a partial index
 *   per status on recency lets a search rank the newest matches without
 *   reading every older one; a trigram index on the folded titles serves the
 *   similar-title fallback.
 * - Statement-level triggers (insert, update, delete, truncate, reading the
 *   transition tables) keep it exact for every write path: the Document
 *   Service, `strapi.db.query`, raw SQL, a bulk `INSERT ... SELECT`. The rows
 *   change with the content, commit with it and roll back with it. An update
 *   that changes no indexed column (nor the id) leaves the index alone.
 * - Accents: `search_unaccent` is `unaccent` with its dictionary named, declared
 *   IMMUTABLE (unaccent itself is only STABLE, as its dictionary could change),
 *   so that index expressions may use it; it folds the titles, the text going
 *   into each tsvector and the query. `search_english` is PostgreSQL's english
 *   configuration (stemming, stop words) with unaccent as a filter before the
 *   stemmer, so the headline, which parses the stored text as written, folds it
 *   the same way and marks "Zarépour" for a search for "Zarepour".
 *
 * Strapi's schema sync leaves what it did not create alone (the table, the
 * functions); a trigger goes with its table if Strapi recreates one. Each
 * start checks every piece against a fingerprint of its definition (kept as
 * the comment of the table and of each trigger function) and rebuilds what is
 * missing or different, then re-indexes the affected rows from the content
 * tables, under the content table's lock so that no write is missed.
 */

export const SEARCH_TABLE = 'search_documents';
export const SEARCH_CONFIGURATION = 'search_english';
export const UNACCENT_FUNCTION = 'search_unaccent';
export const BLOCKS_TEXT_FUNCTION = 'search_blocks_text';
export const REQUIRED_EXTENSIONS = ['unaccent', 'pg_trgm'] as const;

export const triggerName = (table: string, event: string) => `${table}_search_${event}`;
export const triggerFunctionName = (table: string) => `search_index_${table}`;
export const partitionName = (type: string) => `${SEARCH_TABLE}_${type}`;

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
const fingerprint = (text: string) => crypto.createHash('sha256').update(text).digest('hex').slice(0, 32);

export interface Knex {
  raw: (sql: string, bindings?: readonly unknown[]) => PromiseLike<{ rows: Array<Record<string, unknown>> }>;
}

/** A row's tsvector, weighted, from the row under `alias`. */
function vectorOf(type: SearchedType, alias: string): string {
  return type
    .weighted(alias)
    .map(({ weight, text }) => `setweight(to_tsvector('${SEARCH_CONFIGURATION}', ${UNACCENT_FUNCTION}(${text})), '${weight}')`)
    .join(' || ');
}

/** The columns of `search_documents`, and their values for the row under `alias`. */
function documentColumns(type: SearchedType, alias: string): Array<[string, string]> {
  const publishedAt = `${alias}.${quoted(type.columns.publishedAt)}`;
  return [
    ['type', literal(type.type)],
    ['row_id', `${alias}.${quoted(type.columns.id)}`],
    // Without draft & publish, Strapi keeps one row per document and shows it whatever the status asked.
    ['published', type.draftAndPublish ? `${publishedAt} IS NOT NULL` : 'true'],
    ['draft', type.draftAndPublish ? `${publishedAt} IS NULL` : 'true'],
    ['recency', type.recency(alias)],
    ['title', `coalesce(${alias}.${quoted(type.columns.title)}, '')`],
    ['vector', vectorOf(type, alias)],
  ];
}

/** The documents of the rows `from` names (`n` is each row), as `search_documents` holds them. */
export function selectDocuments(type: SearchedType, from: string): string {
  return `SELECT ${documentColumns(type, 'n')
    .map(([name, value]) => `${value} AS ${name}`)
    .join(', ')} FROM ${from}`;
}

/** INSERT ... SELECT of the documents of the rows `from` names. */
function insertDocuments(type: SearchedType, from: string, upsert: boolean): string {
  const names = documentColumns(type, 'n').map(([name]) => name);
  const onConflict = upsert
    ? ` ON CONFLICT (type, row_id) DO UPDATE SET ${names
        .filter((name) => name !== 'type' && name !== 'row_id')
        .map((name) => `${name} = excluded.${name}`)
        .join(', ')}`
    : '';
  return `INSERT INTO ${SEARCH_TABLE} (${names.join(', ')}) ${selectDocuments(type, from)}${onConflict}`;
}

/**
 * The shared pieces: the two functions, the text search configuration, the
 * partitioned table and its indexes. `unaccentSchema` and `trigramSchema` are
 * where the extensions live (named, so the search_path does not matter).
 */
function sharedDefinition(unaccentSchema: string, trigramSchema: string): string[] {
  const unaccent = `${quoted(unaccentSchema)}.unaccent`;
  return [
    `CREATE OR REPLACE FUNCTION ${UNACCENT_FUNCTION}(text) RETURNS text
       LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
       AS $$ SELECT ${unaccent}(${literal(unaccent)}::regdictionary, $1) $$`,
    // The text of a blocks value: text runs joined as written inside each block that holds them
    // (a paragraph, a heading, a list item; a link's runs belong to its paragraph), blocks joined by a
    // space. (`\\?` is knex's escape for a literal `?`, the jsonpath filter.)
    `CREATE OR REPLACE FUNCTION ${BLOCKS_TEXT_FUNCTION}(blocks jsonb) RETURNS text
       LANGUAGE sql IMMUTABLE PARALLEL SAFE
       AS $$
         SELECT string_agg(
                  (SELECT string_agg(run #>> '{}', '')
                     FROM jsonb_path_query(container, 'strict $.** \\? (@.type == "text" && @.text.type() == "string").text') AS run),
                  ' ')
           FROM jsonb_path_query(blocks, 'strict $.** \\? (@.type != "text" && @.type != "link" && exists(@.children[*] \\? (@.type == "text")))') AS container
       $$`,
    `DROP TEXT SEARCH CONFIGURATION IF EXISTS ${SEARCH_CONFIGURATION}`,
    `CREATE TEXT SEARCH CONFIGURATION ${SEARCH_CONFIGURATION} (COPY = pg_catalog.english)`,
    `ALTER TEXT SEARCH CONFIGURATION ${SEARCH_CONFIGURATION} ALTER MAPPING FOR hword, hword_part, word WITH ${unaccent}, english_stem`,
    `ALTER TEXT SEARCH CONFIGURATION ${SEARCH_CONFIGURATION} ALTER MAPPING FOR numword, numhword, hword_numpart WITH ${unaccent}, simple`,
    `DROP TABLE IF EXISTS ${SEARCH_TABLE} CASCADE`,
    `CREATE TABLE ${SEARCH_TABLE} (
       type text NOT NULL,
       row_id integer NOT NULL,
       published boolean NOT NULL,
       draft boolean NOT NULL,
       recency timestamp,
       title text NOT NULL,
       vector tsvector NOT NULL,
       PRIMARY KEY (type, row_id)
     ) PARTITION BY LIST (type)`,
    // A small pending list: writes are batched into the GIN index, and a search never reads a long one.
    `CREATE INDEX ${SEARCH_TABLE}_vector_idx ON ${SEARCH_TABLE} USING gin (vector) WITH (fastupdate = on, gin_pending_list_limit = 256)`,
    `CREATE INDEX ${SEARCH_TABLE}_published_idx ON ${SEARCH_TABLE} (recency DESC NULLS LAST, row_id DESC) WHERE published`,
    `CREATE INDEX ${SEARCH_TABLE}_draft_idx ON ${SEARCH_TABLE} (recency DESC NULLS LAST, row_id DESC) WHERE draft`,
    `CREATE INDEX ${SEARCH_TABLE}_title_idx ON ${SEARCH_TABLE}
       USING gin (${UNACCENT_FUNCTION}(lower(title)) ${quoted(trigramSchema)}.gin_trgm_ops) WITH (fastupdate = on, gin_pending_list_limit = 256)`,
  ];
}

/** The trigger function of one type: the table's writes, applied to its documents. */
function triggerFunction(type: SearchedType): string {
  const id = quoted(type.columns.id);
  const changed = type.indexedColumns.map((column) => quoted(column));
  // With the search path of the install (Strapi's schema): a writer whose session has another one
  // (a script, psql) still reaches the documents table and the functions.
  return `CREATE OR REPLACE FUNCTION ${quoted(triggerFunctionName(type.table))}() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $search$
BEGIN
  -- PL/pgSQL plans a statement when it first runs it, so a branch reading a transition table
  -- the event does not have (old_rows on INSERT) is never planned.
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM ${SEARCH_TABLE} WHERE type = ${literal(type.type)};
  ELSIF TG_OP = 'DELETE' THEN
    DELETE FROM ${SEARCH_TABLE} d USING old_rows o WHERE d.type = ${literal(type.type)} AND d.row_id = o.${id};
  ELSIF TG_OP = 'UPDATE' THEN
    DELETE FROM ${SEARCH_TABLE} d USING old_rows o
     WHERE d.type = ${literal(type.type)} AND d.row_id = o.${id} AND NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.${id} = o.${id});
    ${insertDocuments(
      type,
      `new_rows n LEFT JOIN old_rows o ON o.${id} = n.${id}
     WHERE o.${id} IS NULL OR ROW(${changed.map((column) => `n.${column}`).join(', ')}) IS DISTINCT FROM ROW(${changed.map((column) => `o.${column}`).join(', ')})`,
      true,
    )};
  ELSE
    ${insertDocuments(type, 'new_rows n', true)};
  END IF;
  RETURN NULL;
END
$search$`;
}

export interface Installed {
  /** The types whose documents were rebuilt from their tables now. */
  rebuilt: string[];
  /** Searched types whose table the search path does not reach: they get no index. */
  unreachable: string[];
  /** The schema of each extension: their functions and operators are named with it. */
  extensions: ExtensionSchemas;
}

export type ExtensionSchemas = Record<(typeof REQUIRED_EXTENSIONS)[number], string>;

/** Where each required extension lives, creating the missing ones (in the current schema). */
async function ensureExtensions(knex: Knex): Promise<ExtensionSchemas> {
  const lookup = async () => {
    const { rows } = await knex.raw(
      `SELECT e.extname AS name, n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = ANY(?::text[])`,
      [`{${REQUIRED_EXTENSIONS.join(',')}}`],
    );
    return new Map(rows.map((row) => [String(row.name), String(row.schema)]));
  };
  let found = await lookup();
  const missing = REQUIRED_EXTENSIONS.filter((name) => !found.has(name));
  for (const name of missing) {
    try {
      await knex.raw(`CREATE EXTENSION IF NOT EXISTS ${quoted(name)}`);
    } catch (error) {
      throw new Error(
        `Search needs the PostgreSQL extensions ${REQUIRED_EXTENSIONS.join(' and ')}, and ${name} could not be created ` +
          `(${(error as Error).message}). Have the database's owner or a superuser run: ` +
          REQUIRED_EXTENSIONS.map((extension) => `CREATE EXTENSION IF NOT EXISTS ${extension};`).join(' '),
      );
    }
  }
  if (missing.length > 0) found = await lookup();
  return { unaccent: found.get('unaccent') as string, pg_trgm: found.get('pg_trgm') as string };
}

/**
 * Makes the search index match its definition for `types`: creates what is
 * missing, replaces what differs, and re-indexes a type whose triggers or
 * documents were not in place. Call it inside a transaction (the advisory lock
 * and the table locks are held until it ends).
 */
export async function installSearchIndex(knex: Knex, types: readonly SearchedType[]): Promise<Installed> {
  await lockUntilCommit(knex, 'searchIndex');
  // Re-indexing 100,000 articles takes longer than the pool's statement timeout allows a request.
  await knex.raw('SET LOCAL statement_timeout = 0');
  const schemas = await ensureExtensions(knex);

  const shared = sharedDefinition(schemas.unaccent, schemas.pg_trgm);
  const sharedPrint = fingerprint(shared.join(';\n'));
  const { rows } = await knex.raw(`SELECT obj_description(to_regclass(?), 'pg_class') AS definition`, [SEARCH_TABLE]);
  const sharedChanged = rows[0].definition !== sharedPrint;
  if (sharedChanged) {
    for (const statement of shared) await knex.raw(statement);
    await knex.raw(`COMMENT ON TABLE ${SEARCH_TABLE} IS ${literal(sharedPrint)}`);
  }

  const rebuilt: string[] = [];
  const unreachable: string[] = [];
  for (const type of types) {
    const { rows: tables } = await knex.raw('SELECT to_regclass(?) IS NOT NULL AS table_exists', [quoted(type.table)]);
    if (!tables[0].table_exists) {
      unreachable.push(type.type);
      continue;
    }
    const definition = triggerFunction(type);
    const typePrint = fingerprint(`${sharedPrint}\n${definition}`);
    const triggerNames = Object.keys(STATEMENT_TRIGGER_EVENTS).map((event) => triggerName(type.table, event));
    const { rows: state } = await knex.raw(
      `SELECT obj_description(to_regprocedure(?), 'pg_proc') AS definition,
              (SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass(?) AND tgname = ANY(?::text[]) AND tgenabled <> 'D') AS triggers,
              to_regclass(?) IS NOT NULL AS partition_exists`,
      [`${quoted(triggerFunctionName(type.table))}()`, quoted(type.table), `{${triggerNames.join(',')}}`, partitionName(type.type)],
    );
    const current = state[0];
    if (!sharedChanged && current.definition === typePrint && Number(current.triggers) === triggerNames.length && current.partition_exists) continue;

    // Writes to the table wait while its triggers are replaced and its rows indexed, so none is missed; reads go on.
    await knex.raw(`LOCK TABLE ${quoted(type.table)} IN SHARE ROW EXCLUSIVE MODE`);
    await knex.raw(`CREATE TABLE IF NOT EXISTS ${partitionName(type.type)} PARTITION OF ${SEARCH_TABLE} FOR VALUES IN (${literal(type.type)})`);
    await knex.raw(definition);
    await knex.raw(`COMMENT ON FUNCTION ${quoted(triggerFunctionName(type.table))}() IS ${literal(typePrint)}`);
    for (const [event, timing] of Object.entries(STATEMENT_TRIGGER_EVENTS)) {
      const name = quoted(triggerName(type.table, event));
      await knex.raw(`DROP TRIGGER IF EXISTS ${name} ON ${quoted(type.table)}`);
      await knex.raw(`CREATE TRIGGER ${name} ${timing.replace('%TABLE%', quoted(type.table))} EXECUTE FUNCTION ${quoted(triggerFunctionName(type.table))}()`);
    }
    await knex.raw(`DELETE FROM ${SEARCH_TABLE} WHERE type = ?`, [type.type]);
    await knex.raw(insertDocuments(type, `${quoted(type.table)} n`, false));
    // The planner's statistics (how common each word is) decide how a search reads the index.
    await knex.raw(`ANALYZE ${partitionName(type.type)}`);
    rebuilt.push(type.type);
  }
  return { rebuilt, unreachable, extensions: schemas };
}
