// @ts-check
/**
 * The OpenAPI 3.1 contract of the content API, built from the content-type schemas
 * (src/api/<type>/content-types/<type>/schema.json) and the endpoints described in
 * other-endpoints.js (search, the webhook delivery log), and nothing else, so the same
 * sources always give the same file: `npm run openapi` writes it, a test regenerates
 * it in memory and fails when the committed file is stale.
 *
 * Why not Strapi's own generator (@strapi/openapi, `strapi openapi generate`): at
 * 5.54.0 it types `documentId` as a UUID (Strapi 5 ids are 24-character cuid2
 * strings, so every live answer fails it), writes the generation time into
 * `publishedAt`'s default (the file changes on every run), marks optional fields as
 * never null, gives no schema to errors, cannot filter on relations, and documents
 * the plugins' auth and upload routes this CMS does not expose. Correcting each of
 * these took more code than describing the three types directly.
 *
 * What it describes is what the public API answers: an entry is its attributes plus
 * `id`, `documentId` and the timestamps; relations appear only when populated, as the
 * related entries themselves; every field may be left out by `fields`.
 */
const fs = require('node:fs');
const path = require('node:path');
const { otherEndpoints } = require('./other-endpoints');

/** The REST page sizes (src/limits/page-sizes: PAGE_SIZE); a test checks they agree. */
const PAGE_SIZE = { default: 25, max: 100 };

/**
 * @typedef {{ type: string, required?: boolean, enum?: string[], maxLength?: number,
 *   relation?: string, target?: string, default?: unknown }} Attribute
 * @typedef {{ kind: string, info: { singularName: string, pluralName: string, displayName: string,
 *   description?: string }, options?: { draftAndPublish?: boolean },
 *   attributes: Record<string, Attribute> }} ContentTypeSchema
 * @typedef {{ uid: string, schema: ContentTypeSchema }} ContentType
 * @typedef {Record<string, unknown>} JsonSchema
 */

/**
 * Every content type of the app, in name order.
 * @param {string} appRoot
 * @returns {ContentType[]}
 */
function readContentTypes(appRoot) {
  const apiDir = path.join(appRoot, 'src', 'api');
  /** @type {ContentType[]} */
  const types = [];
  for (const api of fs.readdirSync(apiDir).sort()) {
    const typesDir = path.join(apiDir, api, 'content-types');
    if (!fs.existsSync(typesDir)) continue;
    for (const name of fs.readdirSync(typesDir).sort()) {
      const file = path.join(typesDir, name, 'schema.json');
      if (!fs.existsSync(file)) continue;
      types.push({ uid: `api::${api}.${name}`, schema: JSON.parse(fs.readFileSync(file, 'utf8')) });
    }
  }
  return types;
}

/** `article` → `Article`, `news-item` → `NewsItem`: the component name of a type. @param {string} singular */
const componentName = (singular) => singular.replace(/(^|-)([a-z])/g, (_, _dash, letter) => letter.toUpperCase());

/** @param {JsonSchema} schema @param {boolean} nullable */
const orNull = (schema, nullable) => (nullable ? { ...schema, type: [schema.type, 'null'] } : schema);

/**
 * The JSON Schema of one stored (non-relation) attribute as the API answers it.
 * @param {Attribute} attribute
 * @param {boolean} [draftAndPublish] whether the type has drafts
 * @returns {JsonSchema}
 */
function attributeSchema(attribute, draftAndPublish = false) {
  // Strapi 5 checks required attributes on publish only: a draft may hold null in any of them.
  const nullable = !attribute.required || draftAndPublish;
  switch (attribute.type) {
    case 'string':
    case 'text':
    case 'richtext':
    case 'email':
    case 'password':
      return orNull({ type: 'string', ...(attribute.maxLength ? { maxLength: attribute.maxLength } : {}) }, nullable);
    case 'uid':
      return orNull({ type: 'string' }, nullable);
    case 'enumeration':
      return nullable
        ? { type: ['string', 'null'], enum: [...(attribute.enum ?? []), null] }
        : { type: 'string', enum: attribute.enum ?? [] };
    case 'date':
      return orNull({ type: 'string', format: 'date' }, nullable);
    case 'datetime':
      return orNull({ type: 'string', format: 'date-time' }, nullable);
    case 'time':
      return orNull({ type: 'string' }, nullable);
    case 'integer':
    case 'biginteger':
      return orNull({ type: 'integer' }, nullable);
    case 'float':
    case 'decimal':
      return orNull({ type: 'number' }, nullable);
    case 'boolean':
      return orNull({ type: 'boolean' }, nullable);
    case 'json':
      return {};
    case 'blocks':
      return nullable ? { anyOf: [{ $ref: '#/components/schemas/Blocks' }, { type: 'null' }] } : { $ref: '#/components/schemas/Blocks' };
    default:
      throw new Error(`OpenAPI: no schema for attribute type "${attribute.type}"; add it to scripts/openapi/document.js`);
  }
}

