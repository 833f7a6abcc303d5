import { createRandom, seedFromEnvironment, type Random } from '../helpers/prng';
import { adminLogin, createApiToken, graphql, useStrapi } from '../helpers/strapi';

/**
 * Search (src/content/search) as readers use it, over REST and GraphQL: on the
 * seeded story, where the answers are known, and on a generated corpus of
 * made-up words, where a small model in this file says which documents each
 * query must find and in which order. The seed is printed;
 * SEARCH_TEST_SEED=<seed> replays a run.
 */

const suite = useStrapi();
const SEED = seedFromEnvironment('SEARCH_TEST_SEED');

interface Hit {
  type: 'article' | 'person' | 'event';
  documentId: string;
  slug: string;
  title: string;
  snippet: string;
  score: number;
}
interface Answer {
  data: Hit[];
  meta: { pagination: { page: number; pageSize: number; total: number }; search: { fallback: boolean; totalIsExact: boolean } };
}

/** A snippet is escaped text whose only markup is <mark>…</mark>. */
function expectSafeSnippet(snippet: string) {
  expect(snippet).toMatch(/^(?:[^<>]|<mark>|<\/mark>)*$/);
  expect(snippet).not.toMatch(/&(?!amp;|lt;|gt;|quot;|#39;)/);
}

async function search(query: Record<string, unknown>, token?: string): Promise<Answer> {
  let request = suite.app.http().get('/api/search').query(query);
  if (token) request = request.set('Authorization', `Bearer ${token}`);
  const response = await request;
  if (response.status !== 200) throw new Error(`GET /api/search ${JSON.stringify(query)} answered ${response.status}: ${response.text}`);
  const answer = response.body as Answer;
  for (const hit of answer.data) expectSafeSnippet(hit.snippet);
  return answer;
}

/** Every hit of a query, page after page of 100; `fallback` when they are similar titles, not matches. */
async function searchAll(query: Record<string, unknown>, token?: string): Promise<Hit[] & { fallback?: boolean }> {
  const hits: Hit[] & { fallback?: boolean } = [];
  for (let page = 1; ; page += 1) {
    const answer = await search({ ...query, pagination: { page, pageSize: 100 } }, token);
    hits.push(...answer.data);
    hits.fallback = answer.meta.search.fallback;
    if (answer.data.length < 100) return hits;
  }
}

const SEARCH_QUERY = `query ($q: String!, $types: [SearchType!], $pagination: PaginationArg, $status: PublicationStatus) {
  search(q: $q, types: $types, pagination: $pagination, status: $status) {
    data { type documentId slug title snippet score }
    meta { pagination { page pageSize total } search { fallback totalIsExact } }
  }
}`;

describe('the seeded story', () => {
  it('a name finds the person and the article that mentions them, with the name marked', async () => {
    const answer = await search({ q: 'Zarepour' });
    expect(answer.data.map((hit) => `${hit.type}:${hit.slug}`).sort()).toEqual(['article:iran-russia-ict-cooperation', 'person:issa-zarepour']);
    const article = answer.data.find((hit) => hit.type === 'article')!;
    expect(article.title).toBe('Iran and Russia expand cooperation in communication and information technology');
    expect(article.snippet).toContain('Issa <mark>Zarepour</mark> signed cooperation documents');
    const person = answer.data.find((hit) => hit.type === 'person')!;
    expect(person).toMatchObject({ title: 'Issa Zarepour', snippet: 'Minister of Communication and Information Technology · Iran' });
    expect(answer.meta).toEqual({ pagination: { page: 1, pageSize: 10, total: 2 }, search: { fallback: false, totalIsExact: true } });

    const published = await suite.app.strapi.documents('api::article.article').findFirst({ filters: { slug: 'iran-russia-ict-cooperation' }, status: 'published' });
    expect(article.documentId).toBe(published!.documentId);
  });

  it('accents do not matter, either way', async () => {
    expect(await search({ q: 'Zarépour' })).toEqual(await search({ q: 'Zarepour' }));
    expect(await search({ q: 'ZARÉPOUR' })).toEqual(await search({ q: 'zarepour' }));
  });

  it('words are stemmed: "cooperate" finds "cooperation", the title match first', async () => {
    const answer = await search({ q: 'cooperate' });
    expect(answer.data.map((hit) => hit.slug)).toEqual(['iran-russia-ict-cooperation', 'iran-russia-ict-cooperation-documents-2022']);
    expect(answer.data[0].snippet).toContain('<mark>cooperation</mark>');
    expect(answer.data[0].score).toBeGreaterThan(answer.data[1].score);
  });

  it('a quoted phrase, an exclusion and an "or"', async () => {
    const phrase = await search({ q: '"knowledge-based firms"' });
    expect(phrase.data.map((hit) => hit.slug)).toEqual(['iran-russia-ict-cooperation']);
    expect(phrase.data[0].snippet).toMatch(/<mark>knowledge<\/mark>-<mark>based<\/mark> <mark>firms<\/mark>/);

    const withoutRaisi = await search({ q: 'Putin -Raisi' });
    expect(withoutRaisi.data.map((hit) => hit.slug).sort()).toEqual(['putin-visits-tehran-astana-talks-2022', 'vladimir-putin']);

    const either = await search({ q: 'Zarepour or Ashgabat' });
    expect(either.data.map((hit) => hit.slug).sort()).toEqual(['iran-russia-ict-cooperation', 'issa-zarepour', 'raisi-putin-ashgabat-2022']);
  });

  it('a misspelt name or place finds the title spelled like it, marked in its snippet', async () => {
    const place = await search({ q: 'Ashgabad' });
    expect(place.meta.search.fallback).toBe(true);
    expect(place.data.map((hit) => hit.slug)).toEqual(['raisi-putin-ashgabat-2022']);
    expect(place.data[0].snippet).toBe('<mark>Ashgabat</mark> · Turkmenistan');
    expect(place.data[0].score).toBeGreaterThan(0.5);

    const name = await search({ q: 'Zarepur' });
    expect(name.meta.search.fallback).toBe(true);
    expect(name.data.map((hit) => hit.slug)).toEqual(['issa-zarepour']);
  });

  it('a query of stop words, or a word nobody wrote and nothing resembles, finds nothing', async () => {
    for (const q of ['the', 'of and the', 'xqzvwptk']) {
      expect(await search({ q })).toEqual({
        data: [],
        meta: { pagination: { page: 1, pageSize: 10, total: 0 }, search: { fallback: q === 'xqzvwptk', totalIsExact: true } },
      });
    }
  });

  it('type narrows the answer, comma-separated or repeated', async () => {
    expect((await search({ q: 'Putin', type: 'person' })).data.map((hit) => hit.slug)).toEqual(['vladimir-putin']);
    const two = await search({ q: 'Putin', type: 'article,event' });
    expect(new Set(two.data.map((hit) => hit.type))).toEqual(new Set(['article', 'event']));
    expect(await search({ q: 'Putin', type: ['article', 'event'] })).toEqual(two);
  });

  it('GraphQL answers what REST answers', async () => {
    for (const [variables, query] of [
      [{ q: 'Zarepour' }, { q: 'Zarepour' }],
      [{ q: 'Putin', types: ['person', 'event'] }, { q: 'Putin', type: 'person,event' }],
      [{ q: 'Putin', pagination: { page: 2, pageSize: 2 } }, { q: 'Putin', pagination: { page: 2, pageSize: 2 } }],
      [{ q: 'Ashgabad' }, { q: 'Ashgabad' }],
    ] as Array<[Record<string, unknown>, Record<string, unknown>]>) {
      const result = await graphql<{ search: Answer }>(suite.app, SEARCH_QUERY, variables);
      expect(result.errors).toBeUndefined();
      expect(result.data!.search).toEqual(await search(query));
    }
  });
});

describe('who may search', () => {
  it('the Public role holds the search action, which the admin lists beside the content types', async () => {
    const jwt = await adminLogin(suite.app);
    const permissions = await suite.app.http().get('/users-permissions/permissions').set('Authorization', `Bearer ${jwt}`).expect(200);
    expect(permissions.body.permissions['api::search'].controllers.search.find).toBeDefined();
    const roles = await suite.app.http().get('/users-permissions/roles').set('Authorization', `Bearer ${jwt}`).expect(200);
    const publicRole = roles.body.roles.find((role: { type: string }) => role.type === 'public');
    const role = await suite.app.http().get(`/users-permissions/roles/${publicRole.id}`).set('Authorization', `Bearer ${jwt}`).expect(200);
    expect(role.body.role.permissions['api::search'].controllers.search.find.enabled).toBe(true);
  });

  it('without the permission, the public is refused over REST and GraphQL; a token still searches', async () => {
    const permissions = suite.app.strapi.db.query('plugin::users-permissions.permission');
    const granted = await permissions.findOne({ where: { action: 'api::search.search.find', role: { type: 'public' } }, populate: ['role'] });
    expect(granted).not.toBeNull();
    await permissions.delete({ where: { id: granted.id } });
    try {
      await suite.app.http().get('/api/search').query({ q: 'Zarepour' }).expect(403);
      const result = await graphql(suite.app, SEARCH_QUERY, { q: 'Zarepour' });
      expect(result.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      expect((await search({ q: 'Zarepour' }, suite.token)).data.length).toBe(2);
    } finally {
      await permissions.create({ data: { action: 'api::search.search.find', role: granted.role.id } });
    }
    expect((await search({ q: 'Zarepour' })).data.length).toBe(2);
  });
});

describe('drafts', () => {
  const body = (text: string) => [{ type: 'paragraph', children: [{ type: 'text', text }] }];
  let draftId: string;
  beforeAll(async () => {
    const created = await suite.app
      .http()
      .post('/api/articles?status=draft')
      .set('Authorization', `Bearer ${suite.token}`)
      .send({ data: { title: 'Embargoed vorlenix report', slug: 'embargoed-vorlenix-report', body: body('Not for the public yet.'), publishedDate: '2026-12-05' } })
      .expect(201);
    draftId = created.body.data.documentId;
  });

  it('are invisible to the public and to a token searching published content', async () => {
    expect((await search({ q: 'vorlenix' })).data).toEqual([]);
    expect((await search({ q: 'vorlenix' }, suite.token)).data).toEqual([]);
  });

  it('are found with an API token and status=draft, read-only tokens too, over REST and GraphQL', async () => {
    const readOnly = await createApiToken(suite.app.strapi, 'read-only');
    for (const token of [suite.token, readOnly]) {
      const answer = await search({ q: 'vorlenix', status: 'draft' }, token);
      expect(answer.data.map((hit) => hit.documentId)).toEqual([draftId]);
      const result = await graphql<{ search: Answer }>(suite.app, SEARCH_QUERY, { q: 'vorlenix', status: 'DRAFT' }, token);
      expect(result.errors).toBeUndefined();
      expect(result.data!.search).toEqual(answer);
    }
  });

  it('asking for them without a token is refused, as for every other read', async () => {
    const refused = await suite.app.http().get('/api/search').query({ q: 'vorlenix', status: 'draft' }).expect(403);
    expect(refused.body.error.message).toMatch(/Drafts can only be read with an API token/);
    const result = await graphql(suite.app, SEARCH_QUERY, { q: 'vorlenix', status: 'DRAFT' });
    expect(result.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(result.data).toBeNull();
  });

  it('once published, the public finds it', async () => {
    await suite.app.strapi.documents('api::article.article').publish({ documentId: draftId });
    expect((await search({ q: 'vorlenix' })).data.map((hit) => hit.documentId)).toEqual([draftId]);
  });
});

describe('pages', () => {
  beforeAll(async () => {
    const documents = suite.app.strapi.documents('api::event.event');
    for (let index = 0; index < 23; index += 1) {
      await documents.create({
        data: { title: `Plenary quorvath session ${index}`, slug: `plenary-quorvath-${index}`, startDate: `2024-01-${String(index + 1).padStart(2, '0')}`, datePrecision: 'day' } as never,
      });
    }
  });

  it('are 10 results by default, at most 100, and together hold every result once, in order', async () => {
    const first = await search({ q: 'quorvath' });
    expect(first.data).toHaveLength(10);
    expect(first.meta.pagination).toEqual({ page: 1, pageSize: 10, total: 23 });
    const all = await search({ q: 'quorvath', pagination: { pageSize: 100 } });
    expect(all.data).toHaveLength(23);
    // Equal scores: the newest event first.
    expect(all.data.map((hit) => hit.slug)).toEqual(Array.from({ length: 23 }, (_, index) => `plenary-quorvath-${22 - index}`));
    const paged: Hit[] = [];
    for (let page = 1; page <= 3; page += 1) paged.push(...(await search({ q: 'quorvath', pagination: { page, pageSize: 10 } })).data);
    expect(paged).toEqual(all.data);
    const beyond = await search({ q: 'quorvath', pagination: { page: 4, pageSize: 10 } });
    expect(beyond).toEqual({ data: [], meta: { pagination: { page: 4, pageSize: 10, total: 23 }, search: { fallback: false, totalIsExact: true } } });
  });

  it('outside their limits are refused', async () => {
    for (const [pagination, message] of [
      [{ pageSize: 101 }, /pagination\[pageSize\] must be an integer from 1 to 100; got 101/],
      [{ pageSize: 0 }, /pagination\[pageSize\] must be an integer from 1 to 100; got 0/],
      [{ page: 0 }, /pagination\[page\] must be an integer from 1 to 1000000; got 0/],
      [{ start: 0, limit: 10 }, /search does not take; it pages with pagination\[page\] and pagination\[pageSize\]/],
    ] as Array<[Record<string, number>, RegExp]>) {
      const response = await suite.app.http().get('/api/search').query({ q: 'quorvath', pagination }).expect(400);
      expect(response.body.error).toMatchObject({ status: 400, name: 'ValidationError' });
      expect(response.body.error.message).toMatch(message);
    }
    const result = await graphql(suite.app, SEARCH_QUERY, { q: 'quorvath', pagination: { pageSize: 101 } });
    expect(result.status).toBe(400);
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

it('snippets are HTML-escaped, whatever the text holds', async () => {
  const text = `Tom & Jerry <script>alert("x")</script> said "it's the brimvox" \uE000 then a > b & c < d.`;
  await suite.app.strapi.documents('api::article.article').create({
    data: { title: 'Markup test', slug: 'markup-test-snippet', body: [{ type: 'paragraph', children: [{ type: 'text', text }] }], publishedDate: '2026-12-05' } as never,
    status: 'published',
  });
  const [hit] = (await search({ q: 'brimvox' })).data;
  expect(hit.snippet).toContain('&quot;it&#39;s the <mark>brimvox</mark>&quot;');
  expect(hit.snippet).not.toMatch(/<script|\uE000|\uE001/);
  // Unescaped and unmarked, the snippet is a piece of the text (whose tags the headline leaves out).
  const unescaped = hit.snippet
    .replace(/<\/?mark>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
  const plain = text.replace(/<[^>]*>/g, ' ').replace(/\uE000/g, '').replace(/\s+/g, ' ');
  expect(plain).toContain(unescaped.replace(/\s+/g, ' ').trim());
});

// --- a generated corpus ------------------------------------------------------------------------

type Type = Hit['type'];
interface Doc {
  type: Type;
  slug: string;
  documentId?: string;
  published: boolean;
  /** The indexed fields' words in the index's order (weights A, B, C, D), as written (accents kept). */
  fields: Array<{ weight: 'A' | 'B' | 'C' | 'D'; words: string[] }>;
  /** The tie-break: the article's date, the event's start, the person's last edit. */
  recency: string;
}

const WEIGHTS = { A: 1, B: 0.4, C: 0.2, D: 0.1 } as const;
const ACCENTS: Record<string, string> = { a: 'á', e: 'é', i: 'í', o: 'ö', u: 'ü' };
const fold = (word: string) => word.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

/**
 * Made-up words: syllables ending in k or x, which English stemming leaves as
 * they are, so the model can compare words as written (folded).
 */
function vocabulary(random: Random, size: number): string[] {
  const consonants = 'bdfglmnprstv';
  const vowels = 'aeiou';
  const words = new Set<string>();
  while (words.size < size) {
    let word = '';
    for (let syllable = random.int(2, 3); syllable > 0; syllable -= 1) word += random.pick([...consonants]) + random.pick([...vowels]);
    words.add(`${word}${random.pick(['k', 'x'])}`);
  }
  return [...words];
}

const written = (random: Random, word: string) => (random.chance(0.15) ? word.replace(/[aeiou]/, (vowel) => ACCENTS[vowel]) : word);

describe(`a generated corpus (seed ${SEED})`, () => {
  const random = createRandom(SEED);
  const words = vocabulary(random.fork('words'), 30);
  /** In every document's body (or bio, description): a word with many matches. */
  const everywhere = vocabulary(random.fork('common'), 1)[0] + 'ok';
  const docs: Doc[] = [];

  // The corpus is removed afterwards: other suites share the database and read its lists.
  afterAll(async () => {
    for (const doc of docs) await suite.app.strapi.documents(`api::${doc.type}.${doc.type}` as never).delete({ documentId: doc.documentId as never });
  });

  beforeAll(async () => {
    console.log(`search corpus seed: ${SEED} (replay with SEARCH_TEST_SEED=${SEED})`);
    const pick = (from: Random, count: number) => Array.from({ length: count }, () => written(from, from.pick(words)));
    const text = (list: string[]) => list.join(' ');
    for (let index = 0; index < 36; index += 1) {
      const r = random.fork(`doc-${index}`);
      const type: Type = index < 20 ? 'article' : index < 28 ? 'person' : 'event';
      const slug = `generated-${SEED}-${index}`;
      const title = pick(r, r.int(1, 3));
      const middle = pick(r, r.int(0, 3));
      const body = [...pick(r, r.int(1, 4)), written(r, everywhere), ...pick(r, r.int(0, 3))];
      const places = pick(r, r.int(0, 2));
      const date = `20${r.int(10, 25)}-0${r.int(1, 9)}-1${r.int(0, 9)}`;
      if (type === 'article') {
        const published = r.chance(0.75);
        const [firstHalf, secondHalf] = [body.slice(0, 2), body.slice(2)];
        const created = await suite.app.strapi.documents('api::article.article').create({
          data: {
            title: text(title),
            slug,
            summary: text(middle),
            // Two paragraphs, the second with its words in two text runs (one bold).
            body: [
              { type: 'paragraph', children: [{ type: 'text', text: text(firstHalf) }] },
              { type: 'paragraph', children: [{ type: 'text', text: `${text(secondHalf.slice(0, 1))} ` }, { type: 'text', text: text(secondHalf.slice(1)), bold: true }] },
            ],
            dateline: text(places),
            publishedDate: date,
          } as never,
          ...(published ? { status: 'published' as const } : {}),
        });
        docs.push({ type, slug, documentId: created.documentId, published, recency: date, fields: [{ weight: 'A', words: title }, { weight: 'B', words: middle }, { weight: 'C', words: body.filter(Boolean) }, { weight: 'D', words: places }] });
      } else if (type === 'person') {
        const created = await suite.app.strapi.documents('api::person.person').create({
          data: { name: text(title), slug, role: text(middle), bio: text(body), country: text(places) } as never,
        });
        docs.push({ type, slug, documentId: created.documentId, published: true, recency: String(created.updatedAt), fields: [{ weight: 'A', words: title }, { weight: 'B', words: middle }, { weight: 'C', words: body }, { weight: 'D', words: places }] });
      } else {
        const created = await suite.app.strapi.documents('api::event.event').create({
          data: { title: text(title), slug, description: text(body), location: text(places), startDate: date, datePrecision: 'day' } as never,
        });
        docs.push({ type, slug, documentId: created.documentId, published: true, recency: date, fields: [{ weight: 'A', words: title }, { weight: 'C', words: body }, { weight: 'D', words: places }] });
      }
    }
  });

  const sequence = (doc: Doc) => doc.fields.flatMap((field) => field.words.map(fold));
  const has = (doc: Doc, word: string) => sequence(doc).includes(fold(word));
  /** ts_rank_cd of one word: the weights of its occurrences, summed; normalised as search does (rank / (rank + 1)). */
  const score = (doc: Doc, word: string) => {
    const rank = doc.fields.reduce((sum, field) => sum + WEIGHTS[field.weight] * field.words.filter((candidate) => fold(candidate) === fold(word)).length, 0);
    return rank / (rank + 1);
  };
  const visible = (status: 'published' | 'draft') => docs.filter((doc) => status === 'draft' || doc.published);
  const slugsOf = (list: Array<{ slug: string }>) => list.map((entry) => entry.slug).sort();
  const ours = (hits: Hit[]) => hits.filter((hit) => hit.slug.startsWith(`generated-${SEED}-`));

  it('a word finds exactly the published documents holding it, in any spelling, best first, then newest', async () => {
    const byRecency = (doc: Doc) => new Date(doc.recency).getTime();
    for (const word of words) {
      const expected = visible('published').filter((doc) => has(doc, word));
      const hits = ours(await searchAll({ q: word }));
      expect(slugsOf(hits)).toEqual(slugsOf(expected));
      // Accented or not, in capitals or not, the same answer.
      const accented = word.replace(/[aeiou]/g, (vowel) => ACCENTS[vowel]).toUpperCase();
      expect(ours(await searchAll({ q: accented }))).toEqual(hits);

      const model = new Map(expected.map((doc) => [doc.slug, doc]));
      for (const hit of hits) expect(hit.score).toBeCloseTo(score(model.get(hit.slug)!, word), 5);
      for (let index = 1; index < hits.length; index += 1) {
        const [before, after] = [model.get(hits[index - 1].slug)!, model.get(hits[index].slug)!];
        const [scoreBefore, scoreAfter] = [score(before, word), score(after, word)];
        expect(scoreBefore).toBeGreaterThanOrEqual(scoreAfter - 1e-6);
        if (Math.abs(scoreBefore - scoreAfter) < 1e-6) expect(byRecency(before)).toBeGreaterThanOrEqual(byRecency(after));
      }
    }
  });

  it('a title match ranks above a match in the body alone', async () => {
    let compared = 0;
    for (const word of words) {
      const hits = ours(await searchAll({ q: word }));
      const model = new Map(docs.map((doc) => [doc.slug, doc]));
      const inTitle = (hit: Hit) => model.get(hit.slug)!.fields[0].words.some((candidate) => fold(candidate) === fold(word));
      const bodyOnly = (hit: Hit) => !inTitle(hit) && score(model.get(hit.slug)!, word) < 0.5;
      const lastTitle = hits.map(inTitle).lastIndexOf(true);
      const firstBody = hits.findIndex(bodyOnly);
      if (lastTitle >= 0 && firstBody >= 0) {
        compared += 1;
        expect(lastTitle).toBeLessThan(firstBody);
      }
    }
    expect(compared).toBeGreaterThan(0);
  });

  it('two words, "or", an exclusion and a phrase find what the model says', async () => {
    const q = random.fork('queries');
    const published = visible('published');
    /** The model's documents, or (when it says none) nothing or a similar-title fallback. */
    const expectFinds = async (query: string, expected: Doc[]) => {
      const hits = await searchAll({ q: query });
      if (expected.length === 0 && hits.fallback) return;
      expect(hits.fallback).toBe(false);
      expect(slugsOf(ours(hits))).toEqual(slugsOf(expected));
    };
    let phrases = 0;
    for (let round = 0; round < 15; round += 1) {
      const [a, b] = [q.pick(words), q.pick(words)];
      await expectFinds(`${a} ${b}`, published.filter((doc) => has(doc, a) && has(doc, b)));
      await expectFinds(`${a} or ${b}`, published.filter((doc) => has(doc, a) || has(doc, b)));
      await expectFinds(`${everywhere} -${a}`, published.filter((doc) => !has(doc, a)));

      // A phrase taken from a document, and the same two words the other way round.
      const source = q.pick(published.filter((doc) => sequence(doc).length >= 2));
      const at = q.int(0, sequence(source).length - 2);
      const [first, second] = sequence(source).slice(at, at + 2);
      const adjacent = (doc: Doc, x: string, y: string) => sequence(doc).some((word, index, all) => word === x && all[index + 1] === y);
      for (const [x, y] of [[first, second], [second, first]]) {
        const expected = published.filter((doc) => adjacent(doc, x, y));
        await expectFinds(`"${x} ${y}"`, expected);
        phrases += expected.length;
      }
    }
    expect(phrases).toBeGreaterThan(0);
  });

  it('drafts join the answer only for a token asking status=draft', async () => {
    const token = suite.token;
    for (const word of words.slice(0, 10)) {
      expect(slugsOf(ours(await searchAll({ q: word, status: 'draft' }, token)))).toEqual(slugsOf(visible('draft').filter((doc) => has(doc, word))));
      expect(slugsOf(ours(await searchAll({ q: word }, token)))).toEqual(slugsOf(visible('published').filter((doc) => has(doc, word))));
    }
  });

  it('type narrows to the types asked', async () => {
    for (const types of [['person'], ['article', 'event'], ['event', 'person']] as Type[][]) {
      const hits = ours(await searchAll({ q: everywhere, type: types.join(',') }));
      expect(slugsOf(hits)).toEqual(slugsOf(visible('published').filter((doc) => types.includes(doc.type))));
    }
  });

  it('a misspelt title word finds its document through the similar-title fallback', async () => {
    const q = random.fork('typos');
    let checked = 0;
    for (const doc of q.shuffle(visible('published'))) {
      const word = fold(doc.fields[0].words.reduce((longest, candidate) => (candidate.length > longest.length ? candidate : longest), ''));
      if (word.length < 7) continue;
      // One inner letter doubled: a spelling no document has.
      const at = q.int(2, word.length - 3);
      const typo = word.slice(0, at) + word[at] + word.slice(at);
      if (docs.some((other) => sequence(other).includes(typo))) continue;
      const answer = await search({ q: typo, pagination: { pageSize: 100 } });
      expect(answer.meta.search.fallback).toBe(true);
      expect(answer.data.map((hit) => hit.slug)).toContain(doc.slug);
      expect(answer.data.find((hit) => hit.slug === doc.slug)!.score).toBeGreaterThanOrEqual(0.5);
      if ((checked += 1) >= 5) break;
    }
    expect(checked).toBeGreaterThan(0);
  });
});
