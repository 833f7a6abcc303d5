import type { Page } from 'playwright-core';
import { dismissAnnouncements, openBrowser, screenshot, type Browser } from './browser';
import { E2E_ADMIN } from './server';

/**
 * An editor's first session, in Chromium against the built admin panel (see global-setup.ts): every
 * step acts through the panel as a person would, by labels, roles and visible text, then checks what
 * readers get from the public REST and GraphQL APIs.
 */
const BASE_URL = process.env.E2E_BASE_URL ?? '';
const SEEDED_SLUG = 'iran-russia-ict-cooperation';
const SEEDED_TITLE = 'Iran and Russia expand cooperation in communication and information technology';

let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!BASE_URL) throw new Error('E2E_BASE_URL is not set: run the suite with npm run test:e2e');
  browser = await openBrowser();
  page = browser.page;
  page.setDefaultTimeout(30_000);
});
afterAll(() => browser?.close());

/** Runs one step; a failing step leaves a screenshot of what went wrong beside the others. */
async function step(name: string, run: () => Promise<void>) {
  try {
    await run();
    await screenshot(page, name);
  } catch (error) {
    await screenshot(page, `${name}-failed`).catch(() => undefined);
    throw error;
  }
}

async function publicJson(path: string): Promise<{ status: number; body: Record<string, unknown> & { data?: unknown } }> {
  const response = await fetch(`${BASE_URL}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function publicGraphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${BASE_URL}/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (!body.data) throw new Error(`GraphQL failed: ${JSON.stringify(body.errors)}`);
  return body.data;
}

interface PublicArticle {
  title: string;
  slug: string;
  summary: string | null;
  people?: Array<{ name: string }>;
}

async function publishedArticle(slug: string): Promise<PublicArticle | undefined> {
  const { body } = await publicJson(`/api/articles?filters[slug][$eq]=${encodeURIComponent(slug)}&populate[people][fields][0]=name`);
  return (body.data as PublicArticle[])[0];
}

/** The Content Manager's list of one type, reached through the side navigation. */
async function openList(type: 'Article' | 'Person' | 'Event') {
  await page.getByRole('link', { name: 'Content Manager' }).click();
  await page.getByRole('navigation').getByRole('link', { name: type, exact: true }).click();
  await page.getByRole('heading', { name: type, exact: true }).waitFor();
  await dismissAnnouncements(page);
}

async function searchList(text: string) {
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  // The list's own search box (the side navigation has another, for content types).
  const search = page.locator('input[type="search"][name="search"]');
  await search.fill(text);
  await search.press('Enter');
  await page.waitForURL(new RegExp(`_q=${text}`));
}

async function openSeededArticle() {
  await openList('Article');
  await searchList('Zarepour');
  await page.getByRole('gridcell', { name: SEEDED_TITLE }).click();
  await page.getByLabel('Summary').waitFor();
}

/** Types a date into one of the panel's date pickers, in the en-US format it shows. */
async function typeDate(label: RegExp, isoDate: string) {
  const [year, month, day] = isoDate.split('-');
  const input = page.getByRole('combobox', { name: label });
  await input.click();
  await input.fill(`${month}/${day}/${year}`);
  await input.press('Enter');
}

async function saveAndPublish() {
  // Each step waits for the Content Manager's own answer: a toast of an earlier step may still be on screen.
  const contentManagerAnswer = (action: RegExp) =>
    page.waitForResponse((response) => action.test(response.url()) && response.request().method() !== 'GET' && response.ok());
  const saved = contentManagerAnswer(/\/content-manager\/collection-types\/[^/?]+(\/[^/?]+)?(\?|$)/);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await saved;
  await page.getByText('Saved document').first().waitFor();
  const published = contentManagerAnswer(/\/actions\/publish(\?|$)/);
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await published;
  await page.getByText('Published document').first().waitFor();
}

describe('an editor in the admin panel', () => {
  const runId = Date.now().toString(36);

  it('1. logs in as the dev admin from ADMIN_EMAIL / ADMIN_PASSWORD', async () => {
    await step('01-logged-in', async () => {
      await page.goto(`${BASE_URL}/admin`);
      await page.getByLabel('Email').fill(E2E_ADMIN.email);
      await page.getByLabel('Password').fill(E2E_ADMIN.password);
      await page.getByRole('button', { name: 'Login' }).click();
      await page.getByRole('heading', { name: /^Hello/ }).waitFor();
      await dismissAnnouncements(page);
    });
  });

  it('2. finds the seeded article by searching the Articles list for "Zarepour"', async () => {
    await step('02-articles-search', async () => {
      await openList('Article');
      await searchList('Zarepour');
      await page.getByRole('gridcell', { name: SEEDED_TITLE }).waitFor();
      // The list shows the project's columns, in order.
      const header = await page.getByRole('row').first().innerText();
      expect(header).toMatch(/Title\s+Date\s+Source\s+Status/i);
      await page.getByText('1 entry found').waitFor();
    });
  });

  it('3. changes its summary, saves and publishes; the public REST API shows the new summary', async () => {
    // Still mentions Zarepour: the next step finds the article by that name again.
    const summary = `Issa Zarepour and his Russian counterpart agreed closer ICT cooperation (edited in the browser, run ${runId}).`;
    await step('03-summary-published', async () => {
      await page.getByRole('gridcell', { name: SEEDED_TITLE }).click();
      const field = page.getByLabel('Summary');
      await field.fill(summary);
      await saveAndPublish();
    });
    expect((await publishedArticle(SEEDED_SLUG))?.summary).toBe(summary);
  });

  it('4. creates a person, links it to the article through the relation picker and publishes; REST and GraphQL list the person', async () => {
    const name = `Mikhail Mishustin ${runId}`;
    await step('04a-person-created', async () => {
      await openList('Person');
      await page.getByRole('link', { name: /Create new entry/ }).first().click();
      await page.getByLabel('Name').fill(name);
      await page.getByLabel('Slug').fill(`mikhail-mishustin-${runId}`);
      await page.getByLabel('Role').fill('Prime Minister of Russia');
      await page.getByLabel('Country').fill('Russia');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByText('Saved document').first().waitFor();
    });
    await step('04b-person-linked', async () => {
      await openSeededArticle();
      const picker = page.getByRole('combobox', { name: /People mentioned/ });
      await picker.click();
      await picker.fill('Mishustin');
      await page.getByRole('option', { name }).click();
      await page.getByRole('button', { name }).first().waitFor();
      await saveAndPublish();
      // The screenshot shows the picker with the new person in it.
      await page.getByRole('button', { name }).first().scrollIntoViewIfNeeded();
    });

    const rest = await publishedArticle(SEEDED_SLUG);
    expect(rest?.people?.map((person) => person.name)).toContain(name);
    const data = await publicGraphql<{ articles: Array<{ people: Array<{ name: string }> }> }>(
      'query ($slug: String!) { articles(filters: { slug: { eq: $slug } }) { people(pagination: { limit: 100 }) { name } } }',
      { slug: SEEDED_SLUG },
    );
    expect(data.articles[0].people.map((person) => person.name)).toContain(name);
  });

  it('5. creates a draft article and opens its preview, which shows the title; the public API does not list it', async () => {
    const title = `A draft the public cannot see yet ${runId}`;
    const slug = `draft-${runId}`;
    await step('05a-draft-saved', async () => {
      await openList('Article');
      await page.getByRole('link', { name: /Create new entry/ }).first().click();
      await page.getByLabel('Title').fill(title);
      await page.getByLabel('Slug').fill(slug);
      await typeDate(/^Date/, '2022-07-24');
      // The body is a rich-text (blocks) editor: type into it like a person.
      await page.locator('[contenteditable="true"]').first().click();
      await page.keyboard.type('Written in the browser, not yet published.');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByText('Saved document').first().waitFor();
    });
    await step('05b-draft-preview', async () => {
      await page.getByRole('link', { name: 'Open preview' }).click();
      const preview = page.frameLocator('iframe');
      await expect(preview.getByRole('heading', { level: 1 }).innerText()).resolves.toBe(title);
      await preview.getByText('Preview of a draft').waitFor();
      await preview.getByText('Written in the browser, not yet published.').waitFor();
    });

    expect(await publishedArticle(slug)).toBeUndefined();
    const list = await publicJson('/api/articles?fields[0]=title&pagination[pageSize]=100');
    expect((list.body.data as Array<{ title: string }>).map((article) => article.title)).not.toContain(title);
    expect((await fetch(`${BASE_URL}/read/articles/${slug}`)).status).toBe(404);
  });

  it('6. is told why an event whose end date is before its start date cannot be saved', async () => {
    const slug = `backwards-${runId}`;
    await step('06-event-dates-refused', async () => {
      await page.goto(`${BASE_URL}/admin`);
      await openList('Event');
      await page.getByRole('link', { name: /Create new entry/ }).first().click();
      await page.getByLabel('Title').fill('A summit that ends before it starts');
      await page.getByLabel('Slug').fill(slug);
      await typeDate(/^Start date/, '2022-07-10');
      await typeDate(/^End date/, '2022-07-01');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      // Under the end date field, and in the notification.
      await page
        .getByText('The end date (1 July 2022) is before the start date (10 July 2022): set an end date on or after the start date')
        .first()
        .waitFor();
    });
    const events = await publicJson(`/api/events?filters[slug][$eq]=${slug}`);
    expect(events.body.data).toEqual([]);
  });
});
