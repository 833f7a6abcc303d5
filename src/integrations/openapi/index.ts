import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Core } from '@strapi/strapi';
import type { Context, Next } from 'koa';

/**
 * `GET /openapi.json`: the committed OpenAPI 3.1 contract of the content API
 * (openapi/openapi.json, written by `npm run openapi` from the content-type schemas),
 * public like the content it describes. Read once at start: it changes only with a
 * deploy, and a test fails when the committed file no longer matches the schemas.
 */

export const OPENAPI_FILE = path.join('openapi', 'openapi.json');

export function serveOpenApiDocument(strapi: Core.Strapi): void {
  const file = path.join(strapi.dirs.app.root, OPENAPI_FILE);
  if (!fs.existsSync(file)) {
    throw new Error(`${OPENAPI_FILE} is missing: run \`npm run openapi\` and commit the file`);
  }
  const body = fs.readFileSync(file);
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  strapi.server.use(async (ctx: Context, next: Next) => {
    if (ctx.path !== '/openapi.json' || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.set('ETag', etag);
    if (ctx.get('if-none-match') === etag) {
      ctx.status = 304;
      return;
    }
    ctx.status = 200;
    ctx.type = 'application/json';
    ctx.body = body;
  });
}
