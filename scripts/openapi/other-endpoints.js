// @ts-check
/**
 * Endpoints of the content API that are not a content type's five operations. The
 * document builder (document.js) adds their paths and schemas after the types'.
 *
 * GET /api/search goes here when it lands: a path item under `paths['/api/search']`
 * with its query parameters, and its answer's schema under `schemas` (a result can
 * reference the types' entry schemas, `{ $ref: '#/components/schemas/Article' }`).
 * Then `npm run openapi`, and add a live answer of it to tests/openapi/live-answers.test.ts.
 */

/** The REST page sizes (src/limits/page-sizes: PAGE_SIZE), as document.js has them. */
const PAGE_SIZE = { default: 25, max: 100 };

const ref = (/** @type {string} */ kind, /** @type {string} */ name) => ({ $ref: `#/components/${kind}/${name}` });

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
            400: ref('responses', 'BadRequest'),
            401: ref('responses', 'Unauthorized'),
            403: ref('responses', 'Forbidden'),
            429: ref('responses', 'TooManyRequests'),
            503: ref('responses', 'ServiceUnavailable'),
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
  const deliveries = webhookDeliveries();
  return { paths: { ...deliveries.paths }, schemas: { ...deliveries.schemas } };
}

module.exports = { otherEndpoints };
