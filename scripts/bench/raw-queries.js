// @ts-check
/**
 * The SQL of the raw baseline: one statement per request that builds the
 * whole JSON answer in PostgreSQL (json_build_object / json_agg), with the
 * same keys, order, values and pagination as Strapi's REST and GraphQL
 * responses for the benchmark's scenarios.
 *
 * The fields come from the content-type schemas (attribute order, camelCase
 * names and their snake_case columns), so a schema change reaches the raw
 * server too; the harness compares its answers with Strapi's before it
 * measures anything.
 */
const fs = require('node:fs');
const path = require('node:path');

const APP_ROOT = path.resolve(__dirname, '..', '..');

/**
 * @typedef {{ type: string, relation?: string, target?: string }} Attribute
 * @typedef {{ collectionName: string, attributes: Record<string, Attribute> }} Schema
 */

/** @param {string} type @returns {Schema} */
function schemaOf(type) {
  const file = path.join(APP_ROOT, 'src', 'api', type, 'content-types', type, 'schema.json');
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Strapi's column name for an attribute: snake_case (`publishedDate` → `published_date`). */
const columnOf = (/** @type {string} */ attribute) => attribute.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** How Strapi serialises a timestamp column: an ISO string in UTC with milliseconds. */
const isoTimestamp = (/** @type {string} */ column) => `to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The json_build_object arguments of one entry as REST returns it: id,
 * documentId, the scalar attributes in schema order, then the timestamps.
 * (Timestamps are stored without a time zone, in the server's zone; every
 * process of the benchmark runs with TZ=UTC.)
 * @param {string} type
 * @param {string} alias
 */
function restFields(type, alias) {
  const { attributes } = schemaOf(type);
  const parts = [`'id', ${alias}.id`, `'documentId', ${alias}.document_id`];
  for (const [name, attribute] of Object.entries(attributes)) {
    if (attribute.type === 'relation') continue;
    const column = `${alias}.${columnOf(name)}`;
    let value = column;
    if (attribute.type === 'date') value = `to_char(${column}, 'YYYY-MM-DD')`;
    else if (attribute.type === 'datetime') value = isoTimestamp(column);
    parts.push(`'${name}', ${value}`);
  }
  for (const name of ['createdAt', 'updatedAt', 'publishedAt']) {
    parts.push(`'${name}', ${isoTimestamp(`${alias}.${columnOf(name)}`)}`);
  }
  return parts;
}

const ARTICLES = schemaOf('article').collectionName;
const PEOPLE = schemaOf('person').collectionName;
const EVENTS = schemaOf('event').collectionName;
const ARTICLE_PEOPLE = `${ARTICLES}_people_lnk`;
const ARTICLE_EVENTS = `${ARTICLES}_events_lnk`;
const EVENT_PARTICIPANTS = `${EVENTS}_participants_lnk`;

/** `[]` instead of SQL NULL for an empty aggregate. */
const orEmpty = (/** @type {string} */ aggregate) => `COALESCE((${aggregate}), '[]'::json)`;

/** An article's people, in the article's order (REST populate). */
const peopleOf = (/** @type {string} */ article) =>
  orEmpty(`SELECT json_agg(json_build_object(${restFields('person', 'p').join(', ')}) ORDER BY l.person_ord)
             FROM ${ARTICLE_PEOPLE} l JOIN ${PEOPLE} p ON p.id = l.person_id WHERE l.article_id = ${article}.id`);

/** An event's participants, in the event's order. */
const participantsOf = (/** @type {string} */ event) =>
  orEmpty(`SELECT json_agg(json_build_object(${restFields('person', 'pp').join(', ')}) ORDER BY l2.person_ord)
             FROM ${EVENT_PARTICIPANTS} l2 JOIN ${PEOPLE} pp ON pp.id = l2.person_id WHERE l2.event_id = ${event}.id`);

/** An article's events, in the article's order, with or without their participants. */
const eventsOf = (/** @type {string} */ article, withParticipants = false) =>
  orEmpty(`SELECT json_agg(json_build_object(${[
    ...restFields('event', 'e'),
    ...(withParticipants ? [`'participants', ${participantsOf('e')}`] : []),
  ].join(', ')}) ORDER BY l.event_ord)
             FROM ${ARTICLE_EVENTS} l JOIN ${EVENTS} e ON e.id = l.event_id WHERE l.article_id = ${article}.id`);

/**
 * A REST list page: `{ data: [...], meta: { pagination } }`, sorted by id
 * as Strapi sorts when no sort is given. $1 page size, $2 page, and with
 * `bySlug` $3 the slug to filter on.
 * @param {{ people?: boolean, events?: boolean, participants?: boolean }} populate
 */
function restArticles(populate, bySlug = false) {
  const fields = [...restFields('article', 'a')];
  if (populate.people) fields.push(`'people', ${peopleOf('a')}`);
  if (populate.events) fields.push(`'events', ${eventsOf('a', populate.participants)}`);
  const where = bySlug ? 'published_at IS NOT NULL AND slug = $3::varchar' : 'published_at IS NOT NULL';
  return `SELECT json_build_object(
      'data', ${orEmpty(`SELECT json_agg(json_build_object(${fields.join(', ')}) ORDER BY a.id)
                           FROM (SELECT * FROM ${ARTICLES} WHERE ${where} ORDER BY id LIMIT $1::int OFFSET ($2::int - 1) * $1::int) a`)},
      'meta', json_build_object('pagination', json_build_object(
        'page', $2::int, 'pageSize', $1::int, 'pageCount', CEIL(t.total / $1::numeric)::int, 'total', t.total))
    ) AS body
    FROM (SELECT count(id)::int AS total FROM ${ARTICLES} WHERE ${where}) t`;
}

/** Names of a relation's people as GraphQL resolves them: the link order, then id, at most $2 (the default limit). */
const namesOf = (/** @type {string} */ link, /** @type {string} */ owner, /** @type {string} */ ownerRef) =>
  orEmpty(`SELECT json_agg(json_build_object('name', x.name) ORDER BY x.ord, x.id)
             FROM (SELECT p.name, p.id, l.person_ord AS ord FROM ${link} l JOIN ${PEOPLE} p ON p.id = l.person_id
                    WHERE l.${owner}_id = ${ownerRef}.id ORDER BY l.person_ord, p.id LIMIT $2::int) x`);

/**
 * The GraphQL scenario, `{ articles(pagination: { pageSize: $1 }) { documentId title people { name } events { title
 * participants { name } } } }`; $2 is the default limit GraphQL applies to relation fields.
 */
const GRAPHQL_ARTICLES = `SELECT json_build_object('data', json_build_object('articles', ${orEmpty(`
    SELECT json_agg(json_build_object(
        'documentId', a.document_id,
        'title', a.title,
        'people', ${namesOf(ARTICLE_PEOPLE, 'article', 'a')},
        'events', ${orEmpty(`SELECT json_agg(json_build_object('title', y.title, 'participants', ${namesOf(EVENT_PARTICIPANTS, 'event', 'y')})
                                ORDER BY y.ord, y.id)
                               FROM (SELECT e.id, e.title, l.event_ord AS ord FROM ${ARTICLE_EVENTS} l JOIN ${EVENTS} e ON e.id = l.event_id
                                      WHERE l.article_id = a.id ORDER BY l.event_ord, e.id LIMIT $2::int) y`)}
      ) ORDER BY a.id)
      FROM (SELECT id, document_id, title FROM ${ARTICLES} WHERE published_at IS NOT NULL ORDER BY id LIMIT $1::int) a`)})) AS body`;

module.exports = {
  listQuery: restArticles({}),
  listPopulatedQuery: restArticles({ people: true, events: true }),
  oneBySlugQuery: restArticles({ people: true, events: true, participants: true }, true),
  graphqlArticlesQuery: GRAPHQL_ARTICLES,
};
