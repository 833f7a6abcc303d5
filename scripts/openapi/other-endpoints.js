// @ts-check
/**
 * Endpoints of the content API that are not a content type's five operations; the
 * document builder (document.js) adds their paths and schemas after the types':
 *
 *   GET /api/search               search for readers (src/content/search)
 *   GET /api/webhook-deliveries   the webhooks' delivery log (src/integrations/webhooks)
 *
 * Each is one function answering `{ paths, schemas }`: a path item per route with its
 * query parameters, its errors by reference to the shared responses, and the schemas
 * of its answer. A new one goes here the same way, then `npm run openapi`, a live
 * answer of it in tests/openapi/live-answers.test.ts and its route in that file's
 * route-coverage test. GraphQL is not described: this is the REST contract.
 */

/** The REST page sizes (src/limits/page-sizes: PAGE_SIZE), as document.js has them. */
const PAGE_SIZE = { default: 25, max: 100 };

/**
 * Search's limits and types (src/limits/page-sizes: SEARCH_LIMITS; src/content/search/searched-types:
 * SEARCH_TYPES), as the contract states them; a test checks they agree.
 */
const SEARCH_LIMITS = { defaultPageSize: 10, maxQueryLength: 200, resultWindow: 1000 };
const SEARCH_TYPES = ['article', 'person', 'event'];

const ref = (/** @type {string} */ kind, /** @type {string} */ name) => ({ $ref: `#/components/${kind}/${name}` });

/** Errors every read may answer; each is described once, in document.js's shared responses. */
const readErrors = () => ({
  400: ref('responses', 'BadRequest'),
  401: ref('responses', 'Unauthorized'),
  403: ref('responses', 'Forbidden'),
  429: ref('responses', 'TooManyRequests'),
  503: ref('responses', 'ServiceUnavailable'),
});

/**
 * GET /api/search: ranked, highlighted full-text search of the articles, people and events
 * (src/content/search: request.ts reads the parameters, service.ts makes the answer).
 * @returns {{ paths: Record<string, unknown>, schemas: Record<string, unknown> }}
 */
