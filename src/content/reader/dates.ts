const MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
];

export type DatePrecision = 'day' | 'month' | 'year';

/**
 * A stored date as readers should see it, at the precision it is known to: "23 July 2022",
 * "June 2022", "1521". Read from the ISO text itself, so no time zone can shift the day.
 */
export function formatDate(value: unknown, precision: DatePrecision = 'day'): string {
  const match = typeof value === 'string' ? /^(-?\d{1,6})-(\d{2})-(\d{2})/.exec(value) : null;
  if (!match) return '';
  const year = String(Number(match[1]));
  const month = MONTHS[Number(match[2]) - 1] ?? '';
  const day = String(Number(match[3]));
  if (precision === 'year') return year;
  if (precision === 'month') return `${month} ${year}`;
  return `${day} ${month} ${year}`;
}

/** A single date, or "start – end" when the event lasted. */
export function formatDateRange(start: unknown, end: unknown, precision: DatePrecision = 'day'): string {
  const from = formatDate(start, precision);
  const to = formatDate(end, precision);
  return to && to !== from ? `${from} – ${to}` : from;
}

export const isDatePrecision = (value: unknown): value is DatePrecision =>
  value === 'day' || value === 'month' || value === 'year';
