// @ts-check
/**
 * Bulk-loads synthetic content straight into Strapi's tables, after Strapi
 * has created them: N articles (a draft row and a published row per
 * document, as Strapi 5 stores them), their people and events, and the link
 * tables with their order columns. Everything is `INSERT ... SELECT` over
 * `generate_series` in one transaction, so 100,000 articles take seconds to
 * minutes rather than the hours the Document Service would need.
 *
 * Table and column names are read from the database (and the collection
 * names from the content-type schemas), not assumed: a column this loader
 * does not know and that cannot be left empty stops the load with its name.
 */
const fs = require('node:fs');
const path = require('node:path');

const APP_ROOT = path.resolve(__dirname, '..', '..');

/** Each article links this many people and events; each event this many participants. */
const PEOPLE_PER_ARTICLE = 3;
const EVENTS_PER_ARTICLE = 2;
const PARTICIPANTS_PER_EVENT = 3;

/** @param {number} articles */
const peopleFor = (articles) => Math.max(100, Math.ceil(articles / 10));
/** @param {number} articles */
const eventsFor = (articles) => Math.max(50, Math.ceil(articles / 20));

/** The slug of synthetic article number `n` (1-based). */
const articleSlug = (/** @type {number} */ n) => `synthetic-article-${n}`;

/** @param {string} type the API folder name, e.g. `article` */
function collectionName(type) {
  const file = path.join(APP_ROOT, 'src', 'api', type, 'content-types', type, 'schema.json');
  /** @type {{ collectionName: string }} */
  const schema = JSON.parse(fs.readFileSync(file, 'utf8'));
  return schema.collectionName;
}

/**
 * @typedef {{ name: string, nullable: boolean, hasDefault: boolean }} Column
 * @typedef {{ table: string, columns: Map<string, Column> }} TableInfo
 */

/**
 * @param {import('pg').ClientBase} db
 * @param {string} schema
 * @returns {Promise<Map<string, Map<string, Column>>>} table → columns
 */
async function readColumns(db, schema) {
  const { rows } = await db.query(
    `SELECT table_name, column_name, is_nullable, column_default
       FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, ordinal_position`,
    [schema],
  );
  /** @type {Map<string, Map<string, Column>>} */
  const tables = new Map();
  for (const row of rows) {
    const columns = tables.get(row.table_name) ?? new Map();
    columns.set(row.column_name, {
      name: row.column_name,
      nullable: row.is_nullable === 'YES',
      hasDefault: row.column_default !== null,
    });
    tables.set(row.table_name, columns);
  }
  return tables;
}

/**
 * The link table Strapi made for a relation, found by its two foreign-key
 * columns (`<owner>_id`, `<target>_id`) and their order columns.
 * @param {Map<string, Map<string, Column>>} tables
 * @param {string} owner  singular name of the owning side, e.g. `article`
 * @param {string} target singular name of the target column, e.g. `person`
 * @param {string} hint   the table name expected, preferred when several match
 */
function findLinkTable(tables, owner, target, hint) {
  const wanted = [`${owner}_id`, `${target}_id`, `${target}_ord`, `${owner}_ord`];
  const matches = [...tables].filter(([, columns]) => wanted.every((name) => columns.has(name)) && columns.size <= 6);
  const chosen = matches.find(([name]) => name === hint) ?? matches[0];
  if (!chosen) {
    throw new Error(`No link table with columns ${wanted.join(', ')} was found: has Strapi created the schema?`);
  }
  return { table: chosen[0], columns: chosen[1] };
}

/**
 * An INSERT ... SELECT whose column list is the intersection of what the
 * table has and what `values` can fill. Every table column left out must be
 * nullable or have a default; every value must have a column.
 * @param {string} table
 * @param {Map<string, Column>} columns
 * @param {Record<string, string>} values  column → SQL expression
 * @param {string} from the FROM (and ORDER BY) part
 */