function search() {
  const typeNames = `(${SEARCH_TYPES.join('|')})`;
  return {
    paths: {
      '/api/search': {
        get: {
          operationId: 'search',
          summary: 'Search: the articles, people and events that hold the words, best match first',
          description:
            'Full-text search of the published articles, people and events at once (drafts too with an API token and ' +
            '`status=draft`). Words are stemmed and accents do not matter; each hit has a snippet of its text with the ' +
            'matched words in `<mark>…</mark>`. When no document holds the words, the titles and names spelled most ' +
            'like them are answered instead, with `meta.search.fallback: true`. One search ranks at most ' +
            `${SEARCH_LIMITS.resultWindow} results, the newest of the matches: when more match, \`total\` is ` +
            `${SEARCH_LIMITS.resultWindow} and \`meta.search.totalIsExact\` is false. Any other query parameter ` +
            '(`sort`, `filters`, `fields`, `populate`, …) is answered 400.',
          tags: ['Search'],
          security: [{}, { apiToken: [] }],
          parameters: [
            {
              name: 'q',
              in: 'query',
              required: true,
              description:
                'The text to search for, as a reader types it: words, a "quoted phrase", `or` for either word, `-word` ' +
                `to leave a word out. Given once, not empty, at most ${SEARCH_LIMITS.maxQueryLength} characters once ` +
                'trimmed, no NUL character (each answered 400).',
              schema: { type: 'string', minLength: 1, maxLength: SEARCH_LIMITS.maxQueryLength, examples: ['Zarepour', '"information technology" -Putin'] },
            },
            {
              name: 'type',
              in: 'query',
              style: 'form',
              explode: true,
              description:
                'Only these types: one, a comma-separated list (`type=person,event`) or the parameter repeated ' +
                '(`type=person&type=event`); all of them when left out. Another name is answered 400.',
              schema: {
                anyOf: [
                  ref('schemas', 'SearchType'),
                  { type: 'string', pattern: `^\\s*${typeNames}\\s*(,\\s*${typeNames}\\s*)*$`, examples: ['person,event'] },
                  { type: 'array', minItems: 1, items: ref('schemas', 'SearchType') },
                ],
              },
            },
            ref('parameters', 'Status'),
            {
              name: 'pagination',
              in: 'query',
              style: 'deepObject',
              explode: true,
              description:
                `Pages of ${SEARCH_LIMITS.defaultPageSize} results by default and ${PAGE_SIZE.max} at most (more is answered ` +
                '400, not cut). Search pages with page and pageSize only: start, limit or withCount are answered 400.',
              schema: {
                type: 'object',
                properties: {
                  page: { type: 'integer', minimum: 1 },
                  pageSize: { type: 'integer', minimum: 1, maximum: PAGE_SIZE.max, default: SEARCH_LIMITS.defaultPageSize },
                },
                additionalProperties: false,
              },
            },
          ],
          responses: {
            200: { description: 'A page of results, best first', content: { 'application/json': { schema: ref('schemas', 'SearchResponse') } } },
            ...readErrors(),
          },
        },
      },
    },
    schemas: {
      SearchType: { type: 'string', enum: SEARCH_TYPES, description: 'A searchable content type' },
      SearchHit: {
        type: 'object',
        description: 'One result: the document found, and why',
        required: ['type', 'documentId', 'slug', 'title', 'snippet', 'score'],
        properties: {
          type: ref('schemas', 'SearchType'),
          documentId: ref('schemas', 'DocumentId'),
          slug: { type: 'string', examples: ['iran-russia-ict-cooperation'] },
          title: { type: 'string', description: "The title; a person's name" },
          snippet: {
            type: 'string',
            description:
              "HTML-escaped text of the hit (an article's summary and body, a person's role, country and bio, an event's " +
              'description and place) whose only markup is `<mark>…</mark>` around the matched words: it can be put in a page as it is',
            examples: ['Iran&#39;s ICT minister Issa <mark>Zarepour</mark> signed cooperation documents with …'],
          },
          score: {
            type: 'number',
            minimum: 0,
            maximum: 1,
            description: 'Higher is better; equal scores come newest first',
          },
        },
        additionalProperties: false,
      },
      SearchResponse: {
        type: 'object',
        required: ['data', 'meta'],
        properties: {
          data: { type: 'array', items: ref('schemas', 'SearchHit') },
          meta: {
            type: 'object',
            required: ['pagination', 'search'],
            properties: {
              pagination: {
                type: 'object',
                required: ['page', 'pageSize', 'total'],
                properties: {
                  page: { type: 'integer', minimum: 1 },
                  pageSize: { type: 'integer', minimum: 1, maximum: PAGE_SIZE.max },
                  total: {
                    type: 'integer',
                    minimum: 0,
                    maximum: SEARCH_LIMITS.resultWindow,
                    description: `The number of results, or ${SEARCH_LIMITS.resultWindow} when more matched (then totalIsExact is false)`,
                  },
                },
                additionalProperties: false,
              },
              search: {
                type: 'object',
                required: ['fallback', 'totalIsExact'],
                properties: {
                  fallback: { type: 'boolean', description: 'The hits are titles spelled like the query, because no document held its words' },
                  totalIsExact: {
                    type: 'boolean',
                    description: `False when more than ${SEARCH_LIMITS.resultWindow} documents matched: the newest ${SEARCH_LIMITS.resultWindow} were ranked`,
                  },
                },
                additionalProperties: false,
              },
            },
            additionalProperties: false,
          },
        },
        additionalProperties: false,
      },
    },
  };
}

/**
 * GET /api/webhook-deliveries: the delivery log of the webhooks (src/integrations/webhooks/delivery-log.ts).
 * @returns {{ paths: Record<string, unknown>, schemas: Record<string, unknown> }}
 */
