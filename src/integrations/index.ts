import type { Core } from '@strapi/strapi';
import { serveOpenApiDocument } from './openapi';
import { checkProductionWebhookSecret, checkWebhookSettings, registerWebhookDelivery, startWebhookDelivery, stopWebhookDelivery } from './webhooks';

/**
 * What other systems rely on: the OpenAPI contract of the content API (`/openapi.json`)
 * and signed webhooks.
 */
export function registerIntegrations(strapi: Core.Strapi): void {
  checkWebhookSettings();
  registerWebhookDelivery(strapi);
  serveOpenApiDocument(strapi);
}

export async function bootstrapIntegrations(strapi: Core.Strapi): Promise<void> {
  await checkProductionWebhookSecret(strapi);
  await startWebhookDelivery(strapi);
}

export async function stopIntegrations(strapi: Core.Strapi): Promise<void> {
  await stopWebhookDelivery(strapi);
}
