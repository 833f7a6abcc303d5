import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Where the reviewable seed files live, relative to the app root (not to dist/). */
export const SEED_DIR = path.join('database', 'seed');
export const SEED_FILE = 'iran-russia-ict.json';

export interface SeedPerson {
  slug: string;
  name: string;
  role?: string;
  country?: string;
  bio?: string;
}

export interface SeedEvent {
  slug: string;
  title: string;
  description?: string;
  startDate: string;
  endDate?: string;
  datePrecision: 'day' | 'month' | 'year';
  location?: string;
  country?: string;
  /** Slugs of people. */
  participants: string[];
}

export interface SeedArticle {
  slug: string;
  title: string;
  summary?: string;
  dateline?: string;
  publishedDate: string;
  source?: string;
  /** The text file holding the body, next to the JSON file. */
  bodyFile: string;
  /** Paragraphs of the text that are section headings. */
  headings: string[];
  /** Slugs of people and of events. */
  people: string[];
  events: string[];
}

export interface SeedContent {
  people: SeedPerson[];
  events: SeedEvent[];
  articles: Array<SeedArticle & { body: BlocksContent }>;
}

interface TextNode {
  type: 'text';
  text: string;
}
export type Block =
  | { type: 'paragraph'; children: TextNode[] }
  | { type: 'heading'; level: 2; children: TextNode[] };
export type BlocksContent = Block[];

/**
 * Turns plain text into Strapi blocks: one block per paragraph (separated by
 * blank lines), kept verbatim; paragraphs named in `headings` become level-2
 * headings.
 */
export function textToBlocks(text: string, headings: readonly string[]): BlocksContent {
  const headingSet = new Set(headings);
  return text
    .replace(/\r\n/g, '\n')
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph.length > 0)
    .map((paragraph): Block => {
      const children: TextNode[] = [{ type: 'text', text: paragraph }];
      return headingSet.has(paragraph)
        ? { type: 'heading', level: 2, children }
        : { type: 'paragraph', children };
    });
}

/** Reads the seed files and checks that every relation names an entity that is seeded too. */
export function loadSeedContent(appRoot: string): SeedContent {
  const dir = path.join(appRoot, SEED_DIR);
  const raw = JSON.parse(readFileSync(path.join(dir, SEED_FILE), 'utf8')) as Omit<SeedContent, 'articles'> & {
    articles: SeedArticle[];
  };

  const personSlugs = new Set(raw.people.map((person) => person.slug));
  const eventSlugs = new Set(raw.events.map((event) => event.slug));
  const missing = (slugs: string[], known: Set<string>) => slugs.filter((slug) => !known.has(slug));
  const problems = [
    ...raw.events.flatMap((event) =>
      missing(event.participants, personSlugs).map((slug) => `event ${event.slug}: unknown person ${slug}`),
    ),
    ...raw.articles.flatMap((article) => [
      ...missing(article.people, personSlugs).map((slug) => `article ${article.slug}: unknown person ${slug}`),
      ...missing(article.events, eventSlugs).map((slug) => `article ${article.slug}: unknown event ${slug}`),
    ]),
  ];
  if (problems.length > 0) {
    throw new Error(`Seed content in ${dir} is inconsistent: ${problems.join('; ')}`);
  }

  return {
    people: raw.people,
    events: raw.events,
    articles: raw.articles.map((article) => {
      const body = textToBlocks(readFileSync(path.join(dir, article.bodyFile), 'utf8'), article.headings);
      const headingsFound = body.filter((block) => block.type === 'heading').length;
      if (headingsFound !== article.headings.length) {
        throw new Error(`Seed article ${article.slug}: not every heading in "headings" is a paragraph of ${article.bodyFile}`);
      }
      return { ...article, body };
    }),
  };
}