function webhookDeliveries() {
  const status = {
    type: 'string',
    enum: ['success', 'pending', 'failed'],
    description:
      'success: the receiver answered 2xx; pending: the attempt failed and another one is scheduled; ' +
      'failed: the attempt failed and none follows (410 Gone, given up, or the webhook was disabled or deleted)',
  };
  return {
    paths: {
      '/api/webhook-deliveries': {
        get: {
          operationId: 'listWebhookDeliveries',
          summary: 'Webhooks: every delivery attempt, newest first',
          description: 'Readable with an API token only (full access or read-only).',
          tags: ['Webhooks'],
          security: [{ apiToken: [] }],
          parameters: [
            { name: 'webhook', in: 'query', description: 'Only this webhook (its id in Settings → Webhooks)', schema: { type: 'integer', minimum: 1 } },
            { name: 'event', in: 'query', description: 'Only this event', schema: { type: 'string', examples: ['entry.publish'] } },
            { name: 'status', in: 'query', description: 'Only attempts with this outcome', schema: status },
            {
              name: 'pagination',
              in: 'query',
              style: 'deepObject',
              explode: true,
              description: `Pages of ${PAGE_SIZE.default} attempts by default and ${PAGE_SIZE.max} at most (more is answered 400)`,
              schema: {
                type: 'object',
                properties: { page: { type: 'integer', minimum: 1 }, pageSize: { type: 'integer', minimum: 1, maximum: PAGE_SIZE.max } },
                additionalProperties: false,
              },
            },
          ],
          responses: {
            200: { description: 'A page of delivery attempts', content: { 'application/json': { schema: ref('schemas', 'WebhookDeliveryListResponse') } } },
            ...readErrors(),
          },
        },
      },
    },
    schemas: {
      WebhookDelivery: {
        type: 'object',
        description: 'One delivery attempt of one event to one webhook',
        required: ['id', 'webhook', 'event', 'webhookId', 'attempt', 'status', 'statusCode', 'durationMs', 'error', 'uid', 'documentId', 'createdAt'],
        properties: {
          id: { type: 'integer' },
          webhook: { type: 'integer', description: 'The webhook (its id in Settings → Webhooks)' },
          event: { type: 'string', examples: ['entry.publish'] },
          webhookId: { type: 'string', description: 'The `webhook-id` header: the same on every attempt of one event', examples: ['msg_0e3c663536c94ddc9936eb9c84a95393'] },
          attempt: { type: 'integer', minimum: 1 },
          status,
          statusCode: { type: ['integer', 'null'], description: "The receiver's answer; null when there was none (timeout, refused connection)" },
          durationMs: { type: 'integer', minimum: 0 },
          error: { type: ['string', 'null'], description: 'What went wrong, when something did' },
          uid: { type: 'string', examples: ['api::article.article'] },
          documentId: { $ref: '#/components/schemas/DocumentId' },
          createdAt: { type: 'string', format: 'date-time' },
        },
        additionalProperties: false,
      },
      WebhookDeliveryListResponse: {
        type: 'object',
        required: ['data', 'meta'],
        properties: {
          data: { type: 'array', items: ref('schemas', 'WebhookDelivery') },
          meta: {
            type: 'object',
            required: ['pagination'],
            properties: {
              pagination: {
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
            },
            additionalProperties: false,
          },
        },
        additionalProperties: false,
      },
    },
  };
}

/** @returns {{ paths: Record<string, unknown>, schemas: Record<string, unknown> }} */
function otherEndpoints() {
  const endpoints = [search(), webhookDeliveries()];
  return {
    paths: Object.assign({}, ...endpoints.map((endpoint) => endpoint.paths)),
    schemas: Object.assign({}, ...endpoints.map((endpoint) => endpoint.schemas)),
  };
}

module.exports = { otherEndpoints, SEARCH_LIMITS, SEARCH_TYPES };