function insertSelect(table, columns, values, from) {
  const missing = Object.keys(values).filter((name) => !columns.has(name));
  if (missing.length > 0) throw new Error(`${table} has no column ${missing.join(', ')}: the schema changed; update the loader`);
  const unfilled = [...columns.values()].filter((column) => !(column.name in values) && !column.nullable && !column.hasDefault);
  if (unfilled.length > 0) {
    throw new Error(`${table}.${unfilled.map((column) => column.name).join(', ')} must be filled but the loader does not know how`);
  }
  const names = Object.keys(values);
  const quoted = (/** @type {string} */ name) => `"${name.replace(/"/g, '""')}"`;
  return `INSERT INTO ${quoted(table)} (${names.map(quoted).join(', ')})
          SELECT ${names.map((name) => values[name]).join(', ')} ${from}`;
}

/**
 * Drops the tables' indexes that back no constraint and returns their
 * definitions, to be re-created after the load: building an index once from
 * sorted rows is much faster than updating six of them row by row. The
 * definitions come from the database, so the same indexes come back.
 * @param {import('pg').ClientBase} db
 * @param {string} schema
 * @param {string[]} tables
 * @returns {Promise<string[]>}
 */
async function dropSecondaryIndexes(db, schema, tables) {
  const { rows } = await db.query(
    `SELECT i.indexname, i.indexdef FROM pg_indexes i
      WHERE i.schemaname = $1 AND i.tablename = ANY($2)
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)`,
    [schema, tables],
  );
  for (const row of rows) await db.query(`DROP INDEX "${schema}"."${row.indexname}"`);
  return rows.map((row) => row.indexdef);
}

/** A fixed base time, so two loads of the same size produce the same content. */
const BASE_TIME = `timestamp '2025-01-01 08:00:00'`;
const WORDS = `ARRAY['Tehran','Moscow','Ankara','Baku','Yerevan','Tbilisi','Ashgabat','Tashkent','Astana','Bishkek','Dushanbe','Kabul']`;

/**
 * @param {string} prefix
 * @param {string} g  the series variable
 */
const documentId = (prefix, g) => `substr(md5('${prefix}:' || ${g}), 1, 24)`;

/** @param {string} g */
const word = (g, offset = 0) => `(${WORDS})[1 + ((${g} + ${offset}) % 12)]`;

/** A body of three paragraphs in Strapi's blocks format, about 700 bytes of JSON. */
function bodyExpression(/** @type {string} */ g) {
  const paragraph = (/** @type {string} */ text) =>
    `jsonb_build_object('type', 'paragraph', 'children', jsonb_build_array(jsonb_build_object('type', 'text', 'text', ${text})))`;
  return `jsonb_build_array(
    ${paragraph(`${word(g)} || ' (Bench Wire): officials from ' || ${word(g, 3)} || ' and ' || ${word(g, 7)} || ' met on ' || to_char(date '2020-01-01' + (${g} % 2000), 'FMDD FMMonth YYYY') || ' to discuss cooperation in trade, energy and communication technology.'`)},
    ${paragraph(`'Article ' || ${g} || ' reports that the delegations signed several documents and agreed to meet again, with working groups to report on progress within six months.'`)},
    ${paragraph(`'Analysts in ' || ${word(g, 5)} || ' said the agreements build on earlier talks and that their effect on the region would depend on how quickly the projects are financed.'`)}
  )`;
}

/**
 * @param {import('pg').ClientBase} db
 * @param {{ articles: number, schema?: string, log: (line: string) => void, progress?: (done: number, total: number, next: string) => void }} options
 *   `progress` hears each step of the load as it finishes (the inserts, the indexes, each table's VACUUM)
 * @returns {Promise<{ articles: number, people: number, events: number, links: number, seconds: number }>}
 */
