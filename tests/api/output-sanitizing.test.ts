import type { Core, Schema } from '@strapi/strapi';
import { seededArticle } from '../helpers/seed-fixture';
import { bootStrapi, createApiToken, stopStrapi, type TestApp } from '../helpers/strapi';

/**
 * The one-pass output sanitizer (src/performance/output-sanitizing) must answer exactly
 * what Strapi's own sanitizer answers. The app boots twice on the same
 * database, first with ONE_PASS_SANITIZER=false (stock), then with the
 * default, and every answer of the second boot is compared with the first:
 * public and token reads, reads after the public lost `find` on people, and
 * direct calls with a schema in which attributes are private.
 */

const SWITCHES = ['ONE_PASS_SANITIZER', 'RESPONSE_CACHE', 'STOCK_STRAPI'] as const;
const saved = Object.fromEntries(SWITCHES.map((name) => [name, process.env[name]]));

const REQUESTS = [
  '/api/articles?populate[people]=true&populate[events]=true',
  `/api/articles?filters[slug][$eq]=${seededArticle.slug}&populate[people][populate][events]=true&populate[events][populate][participants]=true`,
  '/api/articles?populate=*&fields[0]=title&fields[1]=slug',
  '/api/people?populate[articles][populate][people]=true&populate[events]=true&sort=slug:asc',
  '/api/events?populate[participants][populate][articles]=true&populate[articles][count]=true&sort=slug:asc',
];
const PERSON_FIND = 'api::person.person.find';

interface Recorded {
  public: unknown[];
  token: unknown[];
  revoked: unknown[];
  direct: unknown[];
}

const getJson = async (app: TestApp, url: string, token?: string) => {
  let call = app.http().get(url);
  if (token) call = call.set('Authorization', `Bearer ${token}`);
  const response = await call;
  return { status: response.status, body: response.body as unknown };
};

async function withoutPublicPersonFind<T>(strapi: Core.Strapi, run: () => Promise<T>): Promise<T> {
  const role = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'public' }, select: ['id'] });
  await strapi.db.query('plugin::users-permissions.permission').deleteMany({ where: { role: role.id, action: PERSON_FIND } });
  try {
    return await run();
  } finally {
    await strapi.db.query('plugin::users-permissions.permission').create({ data: { role: role.id, action: PERSON_FIND } });
  }
}

/** A schema like the stored one, with some of its attributes private (as `private: true` in schema.json would make them). */
function withPrivate(strapi: Core.Strapi, uid: 'api::article.article' | 'api::event.event', names: string[]): Schema.ContentType {
  const schema = strapi.getModel(uid) as Schema.ContentType;
  const attributes = { ...schema.attributes } as Record<string, Record<string, unknown>>;
  for (const name of names) attributes[name] = { ...attributes[name], private: true };
  return { ...schema, attributes } as unknown as Schema.ContentType;
}

async function record(onePass: boolean): Promise<Recorded> {
  process.env.ONE_PASS_SANITIZER = String(onePass);
  process.env.RESPONSE_CACHE = 'false';
  delete process.env.STOCK_STRAPI;
  const app = await bootStrapi();
  try {
    const token = await createApiToken(app.strapi, 'read-only');
    const recorded: Recorded = { public: [], token: [], revoked: [], direct: [] };
    for (const url of REQUESTS) {
      recorded.public.push(await getJson(app, url));
      recorded.token.push(await getJson(app, url, token));
    }
    await withoutPublicPersonFind(app.strapi, async () => {
      for (const url of REQUESTS) recorded.revoked.push(await getJson(app, url));
    });

    const articles = await app.strapi.documents('api::article.article').findMany({
      status: 'published',
      populate: { people: true, events: { populate: { participants: true } } },
    });
    const events = await app.strapi.documents('api::event.event').findMany({ populate: { participants: true, articles: true } });
    const sanitize = app.strapi.contentAPI.sanitize;
    recorded.direct.push(
      await sanitize.output(articles, withPrivate(app.strapi, 'api::article.article', ['summary', 'people'])),
      await sanitize.output(articles[0], withPrivate(app.strapi, 'api::article.article', ['body'])),
      await sanitize.output(events, withPrivate(app.strapi, 'api::event.event', ['location'])),
      await sanitize.output(null, app.strapi.getModel('api::event.event')),
    );
    return recorded;
  } finally {
    await stopStrapi(app);
  }
}

let stock: Recorded;
let onePass: Recorded;

beforeAll(async () => {
  try {
    stock = await record(false);
    onePass = await record(true);
  } finally {
    for (const name of SWITCHES) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  }
}, 180_000);

describe('one-pass output sanitizing', () => {
  it('is compared on answers with relations in them, and the revocation changes them', () => {
    for (const answer of stock.public as Array<{ status: number; body: { data: unknown[] } }>) {
      expect(answer.status).toBe(200);
      expect(answer.body.data.length).toBeGreaterThan(0);
    }
    expect(JSON.stringify(stock.public[0])).toContain('"people":[{');
    expect(JSON.stringify(stock.revoked[0])).not.toContain('"people"');
    expect(JSON.stringify(stock.direct[0])).not.toContain('"summary"');
  });

  it.each(REQUESTS.map((url, index) => [url, index] as const))('answers %s as stock does, public and with a token', (_url, index) => {
    expect(onePass.public[index]).toEqual(stock.public[index]);
    expect(onePass.token[index]).toEqual(stock.token[index]);
  });

  it('leaves out relations the caller may not find, as stock does', () => {
    expect(onePass.revoked).toEqual(stock.revoked);
  });

  it('leaves out private attributes, on related entries too, as stock does', () => {
    expect(onePass.direct).toEqual(stock.direct);
  });
});
