import type { Core } from '@strapi/strapi';
import type { Suite } from './strapi';

/** A paragraph, as the editor writes one. */
export const paragraph = (text: string) => [{ type: 'paragraph', children: [{ type: 'text', text }] }];

export interface DraftArticle {
  documentId: string;
  slug: string;
  title: string;
}

/** Creates a never-published article with the suite's token; its title and slug appear in no published row. */
export async function createDraftArticle(suite: Suite, slug: string): Promise<DraftArticle> {
  const title = `Unpublished ${slug}`;
  const response = await suite.app
    .http()
    .post('/api/articles?status=draft')
    .set('Authorization', `Bearer ${suite.token}`)
    .send({ data: { title, slug, body: paragraph('Not for readers yet.'), publishedDate: '2024-01-01' } });
  if (response.status !== 201) throw new Error(`draft not created: ${response.status} ${response.text}`);
  return { documentId: response.body.data.documentId as string, slug, title };
}

/** Rows in every content table (drafts and published versions alike): "nothing was written" compares these. */
export async function countRows(strapi: Core.Strapi): Promise<Record<string, number>> {
  return {
    articles: await strapi.db.query('api::article.article').count(),
    people: await strapi.db.query('api::person.person').count(),
    events: await strapi.db.query('api::event.event').count(),
  };
}
