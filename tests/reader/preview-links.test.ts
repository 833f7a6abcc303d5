import { previewUrl } from '../../src/content/reader/preview-url';
import { signPreviewToken } from '../../src/content/reader/preview-secret';
import { useStrapi } from '../helpers/strapi';

/**
 * Preview links carry a token signed for one version of one document, that expires; never the
 * preview secret. Neither the token nor the secret reaches the log.
 */
const suite = useStrapi();
const logged: string[] = [];
let draftId: string;
let otherId: string;

beforeAll(async () => {
  const create = async (slug: string) =>
    (
      await suite.app
        .http()
        .post('/api/articles?status=draft')
        .set('Authorization', `Bearer ${suite.token}`)
        .send({ data: { title: `Preview link ${slug}`, slug, publishedDate: '2022-07-24', body: [{ type: 'paragraph', children: [{ type: 'text', text: 'Draft text.' }] }] } })
        .expect(201)
    ).body.data.documentId as string;
  draftId = await create(`preview-link-a-${Date.now()}`);
  otherId = await create(`preview-link-b-${Date.now()}`);
  const log = suite.app.strapi.log as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const level of ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly', 'log']) {
    if (typeof log[level] === 'function') jest.spyOn(log, level).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
  }
});
afterAll(() => jest.restoreAllMocks());

const now = () => Math.floor(Date.now() / 1000);
const get = (url: string) => suite.app.http().get(url);

it('opens the draft with the link the admin makes, and the link holds no secret', async () => {
  const url = previewUrl('api::article.article', { documentId: draftId, status: 'draft' })!;
  expect(url).not.toContain(encodeURIComponent(process.env.PREVIEW_SECRET!));
  const response = await get(url).expect(200);
  expect(response.text).toContain(`<h1>Preview link preview-link-a`);
  expect(response.text).toContain('Preview of a draft');
});

it('lasts an hour by default', () => {
  const url = previewUrl('api::article.article', { documentId: draftId, status: 'draft' })!;
  const expiry = Number(/token=(\d+)\./.exec(url)![1]);
  expect(expiry - now()).toBeGreaterThan(3590);
  expect(expiry - now()).toBeLessThanOrEqual(3600);
});

describe.each([
  ['an expired link', () => `/preview/articles/${draftId}?status=draft&token=${signPreviewToken(draftId, 'draft', now() - 1)}`, 'This preview link has expired.'],
  ['another document\'s token', () => `/preview/articles/${draftId}?status=draft&token=${signPreviewToken(otherId, 'draft', now() + 600)}`, 'This preview link is not valid for this article.'],
  ['a published-version token used for the draft', () => `/preview/articles/${draftId}?status=draft&token=${signPreviewToken(draftId, 'published', now() + 600)}`, 'This preview link is not valid for this article.'],
  ['a tampered signature', () => {
    const token = signPreviewToken(draftId, 'draft', now() + 600);
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    return `/preview/articles/${draftId}?status=draft&token=${token.slice(0, -1)}${last}`;
  }, 'This preview link is not valid for this article.'],
  ['a later expiry with the old signature', () => {
    const [expiry, signature] = signPreviewToken(draftId, 'draft', now() + 600).split('.');
    return `/preview/articles/${draftId}?status=draft&token=${Number(expiry) + 86400}.${signature}`;
  }, 'This preview link is not valid for this article.'],
  ['a token signed with another secret', () => `/preview/articles/${draftId}?status=draft&token=${signPreviewToken(draftId, 'draft', now() + 600, 'not-the-secret')}`, 'This preview link is not valid for this article.'],
  ['the old secret link', () => `/preview/articles/${draftId}?status=draft&secret=${encodeURIComponent(process.env.PREVIEW_SECRET!)}`, 'Preview links no longer carry the preview secret.'],
  ['the secret given as the token', () => `/preview/articles/${draftId}?status=draft&token=${encodeURIComponent(process.env.PREVIEW_SECRET!)}`, 'This preview link is not valid for this article.'],
  ['no token', () => `/preview/articles/${draftId}?status=draft`, 'This preview link has no token.'],
])('%s', (_label, url, message) => {
  it('is refused with a 403 page that says why', async () => {
    const response = await get(url()).expect(403);
    expect(response.text).toContain('<h1>Preview link not valid</h1>');
    expect(response.text).toContain(message);
    expect(response.text).not.toContain('Draft text.');
  });
});

it('logs preview requests without their token, and redacts secrets in any logged URL', async () => {
  logged.length = 0;
  const url = previewUrl('api::article.article', { documentId: draftId, status: 'draft' })!;
  const token = new URLSearchParams(url.split('?')[1]).get('token')!;
  await get(url).expect(200);
  await get(`/preview/articles/${draftId}?status=draft&secret=${encodeURIComponent(process.env.PREVIEW_SECRET!)}`).expect(403);
  await get(`/api/articles?token=leaked-value&secret=other-leak&pagination[pageSize]=1`);
  const text = logged.join('\n');
  expect(text).toContain(`GET /preview/articles/${draftId}?[redacted]`);
  expect(text).toContain('GET /api/articles?token=[redacted]&secret=[redacted]&pagination[pageSize]=1');
  for (const leaked of [token, token.split('.')[1], process.env.PREVIEW_SECRET!, encodeURIComponent(process.env.PREVIEW_SECRET!), 'leaked-value', 'other-leak']) {
    expect(text).not.toContain(leaked);
  }
});
