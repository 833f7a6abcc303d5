import { asAnswer, assertSafeAnswer } from '../helpers/hostile';
import { useStrapi } from '../helpers/strapi';

/**
 * Reader pages with bad paths: NUL and other bytes PostgreSQL cannot compare, invalid UTF-8,
 * huge segments, SQL-ish and markup-ish text. /read answers "not found" without asking the
 * database; /preview without credentials is refused before anything is read.
 */
const suite = useStrapi();

const BAD_SEGMENTS: Array<[string, string]> = [
  ['a NUL byte', 'a%00b'],
  ['only a NUL byte', '%00'],
  ['a trailing NUL byte', 'iran-russia-ict-cooperation%00'],
  ['invalid UTF-8', '%ff%fe'],
  ['an overlong slash', '%c0%af'],
  ['a space', 'a%20b'],
  ['a 300-character segment', 'x'.repeat(300)],
  ['a 5,000-character segment', 'y'.repeat(5000)],
  ['an encoded path traversal', '..%2f..%2fetc%2fpasswd'],
  ['SQL-ish text', "1'%20OR%20'1'%3D'1"],
  ['markup', '%3Cscript%3Ealert(1)%3C%2Fscript%3E'],
  ['a header injection', 'a%0d%0aSet-Cookie:%20x%3D1'],
  ['a right-to-left override', '%E2%80%AEabc'],
  ['an emoji', '%F0%9F%98%80'],
  ['a percent sign', '%25'],
  ['a semicolon', 'slug%3Bdrop'],
  ['a backslash', 'a%5Cb'],
  ['a tab', 'a%09b'],
];

describe('/read with bad paths', () => {
  it.each(BAD_SEGMENTS)('%s → 404 page', async (label, segment) => {
    const response = await suite.app.http().get(`/read/articles/${segment}`);
    assertSafeAnswer(label, asAnswer(response), { isPublic: true });
    expect({ label, status: response.status }).toEqual({ label, status: 404 });
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.text).toContain('There is no such article');
  });
});

describe('/preview with bad paths and no credentials', () => {
  it.each(BAD_SEGMENTS)('%s → refused', async (label, segment) => {
    const response = await suite.app.http().get(`/preview/articles/${segment}?status=draft`);
    assertSafeAnswer(label, asAnswer(response), { isPublic: true });
    expect({ label, refused: [403, 404].includes(response.status) }).toEqual({ label, refused: true });
    expect(response.headers['content-type']).toMatch(/text\/html/);
  });
});

describe('/read still serves a real article', () => {
  it('the published article by its slug', async () => {
    const list = await suite.app.http().get('/api/articles?fields[0]=slug&fields[1]=title').expect(200);
    const response = await suite.app.http().get(`/read/articles/${list.body.data[0].slug}`).expect(200);
    expect(response.text).toContain('<h1>');
  });
});
