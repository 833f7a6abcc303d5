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

/** @returns {{ paths: Record<string, unknown>, schemas: Record<string, unknown> }} */
function otherEndpoints() {
  return { paths: {}, schemas: {} };
}

module.exports = { otherEndpoints };
