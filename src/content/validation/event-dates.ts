import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';

const EVENT = 'api::event.event';

/** The calendar date of a date field's value (`2022-07-23`, a Date, or an ISO timestamp); null when unset or not a date. */
export function calendarDate(value: unknown): string | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString().slice(0, 10);
  if (typeof value !== 'string') return null;
  const match = /^(\d{4}-\d{2}-\d{2})/.exec(value.trim());
  return match ? match[1] : null;
}

/** "23 July 2022" style, for messages; the ISO date when it does not parse. */
function spoken(date: string): string {
  const parsed = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime())) return date;
  return parsed.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

interface DocumentParams {
  documentId?: string;
  data?: Record<string, unknown>;
}

/**
 * Refuses an event whose end date is before its start date. An update may send only one of the two
 * dates (REST and GraphQL allow partial data), so the other is read from the stored event.
 */
export async function checkEventDates(strapi: Core.Strapi, action: string, params: DocumentParams): Promise<void> {
  const data = params.data;
  if (!data || !('startDate' in data || 'endDate' in data)) return;

  let start = data.startDate;
  let end = data.endDate;
  if (action === 'update' && params.documentId && (!('startDate' in data) || !('endDate' in data))) {
    const stored = await strapi.documents(EVENT).findOne({ documentId: params.documentId, fields: ['startDate', 'endDate'] });
    if (!('startDate' in data)) start = stored?.startDate;
    if (!('endDate' in data)) end = stored?.endDate;
  }

  const startDate = calendarDate(start);
  const endDate = calendarDate(end);
  if (!startDate || !endDate || endDate >= startDate) return;

  const message =
    `The end date (${spoken(endDate)}) is before the start date (${spoken(startDate)}): ` +
    'set an end date on or after the start date, or leave it empty for a single date.';
  throw new errors.ValidationError(message, {
    errors: [{ path: ['endDate'], message, name: 'ValidationError', value: endDate }],
  });
}

export const checksEventDates = (uid: string, action: string) => uid === EVENT && (action === 'create' || action === 'update');
