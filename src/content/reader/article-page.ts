import { renderBlocks } from './blocks';
import { formatDate, formatDateRange, isDatePrecision } from './dates';
import { escapeHtml, page } from './html';

export interface ReaderArticle {
  title?: string | null;
  dateline?: string | null;
  publishedDate?: string | null;
  source?: string | null;
  summary?: string | null;
  body?: unknown;
  people?: Array<{ name?: string | null; role?: string | null }> | null;
  events?: Array<{
    title?: string | null;
    startDate?: string | null;
    endDate?: string | null;
    datePrecision?: string | null;
    location?: string | null;
  }> | null;
}

function peopleSection(people: NonNullable<ReaderArticle['people']>): string {
  if (people.length === 0) return '';
  const items = people.map(
    (person) =>
      `<li><strong>${escapeHtml(person.name)}</strong>${person.role ? ` <span class="role">— ${escapeHtml(person.role)}</span>` : ''}</li>`,
  );
  return `<h2>People in this story</h2><ul class="people">${items.join('')}</ul>`;
}

function eventsSection(events: NonNullable<ReaderArticle['events']>): string {
  if (events.length === 0) return '';
  const sorted = [...events].sort((a, b) => String(a.startDate ?? '').localeCompare(String(b.startDate ?? '')));
  const items = sorted.map((event) => {
    const precision = isDatePrecision(event.datePrecision) ? event.datePrecision : 'day';
    const when = formatDateRange(event.startDate, event.endDate, precision);
    const where = event.location ? `, ${escapeHtml(event.location)}` : '';
    return `<li><span class="when">${escapeHtml(when)}</span>${where}: ${escapeHtml(event.title)}</li>`;
  });
  return `<h2>Events</h2><ul class="events">${items.join('')}</ul>`;
}

/** The reader's view of an article; `draft` adds a banner saying it is not published. */
export function renderArticlePage(article: ReaderArticle, { draft }: { draft: boolean }): string {
  const meta = [article.dateline, formatDate(article.publishedDate), article.source].filter(Boolean).map(escapeHtml);
  const aside = peopleSection(article.people ?? []) + eventsSection(article.events ?? []);
  const html = [
    draft ? '<p class="banner">Preview of a draft: readers cannot see this version yet.</p>' : '',
    '<article>',
    `<h1>${escapeHtml(article.title)}</h1>`,
    meta.length ? `<p class="meta">${meta.join(' · ')}</p>` : '',
    article.summary ? `<p class="summary">${escapeHtml(article.summary)}</p>` : '',
    renderBlocks(article.body),
    aside ? `<aside>${aside}</aside>` : '',
    '</article>',
  ].join('\n');
  return page(article.title ?? 'Article', html);
}

export function renderNotFoundPage(): string {
  return page('Not found', '<h1>Not found</h1><p>There is no such article. It may have been moved or unpublished.</p>');
}

export function renderForbiddenPage(reason: string): string {
  return page(
    'Preview link not valid',
    `<h1>Preview link not valid</h1><p>${escapeHtml(reason)} Open the preview again from the admin panel.</p>`,
  );
}
