import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { ADMIN_LAYOUTS } from '../admin-layout/layouts';

interface FieldError {
  path: string[];
  message: string;
  name: string;
  value?: unknown;
}

/** The labels editors see in the admin's forms (src/content/admin-layout), so messages use the same words. */
const LABELS = new Map(
  ADMIN_LAYOUTS.flatMap((spec) => Object.entries(spec.fields).map(([name, field]) => [`${spec.uid}.${name}`, field.label])),
);

export function labelOf(uid: string, field: string): string {
  return LABELS.get(`${uid}.${field}`) ?? field.replace(/([A-Z])/g, ' $1').replace(/^./, (first) => first.toUpperCase());
}

/**
 * Strapi's wording for these two cases names no field ("This attribute must be unique") or reads as
 * code ("title must be a `string` type, but the final value was: `null`.").
 */
function explain(strapi: Core.Strapi, uid: string, error: FieldError): string {
  const field = error.path[error.path.length - 1] ?? '';
  const label = labelOf(uid, field);
  // uid is one of CONTENT_TYPES (see index.ts); the cast only widens Strapi's literal UID type.
  const typeName = strapi.contentType(uid as 'api::article.article')?.info.singularName ?? 'entry';
  if (error.message === 'This attribute must be unique') {
    const value = typeof error.value === 'string' ? ` "${error.value}"` : '';
    return `${label}${value} is already used by another ${typeName}: choose a different ${label.toLowerCase()}.`;
  }
  // yup's three wordings for a required value that is missing ("title must be a `string` type,
  // but the final value was: `null`." is the one a missing required string gets).
  if (/ must be defined\.$| is a required field$|the final value was: `(null|undefined)`/.test(error.message)) {
    return `${label} is required: fill it in before saving.`;
  }
  return error.message;
}

function fieldErrorsOf(error: unknown): FieldError[] | null {
  if (!(error instanceof errors.ValidationError)) return null;
  const list = (error.details as { errors?: unknown } | undefined)?.errors;
  // Strapi's ValidationErrors from the entity validator carry { path, message, name, value } entries.
  return Array.isArray(list) ? (list as FieldError[]) : null;
}

/**
 * Rewrites Strapi's validation messages for a clashing slug and a missing required field into
 * sentences that name the field and what to do. The field paths stay, so the admin still marks
 * the right inputs; REST and GraphQL pass the message on as it is.
 */
export function explainValidationError(strapi: Core.Strapi, uid: string, error: unknown): unknown {
  const fieldErrors = fieldErrorsOf(error);
  if (!fieldErrors || fieldErrors.length === 0) return error;
  const explained = fieldErrors.map((fieldError) => ({ ...fieldError, message: explain(strapi, uid, fieldError) }));
  // Strapi's summary for several problems ("2 errors occurred") names none of them: list them instead.
  const vague = /^\d+ errors occurred$/.test((error as Error).message);
  if (!vague && explained.every((item, index) => item.message === fieldErrors[index].message)) return error;

  const messages = [...new Set(explained.map((item) => item.message))];
  const message = messages.length === 1 ? messages[0] : `Fix ${messages.length} fields: ${messages.join(' ')}`;
  return new errors.ValidationError(message, { errors: explained });
}
