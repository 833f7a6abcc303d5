import type { Core } from '@strapi/strapi';
import { checkEventDates, checksEventDates } from './event-dates';
import { explainValidationError } from './messages';

const CONTENT_TYPES = new Set(['api::article.article', 'api::person.person', 'api::event.event']);

/**
 * Validation editors can act on, for the admin panel, REST and GraphQL alike: all three write
 * through the Document Service, and a ValidationError thrown there becomes a 400 with its message
 * (REST), a BAD_USER_INPUT error (GraphQL) and a message under the field (admin).
 */
export function registerContentValidation(strapi: Core.Strapi): void {
  strapi.documents.use(async (context, next) => {
    if (!CONTENT_TYPES.has(context.uid)) return next();
    if (checksEventDates(context.uid, context.action)) {
      // Middleware params are typed for every action at once; create and update carry documentId and data.
      await checkEventDates(strapi, context.action, context.params as Parameters<typeof checkEventDates>[2]);
    }
    try {
      return await next();
    } catch (error) {
      throw explainValidationError(strapi, context.uid, error);
    }
  });
}
