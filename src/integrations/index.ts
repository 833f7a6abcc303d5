import type { Core } from '@strapi/strapi';
import { serveOpenApiDocument } from './openapi';

/**
 * What other systems rely on: the OpenAPI contract of the content API (`/openapi.json`).
 */
export function registerIntegrations(strapi: Core.Strapi): void {
  serveOpenApiDocument(strapi);
}