async function loadArticles(db, options) {
  const articles = options.articles;
  const people = peopleFor(articles);
  const events = eventsFor(articles);
  const schema = options.schema ?? 'public';
  const started = Date.now();

  const tables = await readColumns(db, schema);
  const entity = (/** @type {string} */ type) => {
    const table = collectionName(type);
    const columns = tables.get(table);
    if (!columns) throw new Error(`Table ${table} (api::${type}.${type}) does not exist: has Strapi created the schema?`);
    return { table, columns };
  };
  const articleTable = entity('article');
  const personTable = entity('person');
  const eventTable = entity('event');
  const articlePeople = findLinkTable(tables, 'article', 'person', `${articleTable.table}_people_lnk`);
  const articleEvents = findLinkTable(tables, 'article', 'event', `${articleTable.table}_events_lnk`);
  const eventParticipants = findLinkTable(tables, 'event', 'person', `${eventTable.table}_participants_lnk`);
  const all = [articleTable, personTable, eventTable, articlePeople, articleEvents, eventParticipants];

  for (const { table } of all) {
    const { rows } = await db.query(`SELECT EXISTS (SELECT 1 FROM "${table}") AS used`);
    if (rows[0].used) throw new Error(`${table} is not empty: the benchmark loads into a fresh database`);
  }

  // Six INSERT ... SELECT (people, events, articles, three link tables), the indexes, a VACUUM per table.
  const steps = 6 + 1 + all.length;
  let stepsDone = 0;
  const stepDone = (/** @type {string} */ next) => options.progress?.(++stepsDone, steps, next);
  options.progress?.(0, steps, 'people');

  const timestamps = (/** @type {string} */ g, /** @type {string} */ step) => ({
    created_at: `${BASE_TIME} + ${g} * interval '${step}'`,
    updated_at: `${BASE_TIME} + ${g} * interval '${step}'`,
  });

  /** Runs one INSERT ... SELECT and says how long it took. @param {string} sql */
  const timed = async (sql) => {
    const table = /INSERT INTO "([^"]+)"/.exec(sql)?.[1] ?? '?';
    const stepStarted = Date.now();
    const { rowCount } = await db.query(sql);
    options.log(`  ${table}: ${rowCount} rows in ${((Date.now() - stepStarted) / 1000).toFixed(1)} s`);
    stepDone(`${table} done`);
  };

  await db.query('BEGIN');
  try {
    await db.query(`SET LOCAL maintenance_work_mem = '256MB'`);
    const indexes = await dropSecondaryIndexes(db, schema, all.map(({ table }) => table));
    options.log(`loading ${people} people, ${events} events and ${articles} articles (${articles * 2} rows: draft and published)`);
    await timed(
      insertSelect(personTable.table, personTable.columns, {
        id: 'g',
        document_id: documentId('person', 'g'),
        name: `'Person ' || g || ' ' || ${word('g')}`,
        slug: `'person-' || g`,
        role: `'Minister of ' || ${word('g', 4)} || ' affairs'`,
        country: word('g', 2),
        bio: `'A synthetic person for the benchmark, number ' || g || '.'`,
        ...timestamps('g', '1 second'),
        // Strapi 5 sets published_at on types without draft & publish too.
        published_at: `${BASE_TIME} + g * interval '1 second'`,
      }, `FROM generate_series(1, ${people}) AS g`),
    );
    await timed(
      insertSelect(eventTable.table, eventTable.columns, {
        id: 'g',
        document_id: documentId('event', 'g'),
        title: `'Meeting ' || g || ' in ' || ${word('g', 1)}`,
        slug: `'event-' || g`,
        description: `'Delegations met in ' || ${word('g', 1)} || ' to sign cooperation documents.'`,
        start_date: `date '2018-01-01' + (g % 2500)`,
        end_date: `CASE WHEN g % 3 = 0 THEN date '2018-01-01' + (g % 2500) + 2 END`,
        date_precision: `(ARRAY['day','month','year'])[1 + g % 3]`,
        location: word('g', 1),
        country: word('g', 6),
        ...timestamps('g', '1 second'),
        published_at: `${BASE_TIME} + g * interval '1 second'`,
      }, `FROM generate_series(1, ${events}) AS g`),
    );
    // Document g has its draft at id 2g-1 and its published version at id 2g, as creating and
    // then publishing each document through Strapi would leave them.
    await timed(
      insertSelect(articleTable.table, articleTable.columns, {
        id: '2 * g - 1 + v.published',
        document_id: documentId('article', 'g'),
        title: `'Synthetic article ' || g || ': ' || ${word('g')} || ' and ' || ${word('g', 7)} || ' expand cooperation'`,
        slug: `'synthetic-article-' || g`,
        summary: `'Officials from ' || ${word('g', 3)} || ' and ' || ${word('g', 7)} || ' signed cooperation documents; article ' || g || ' of the benchmark set.'`,
        body: bodyExpression('g'),
        dateline: word('g'),
        published_date: `date '2020-01-01' + (g % 2000)`,
        source: `'Bench Wire'`,
        ...timestamps('g', '1 minute'),
        published_at: `CASE WHEN v.published = 1 THEN ${BASE_TIME} + g * interval '1 minute' + interval '1 second' END`,
      }, `FROM generate_series(1, ${articles}) AS g CROSS JOIN (VALUES (0), (1)) AS v(published) ORDER BY g, v.published`),
    );

    // Links for both rows of every document. person_ord orders an article's people; article_ord
    // orders a person's articles (the other side of the relation).
    const linkRows = async (
      /** @type {{ table: string, columns: Map<string, Column> }} */ link,
      /** @type {string} */ owner,
      /** @type {string} */ target,
      /** @type {string} */ source,
    ) => {
      await timed(
        insertSelect(link.table, link.columns, {
          [`${owner}_id`]: 'owner_id',
          [`${target}_id`]: 'target_id',
          [`${target}_ord`]: 'target_ord',
          [`${owner}_ord`]: `row_number() OVER (PARTITION BY target_id ORDER BY owner_id)`,
        }, `FROM (${source}) AS pairs ORDER BY owner_id, target_ord`),
      );
    };
    /** Both rows of every article (draft and published) linked to `perArticle` of `targets` rows, in link order. */
    const articleLinks = (/** @type {number} */ perArticle, /** @type {number} */ targets) =>
      `SELECT 2 * g - 1 + v.published AS owner_id, ((g * ${perArticle} + k) % ${targets}) + 1 AS target_id, k + 1 AS target_ord
         FROM generate_series(1, ${articles}) AS g CROSS JOIN (VALUES (0), (1)) AS v(published)
         CROSS JOIN generate_series(0, ${perArticle - 1}) AS k`;
    await linkRows(
      articlePeople,
      'article',
      'person',
      articleLinks(PEOPLE_PER_ARTICLE, people),
    );
    await linkRows(
      articleEvents,
      'article',
      'event',
      articleLinks(EVENTS_PER_ARTICLE, events),
    );
    await linkRows(
      eventParticipants,
      'event',
      'person',
      `SELECT g AS owner_id, ((g * 7 + k) % ${people}) + 1 AS target_id, k + 1 AS target_ord
         FROM generate_series(1, ${events}) AS g CROSS JOIN generate_series(0, ${PARTICIPANTS_PER_EVENT - 1}) AS k`,
    );

    const indexesStarted = Date.now();
    for (const definition of indexes) await db.query(definition);
    options.log(`  ${indexes.length} indexes re-created in ${((Date.now() - indexesStarted) / 1000).toFixed(1)} s`);
    stepDone('indexes done');

    // The next rows Strapi inserts get ids after ours.
    for (const { table } of all) {
      await db.query(`SELECT setval(pg_get_serial_sequence($1, 'id'), (SELECT max(id) FROM "${table}"))`, [`${schema}.${table}`]);
    }
    await db.query('COMMIT');
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  }

  // Statistics for the planner, and the visibility map for index-only scans, as autovacuum
  // would leave them on a database that has been running for a while.
  options.log('VACUUM ANALYZE of the loaded tables');
  for (const { table } of all) {
    await db.query(`VACUUM (ANALYZE) "${table}"`);
    stepDone(`VACUUM ${table} done`);
  }

  const links = articles * 2 * (PEOPLE_PER_ARTICLE + EVENTS_PER_ARTICLE) + events * PARTICIPANTS_PER_EVENT;
  return { articles, people, events, links, seconds: (Date.now() - started) / 1000 };
}

module.exports = { loadArticles, articleSlug, peopleFor, eventsFor, collectionName };