/** @param {ContentType} type */
const storedAttributes = (type) => Object.entries(type.schema.attributes).filter(([, attribute]) => attribute.type !== 'relation');
/** @param {ContentType} type */
const relationAttributes = (type) => Object.entries(type.schema.attributes).filter(([, attribute]) => attribute.type === 'relation');

/**
 * @param {ContentType[]} types
 * @param {string} uid
 */
function targetOf(types, uid) {
  const target = types.find((type) => type.uid === uid);
  if (!target) throw new Error(`OpenAPI: relation to unknown content type ${uid}`);
  return target;
}

const TO_MANY = new Set(['oneToMany', 'manyToMany', 'manyWay']);

/**
 * An entry as the API answers it: the attributes `fields` selected (all by default),
 * and each relation `populate` asked for, as the related entry or entries.
 * @param {ContentType} type @param {ContentType[]} types
 * @returns {JsonSchema}
 */
function entrySchema(type, types) {
  const draftAndPublish = type.schema.options?.draftAndPublish === true;
  /** @type {Record<string, JsonSchema>} */
  const properties = {
    id: { type: 'integer', description: 'The row id of this version; use documentId to address the document' },
    documentId: { $ref: '#/components/schemas/DocumentId' },
  };
  for (const [name, attribute] of storedAttributes(type)) properties[name] = attributeSchema(attribute, draftAndPublish);
  properties.createdAt = { type: 'string', format: 'date-time' };
  properties.updatedAt = { type: 'string', format: 'date-time' };
  properties.publishedAt = draftAndPublish
    ? { type: ['string', 'null'], format: 'date-time', description: 'null on a draft' }
    : { type: 'string', format: 'date-time' };
  for (const [name, attribute] of relationAttributes(type)) {
    const ref = { $ref: `#/components/schemas/${componentName(targetOf(types, attribute.target ?? '').schema.info.singularName)}` };
    properties[name] = TO_MANY.has(attribute.relation ?? '')
      ? { type: 'array', items: ref, description: 'Present when populated' }
      : { anyOf: [ref, { type: 'null' }], description: 'Present when populated' };
  }
  return {
    type: 'object',
    description: type.schema.info.description,
    properties,
    // `fields` may leave out any attribute; id and documentId are always there.
    required: ['id', 'documentId'],
    additionalProperties: false,
  };
}

/**
 * The `data` of a create or update: attributes, and relations as documentIds or
 * Strapi's connect / disconnect / set operations.
 * @param {ContentType} type @param {boolean} forCreate
 * @returns {JsonSchema}
 */
function inputSchema(type, forCreate) {
  const draftAndPublish = type.schema.options?.draftAndPublish === true;
  /** @type {Record<string, JsonSchema>} */
  const properties = {};
  for (const [name, attribute] of storedAttributes(type)) properties[name] = attributeSchema(attribute, draftAndPublish);
  for (const [name] of relationAttributes(type)) properties[name] = { $ref: '#/components/schemas/RelationInput' };
  // A draft (`?status=draft`) may leave out what publishing needs; the publish itself answers 400 naming it.
  const required = forCreate && !draftAndPublish
    ? storedAttributes(type)
        // A uid is derived from its target field when left out; a default fills an enumeration.
        .filter(([, attribute]) => attribute.required && attribute.type !== 'uid' && attribute.default === undefined)
        .map(([name]) => name)
    : [];
  return { type: 'object', properties, ...(required.length ? { required } : {}), additionalProperties: false };
}

