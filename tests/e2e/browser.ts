import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { APP_ROOT } from '../helpers/paths';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = path.join(APP_ROOT, 'tests', 'artifacts', 'e2e');

/** Debian's Chromium, headless, with nothing that would try to reach the internet. */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** A fresh profile each run (`--user-data-dir` in a temporary folder), removed on close. */
export async function openBrowser(): Promise<Browser> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'news-cms-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1400, height: 1000 },
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Saves what the editor sees now as tests/artifacts/e2e/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * Closes whatever Strapi puts over the panel for a newcomer: the announcement banner, a guided tour,
 * a "what's new" dialog. Each is optional: none is waited for.
 */
export async function dismissAnnouncements(page: Page): Promise<void> {
  const candidates = [
    page.getByRole('button', { name: 'Close the banner.' }),
    page.getByRole('button', { name: /skip (the )?tour/i }),
    page.getByRole('dialog').getByRole('button', { name: /^(close|dismiss|got it|not now|maybe later|skip)$/i }),
  ];
  for (const candidate of candidates) {
    const first = candidate.first();
    if (await first.isVisible().catch(() => false)) await first.click().catch(() => undefined);
  }
}
