import type { Core } from '@strapi/strapi';
import { lockUntilCommit } from '../../platform/advisory-locks';
import { loadSeedContent, type SeedContent } from './seed-content';

export interface SeedReport {
  created: { people: number; events: number; articles: number };
  /** Relations added to entries that already existed. */
  linked: number;
}

type SlugMap = Map<string, string>;

/** Relation values come back from populate as arrays of `{ slug }`. */
function slugsOf(related: unknown): Set<string> {
  const entries = Array.isArray(related) ? (related as Array<{ slug?: unknown }>) : [];
  return new Set(entries.map((entry) => String(entry.slug)));
}

function documentIdsFor(slugs: string[], known: SlugMap): string[] {
  return slugs.map((slug) => {
    const documentId = known.get(slug);
    if (!documentId) throw new Error(`Seed: no document for slug ${slug}`);
    return documentId;
  });
}

async function seedPeople(strapi: Core.Strapi, content: SeedContent, report: SeedReport): Promise<SlugMap> {
  const people: SlugMap = new Map();
  for (const person of content.people) {
    const existing = await strapi.documents('api::person.person').findFirst({
      filters: { slug: person.slug },
      fields: ['documentId'],
    });
    if (existing) {
      people.set(person.slug, existing.documentId);
      continue;
    }
    const created = await strapi.documents('api::person.person').create({ data: person });
    people.set(person.slug, created.documentId);
    report.created.people += 1;
  }
  return people;
}

async function seedEvents(
  strapi: Core.Strapi,
  content: SeedContent,
  people: SlugMap,
  report: SeedReport,
): Promise<SlugMap> {
  const events: SlugMap = new Map();
  for (const { participants, ...event } of content.events) {
    const existing = await strapi.documents('api::event.event').findFirst({
      filters: { slug: event.slug },
      fields: ['documentId'],
      populate: { participants: { fields: ['slug'] } },
    });
    if (!existing) {
      const created = await strapi.documents('api::event.event').create({
        data: { ...event, participants: documentIdsFor(participants, people) },
      });
      events.set(event.slug, created.documentId);
      report.created.events += 1;
      continue;
    }
    events.set(event.slug, existing.documentId);
    const linked = slugsOf(existing.participants);
    const missing = participants.filter((slug) => !linked.has(slug));
    if (missing.length > 0) {
      await strapi.documents('api::event.event').update({
        documentId: existing.documentId,
        data: { participants: { connect: documentIdsFor(missing, people) } },
      });
      report.linked += missing.length;
    }
  }
  return events;
}

async function seedArticles(
  strapi: Core.Strapi,
  content: SeedContent,
  people: SlugMap,
  events: SlugMap,
  report: SeedReport,
): Promise<void> {
  for (const { bodyFile: _bodyFile, headings: _headings, people: personSlugs, events: eventSlugs, ...article } of content.articles) {
    // Every article has a draft version, published or not, so the draft is where to look.
    const existing = await strapi.documents('api::article.article').findFirst({
      filters: { slug: article.slug },
      status: 'draft',
      fields: ['documentId'],
      populate: { people: { fields: ['slug'] }, events: { fields: ['slug'] } },
    });
    if (!existing) {
      await strapi.documents('api::article.article').create({
        data: {
          ...article,
          people: documentIdsFor(personSlugs, people),
          events: documentIdsFor(eventSlugs, events),
        },
        status: 'published',
      });
      report.created.articles += 1;
      continue;
    }
    const linkedPeople = slugsOf(existing.people);
    const linkedEvents = slugsOf(existing.events);
    const missingPeople = personSlugs.filter((slug) => !linkedPeople.has(slug));
    const missingEvents = eventSlugs.filter((slug) => !linkedEvents.has(slug));
    if (missingPeople.length + missingEvents.length === 0) continue;
    // Links go onto the draft only: publishing here would also publish whatever
    // an editor has in progress. They go live with the editor's next publish.
    await strapi.documents('api::article.article').update({
      documentId: existing.documentId,
      data: {
        people: { connect: documentIdsFor(missingPeople, people) },
        events: { connect: documentIdsFor(missingEvents, events) },
      },
    });
    report.linked += missingPeople.length + missingEvents.length;
  }
}

/**
 * Puts the seed content (database/seed) into the database, safely for editors:
 * entities are matched by slug, missing ones are created (articles published),
 * missing relations are linked, and nothing that exists is changed, duplicated
 * or deleted. It runs in one transaction under an advisory lock, so concurrent
 * boots cannot create duplicates, and a seed that fails leaves nothing behind
 * and throws.
 */
export async function seedDatabase(strapi: Core.Strapi): Promise<SeedReport> {
  const content = loadSeedContent(strapi.dirs.app.root);
  const report: SeedReport = { created: { people: 0, events: 0, articles: 0 }, linked: 0 };

  await strapi.db.transaction(async ({ trx }) => {
    await lockUntilCommit(trx, 'seed');
    const people = await seedPeople(strapi, content, report);
    const events = await seedEvents(strapi, content, people, report);
    await seedArticles(strapi, content, people, events, report);
  });

  const { created, linked } = report;
  strapi.log.info(
    `Seed: created ${created.articles} articles, ${created.people} people, ${created.events} events; linked ${linked} relations`,
  );
  return report;
}
