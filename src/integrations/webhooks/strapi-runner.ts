import type { Core } from '@strapi/strapi';
import { guardPatch, PATCHES } from '../../performance/registry';
import { DELIVERED_EVENTS } from './outbox';

/**
 * Strapi's webhook runner listens to its event hub and sends each event once, from memory,
 * unsigned. The events the queue delivers (the `entry.*` ones) must not be sent twice: the
 * runner's `createListener` is replaced so that it no longer listens to them. Everything else
 * stays Strapi's: the webhooks' store and the admin's Settings → Webhooks screen, its
 * **Trigger** button (which calls the runner's `run` directly), and the events of other
 * sources (media, releases), which the runner still sends as before.
 *
 * Installed in `register`, before Strapi's webhooks provider adds the saved webhooks in its
 * bootstrap, through the patch registry (src/performance/registry: `webhook-delivery`).
 */

interface WebhookRunner {
  createListener(event: string): void;
}

const delivered: ReadonlySet<string> = new Set(DELIVERED_EVENTS);

export function takeOverEntryEvents(strapi: Core.Strapi): void {
  const runner = strapi.get('webhookRunner') as WebhookRunner;
  if (!guardPatch(strapi, PATCHES.webhookDelivery, runner)) return;
  const createListener = runner.createListener.bind(runner);
  runner.createListener = (event: string) => {
    if (delivered.has(event)) return;
    createListener(event);
  };
}
