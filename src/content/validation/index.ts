import type { Core } from '@strapi/strapi';
import { contentApiCaller } from '../../access/content-api-caller';
import { checkDraftRules } from './draft-rules';
import { checkEventDates, checksEventDates } from './event-dates';
import { explainValidationError, labelOf } from './messages';
import { checkRelationValues } from './relation-values';

const CONTENT_TYPES = new Set(['api::article.article', 'api::person.person', 'api::event.event']);
const WRITES = new Set(['create', 'update']);

interface WriteParams {
  documentId?: string;
  data?: Record<string, unknown>;
}

/**
 * Validation editors can act on, for the admin panel, REST and GraphQL alike: all three write
 * through the Document Service, and a ValidationError thrown there becomes a 400 with its message
 * (REST), a BAD_USER_INPUT error (GraphQL) and a message under the field (admin).
 */
export function registerContentValidation(strapi: Core.Strapi): void {
  strapi.documents.use(async (context, next) => {
    if (!CONTENT_TYPES.has(context.uid)) return next();
    try {
      if (WRITES.has(context.action)) {
        // Middleware params are typed for every action at once; create and update carry documentId and data.
        const params = (context.params ?? {}) as WriteParams;
        // The cast only widens Strapi's literal UID type.
        const { attributes } = strapi.contentType(context.uid as 'api::article.article') as unknown as { attributes: Record<string, { type: string }> };
        if (contentApiCaller(strapi).isContentApi) checkRelationValues(attributes, params.data);
        await checkDraftRules(strapi, context.uid, attributes, params.data, params.documentId, (field) => labelOf(context.uid, field));
        if (checksEventDates(context.uid, context.action)) await checkEventDates(strapi, context.action, params);
      }
      return await next();
    } catch (error) {
      throw explainValidationError(strapi, context.uid, error);
    }
  });
}