/** Schemas every type shares. @returns {Record<string, JsonSchema>} */
function sharedSchemas() {
  return {
    DocumentId: {
      type: 'string',
      minLength: 1,
      description: 'The stable id of a document (all its versions): a 24-character string, not a number',
      examples: ['vfhgau4um9m0cen40h9t02ve'],
    },
    Blocks: {
      type: 'array',
      description: "Rich text as Strapi's blocks: paragraphs, headings, lists, quotes, code and images, each with children",
      items: { $ref: '#/components/schemas/BlockNode' },
    },
    BlockNode: {
      type: 'object',
      required: ['type'],
      properties: {
        type: { type: 'string' },
        children: { type: 'array', items: { $ref: '#/components/schemas/BlockNode' } },
        text: { type: 'string' },
      },
      additionalProperties: true,
    },
    RelationInput: {
      description: 'documentIds to link (replacing the current links), or connect / disconnect / set operations',
      anyOf: [
        { type: 'array', items: { $ref: '#/components/schemas/RelationTarget' } },
        {
          type: 'object',
          properties: {
            connect: { type: 'array', items: { $ref: '#/components/schemas/RelationTarget' } },
            disconnect: { type: 'array', items: { $ref: '#/components/schemas/RelationTarget' } },
            set: { type: 'array', items: { $ref: '#/components/schemas/RelationTarget' } },
          },
          additionalProperties: false,
        },
      ],
    },
    RelationTarget: {
      anyOf: [
        { $ref: '#/components/schemas/DocumentId' },
        { type: 'object', required: ['documentId'], properties: { documentId: { $ref: '#/components/schemas/DocumentId' } } },
      ],
    },
    Pagination: {
      description: 'page and pageSize, or start and limit when the request paged with pagination[start] / pagination[limit]',
      anyOf: [
        {
          type: 'object',
          required: ['page', 'pageSize', 'pageCount', 'total'],
          properties: {
            page: { type: 'integer', minimum: 1 },
            pageSize: { type: 'integer', minimum: 1, maximum: PAGE_SIZE.max },
            pageCount: { type: 'integer', minimum: 0 },
            total: { type: 'integer', minimum: 0 },
          },
          additionalProperties: false,
        },
        {
          type: 'object',
          required: ['start', 'limit', 'total'],
          properties: {
            start: { type: 'integer', minimum: 0 },
            limit: { type: 'integer', minimum: 1, maximum: PAGE_SIZE.max },
            total: { type: 'integer', minimum: 0 },
          },
          additionalProperties: false,
        },
      ],
    },
    Error: {
      type: 'object',
      description: 'Every 4xx and 5xx answer: a status, a name and a message that says what was wrong with the request',
      required: ['data', 'error'],
      properties: {
        data: { type: 'null' },
        error: {
          type: 'object',
          required: ['status', 'name', 'message'],
          properties: {
            status: { type: 'integer', minimum: 400, maximum: 599 },
            name: { type: 'string', examples: ['ValidationError', 'NotFoundError', 'ForbiddenError', 'UnauthorizedError'] },
            message: { type: 'string' },
            details: { type: 'object', description: 'What the problem is about: the query parameter and key, or the field errors of a body' },
          },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    },
  };
}

/** @param {string} description */
const errorResponse = (description) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

/** @returns {Record<string, unknown>} */
function sharedResponses() {
  return {
    BadRequest: errorResponse('A malformed or unknown query parameter, filter, sort, field or populate key, or an invalid body'),
    Unauthorized: errorResponse('An API token that is unknown, expired or malformed'),
    Forbidden: errorResponse('A write without an API token, or drafts asked for without one'),
    NotFound: errorResponse('No document with this documentId (or no published version of it)'),
    PayloadTooLarge: errorResponse('A body over 1 MB'),
    TooManyRequests: errorResponse('Over the rate limit of this address or token; Retry-After says when to try again'),
    ServiceUnavailable: errorResponse('The database is unreachable or busy; Retry-After says when to try again'),
  };
}

/**
 * The query parameters of one type's reads.
 * @param {ContentType} type @param {string} name
 * @returns {Record<string, Record<string, unknown>>}
 */
function queryParameters(type, name) {
  const scalarFields = ['id', 'documentId', ...storedAttributes(type).map(([field]) => field), 'createdAt', 'updatedAt', 'publishedAt'];
  const selectable = scalarFields.filter((field) => field !== 'id');
  const relations = relationAttributes(type).map(([field]) => field);
  const sortKey = `(${scalarFields.join('|')})(:(asc|desc|ASC|DESC))?`;
  return {
    [`${name}Filters`]: {
      name: 'filters',
      in: 'query',
      style: 'deepObject',
      explode: true,
      description:
        'Filters, as `filters[field][$operator]=value` or through a relation, `filters[relation][field][$operator]=value`. ' +
        'Operators: $eq $eqi $ne $nei $lt $lte $gt $gte $in $notIn $contains $notContains $containsi $notContainsi ' +
        '$null $notNull $between $startsWith $startsWithi $endsWith $endsWithi, combined with $and, $or and $not. ' +
        'An unknown field or an operator that does not fit the field type is answered 400.',
      schema: {
        type: 'object',
        propertyNames: { enum: [...scalarFields, ...relations, '$and', '$or', '$not'] },
        additionalProperties: true,
      },
    },
    [`${name}Sort`]: {
      name: 'sort',
      in: 'query',
      description: 'Sort by one field or several, each `field` or `field:asc` / `field:desc`, as a comma-separated string or an array',
      schema: {
        anyOf: [
          { type: 'string', pattern: `^${sortKey}(,${sortKey})*$` },
          { type: 'array', items: { type: 'string', pattern: `^${sortKey}$` } },
        ],
      },
    },
    [`${name}Fields`]: {
      name: 'fields',
      in: 'query',
      description: 'Only these attributes (id and documentId always come along); relations are chosen with populate',
      schema: {
        anyOf: [
          { type: 'string', description: 'One field, or several comma-separated' },
          { type: 'array', items: { type: 'string', enum: selectable } },
        ],
      },
    },
    [`${name}Populate`]: {
      name: 'populate',
      in: 'query',
      style: 'deepObject',
      explode: true,
      description:
        'Relations to include: `*` for all of them, one name, a list, or an object per relation with its own ' +
        'fields, filters, sort and populate (`populate[people][fields][0]=name`)',
      schema: {
        anyOf: [
          { type: 'string', description: '`*` or a comma-separated list of relations', examples: ['*', relations.join(',')] },
          { type: 'array', items: { type: 'string', enum: relations } },
          { type: 'object', propertyNames: { enum: relations }, additionalProperties: true },
        ],
      },
    },
  };
}

/** Parameters every type shares. @returns {Record<string, Record<string, unknown>>} */
function sharedParameters() {
  return {
    DocumentIdPath: {
      name: 'documentId',
      in: 'path',
      required: true,
      description: 'The documentId of the entry',
      schema: { $ref: '#/components/schemas/DocumentId' },
    },
    Pagination: {
      name: 'pagination',
      in: 'query',
      style: 'deepObject',
      explode: true,
      description: `Pages of ${PAGE_SIZE.default} entries by default and ${PAGE_SIZE.max} at most (more is answered 400, not cut): page and pageSize, or start and limit`,
      schema: {
        type: 'object',
        properties: {
          page: { type: 'integer', minimum: 1 },
          pageSize: { type: 'integer', minimum: 1, maximum: PAGE_SIZE.max },
          start: { type: 'integer', minimum: 0 },
          limit: { type: 'integer', minimum: 1, maximum: PAGE_SIZE.max },
          withCount: { type: 'boolean' },
        },
        additionalProperties: false,
      },
    },
    Status: {
      name: 'status',
      in: 'query',
      description: '`published` (the default) or `draft`; drafts only with an API token (403 without one)',
      schema: { type: 'string', enum: ['published', 'draft'] },
    },
    Search: {
      name: '_q',
      in: 'query',
      description: "A word to look for in the type's text fields",
      schema: { type: 'string' },
    },
  };
}

const ref = (/** @type {string} */ kind, /** @type {string} */ name) => ({ $ref: `#/components/${kind}/${name}` });
const readSecurity = [{}, { apiToken: [] }];
const writeSecurity = [{ apiToken: [] }];

/**
 * The five operations of one collection type.
 * @param {ContentType} type
 * @returns {Record<string, Record<string, unknown>>}
 */
function typePaths(type) {
  const { singularName, pluralName, displayName } = type.schema.info;
  const name = componentName(singularName);
  const tags = [displayName];
  const json = (/** @type {string} */ schema) => ({ 'application/json': { schema: ref('schemas', schema) } });
  const readParameters = [ref('parameters', `${name}Fields`), ref('parameters', `${name}Populate`), ref('parameters', 'Status')];
  const commonErrors = {
    400: ref('responses', 'BadRequest'),
    401: ref('responses', 'Unauthorized'),
    403: ref('responses', 'Forbidden'),
    429: ref('responses', 'TooManyRequests'),
    503: ref('responses', 'ServiceUnavailable'),
  };
  const body = (/** @type {string} */ schema) => ({ required: true, content: json(schema) });
  return {
    [`/api/${pluralName}`]: {
      get: {
        operationId: `list${componentName(pluralName)}`,
        summary: `${displayName}: entries, filtered, sorted and paged`,
        tags,
        security: readSecurity,
        parameters: [
          ref('parameters', `${name}Filters`),
          ref('parameters', `${name}Sort`),
          ...readParameters,
          ref('parameters', 'Pagination'),
          ref('parameters', 'Search'),
        ],
        responses: { 200: { description: 'A page of entries', content: json(`${name}ListResponse`) }, ...commonErrors },
      },
      post: {
        operationId: `create${name}`,
        summary: `${displayName}: create an entry`,
        tags,
        security: writeSecurity,
        parameters: [ref('parameters', `${name}Fields`), ref('parameters', `${name}Populate`), ref('parameters', 'Status')],
        requestBody: body(`${name}CreateRequest`),
        responses: {
          201: { description: 'The new entry', content: json(`${name}Response`) },
          ...commonErrors,
          413: ref('responses', 'PayloadTooLarge'),
        },
      },
    },
    [`/api/${pluralName}/{documentId}`]: {
      parameters: [ref('parameters', 'DocumentIdPath')],
      get: {
        operationId: `get${name}`,
        summary: `${displayName}: one entry by documentId`,
        tags,
        security: readSecurity,
        parameters: readParameters,
        responses: { 200: { description: 'The entry', content: json(`${name}Response`) }, ...commonErrors, 404: ref('responses', 'NotFound') },
      },
      put: {
        operationId: `update${name}`,
        summary: `${displayName}: change an entry (only the attributes sent)`,
        tags,
        security: writeSecurity,
        parameters: [ref('parameters', `${name}Fields`), ref('parameters', `${name}Populate`), ref('parameters', 'Status')],
        requestBody: body(`${name}UpdateRequest`),
        responses: {
          200: { description: 'The changed entry', content: json(`${name}Response`) },
          ...commonErrors,
          404: ref('responses', 'NotFound'),
          413: ref('responses', 'PayloadTooLarge'),
        },
      },
      delete: {
        operationId: `delete${name}`,
        summary: `${displayName}: delete an entry (every version of the document)`,
        tags,
        security: writeSecurity,
        responses: { 204: { description: 'Deleted' }, ...commonErrors, 404: ref('responses', 'NotFound') },
      },
    },
  };
}

/**
 * The whole document.
 * @param {string} appRoot
 * @returns {Record<string, unknown>}
 */
function buildOpenApiDocument(appRoot) {
  const packageJson = JSON.parse(fs.readFileSync(path.join(appRoot, 'package.json'), 'utf8'));
  const types = readContentTypes(appRoot).filter((type) => type.schema.kind === 'collectionType');
  /** @type {Record<string, unknown>} */
  const schemas = sharedSchemas();
  /** @type {Record<string, unknown>} */
  const parameters = sharedParameters();
  /** @type {Record<string, unknown>} */
  let paths = {};
  for (const type of types) {
    const name = componentName(type.schema.info.singularName);
    schemas[name] = entrySchema(type, types);
    schemas[`${name}CreateRequest`] = { type: 'object', required: ['data'], properties: { data: inputSchema(type, true) }, additionalProperties: false };
    schemas[`${name}UpdateRequest`] = { type: 'object', required: ['data'], properties: { data: inputSchema(type, false) }, additionalProperties: false };
    schemas[`${name}Response`] = {
      type: 'object',
      required: ['data', 'meta'],
      properties: { data: ref('schemas', name), meta: { type: 'object' } },
      additionalProperties: false,
    };
    schemas[`${name}ListResponse`] = {
      type: 'object',
      required: ['data', 'meta'],
      properties: {
        data: { type: 'array', items: ref('schemas', name) },
        meta: { type: 'object', required: ['pagination'], properties: { pagination: ref('schemas', 'Pagination') } },
      },
      additionalProperties: false,
    };
    Object.assign(parameters, queryParameters(type, name));
    paths = { ...paths, ...typePaths(type) };
  }
  const other = otherEndpoints();
  Object.assign(schemas, other.schemas);
  paths = { ...paths, ...other.paths };

  return {
    openapi: '3.1.0',
    info: {
      title: 'News CMS content API',
      version: packageJson.version,
      description:
        'Articles, the people they mention and the events they report. Anyone may read published content; ' +
        'writes and drafts need an API token (Settings → API Tokens) as `Authorization: Bearer <token>`.',
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    servers: [{ url: '/', description: 'This CMS' }],
    tags: types.map((type) => ({ name: type.schema.info.displayName, description: type.schema.info.description })),
    paths,
    components: {
      schemas,
      parameters,
      responses: sharedResponses(),
      securitySchemes: { apiToken: { type: 'http', scheme: 'bearer', description: 'An API token from Settings → API Tokens' } },
    },
  };
}

/** The file as committed: two-space JSON with a final newline. @param {unknown} document */
const serializeDocument = (document) => `${JSON.stringify(document, null, 2)}\n`;

module.exports = { buildOpenApiDocument, serializeDocument, PAGE_SIZE };
