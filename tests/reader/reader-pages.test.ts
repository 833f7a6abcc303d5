import { previewUrl } from '../../src/content/reader/preview-url';
import { adminLogin, useStrapi } from '../helpers/strapi';

const suite = useStrapi();
const SLUG = 'iran-russia-ict-cooperation';

let draft: { documentId: string; slug: string };
beforeAll(async () => {
  const { strapi } = suite.app;
  const person = await strapi.documents('api::person.person').findFirst({ filters: { slug: 'vladimir-putin' } });
  const event = await strapi.documents('api::event.event').create({
    data: { title: 'Summit <in> Tehran', slug: 'reader-summit', startDate: '2022-07-19', endDate: '2022-07-20', datePrecision: 'day', location: 'Tehran' },
  });
  const response = await suite.app
    .http()
    .post('/api/articles?status=draft')
    .set('Authorization', `Bearer ${suite.token}`)
    .send({
      data: {
        title: 'Draft <script>alert("x")</script> story',
        slug: 'reader-draft-story',
        publishedDate: '2022-07-24',
        dateline: 'Moscow',
        body: [
          { type: 'heading', level: 2, children: [{ type: 'text', text: 'What happened' }] },
          { type: 'paragraph', children: [{ type: 'text', text: 'First paragraph.' }] },
        ],
        people: [person!.documentId],
        events: [event.documentId],
      },
    })
    .expect(201);
  draft = { documentId: response.body.data.documentId, slug: 'reader-draft-story' };
});

/** A link as the admin's Preview button makes it (src/content/reader/preview-url.ts). */
const link = (documentId: string, status: 'draft' | 'published' = 'draft') => {
  const url = previewUrl('api::article.article', { documentId, status });
  if (!url) throw new Error('no preview link');
  return url;
};

describe('the public reader page', () => {
  it('shows the published article with its dateline, date, body, people and events at their precision', async () => {
    const response = await suite.app.http().get(`/read/articles/${SLUG}`).expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
    const html = response.text;
    expect(html).toContain('<h1>Iran and Russia expand cooperation in communication and information technology</h1>');
    expect(html).toMatch(/<p class="meta">Tehran · 23 July 2022 · TDI<\/p>/);
    expect(html).toContain('<strong>Issa Zarepour</strong> <span class="role">— Minister of Communication and Information Technology</span>');
    expect(html).toContain('<span class="when">June 2022</span>, Ashgabat: Raisi and Putin meet in Ashgabat');
    expect(html).toContain('<span class="when">1521</span>');
    expect(html).toMatch(/<p>[^<]*Zarepour/);
  });

  it('is a 404 page for an unknown slug and for a draft', async () => {
    for (const slug of ['no-such-article', draft.slug]) {
      const response = await suite.app.http().get(`/read/articles/${slug}`).expect(404);
      expect(response.text).toContain('<h1>Not found</h1>');
    }
  });
});

describe('the preview page', () => {
  const preview = (query: string) => suite.app.http().get(`/preview/articles/${draft.documentId}${query}`);

  it('shows a draft with a signed preview link, escaped, with a range of dates', async () => {
    const response = await suite.app.http().get(link(draft.documentId)).expect(200);
    const html = response.text;
    expect(html).toContain('<h1>Draft &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; story</h1>');
    expect(html).not.toContain('<script>');
    expect(html).toContain('Preview of a draft');
    expect(html).toContain('<h3>What happened</h3>');
    expect(html).toContain('<strong>Vladimir Putin</strong> <span class="role">— President of Russia</span>');
    expect(html).toContain('<span class="when">19 July 2022 – 20 July 2022</span>, Tehran: Summit &lt;in&gt; Tehran');
    expect(response.headers['cache-control']).toBe('no-store');
    // The admin panel (same origin) may frame it; nobody else may.
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(response.headers['content-security-policy']).toMatch(/frame-ancestors 'self'/);
  });

  it('refuses a link without a token', async () => {
    const missing = await preview('?status=draft').expect(403);
    expect(missing.text).toContain('Preview link not valid');
    expect(missing.text).toContain('This preview link has no token.');
  });

  it('is a 404 page for an unknown document, and for a published version that does not exist yet', async () => {
    const unknown = await suite.app.http().get(link('nope')).expect(404);
    expect(unknown.text).toContain('<h1>Not found</h1>');
    await suite.app.http().get(link(draft.documentId, 'published')).expect(404);
  });

  it('is the page the admin panel\'s Preview button opens', async () => {
    const jwt = await adminLogin(suite.app);
    const response = await suite.app
      .http()
      .get('/content-manager/preview/url/api::article.article')
      .query({ documentId: draft.documentId, status: 'draft' })
      .set('Authorization', `Bearer ${jwt}`)
      .expect(200);
    const url = response.body.data.url as string;
    expect(url).toMatch(new RegExp(`^/preview/articles/${draft.documentId}\\?status=draft&token=\\d+\\.[\\w-]{43}$`));
    expect(url).not.toContain(encodeURIComponent(process.env.PREVIEW_SECRET!));
    expect((await suite.app.http().get(url).expect(200)).text).toContain('Draft &lt;script&gt;');

    // People and events have no reader page: no Preview button for them.
    const person = await suite.app
      .http()
      .get('/content-manager/preview/url/api::person.person')
      .query({ documentId: 'any' })
      .set('Authorization', `Bearer ${jwt}`);
    expect(person.status).toBe(204);
  });

  it('lets the admin panel frame same-origin previews', () => {
    const security = (suite.app.strapi.config.get('middlewares') as Array<string | { name: string; config?: unknown }>).find(
      (entry) => typeof entry === 'object' && entry.name === 'strapi::security',
    ) as { config: { contentSecurityPolicy: { directives: Record<string, string[]> } } };
    expect(security.config.contentSecurityPolicy.directives['frame-src']).toContain("'self'");
  });
});
