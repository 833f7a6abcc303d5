import { waitForDatabaseIdle } from '../../src/platform/shutdown/database-idle';
import { seededArticle } from '../helpers/seed-fixture';
import { bootStrapi, stopStrapi, type TestApp } from '../helpers/strapi';

/**
 * Document Service reads run without BEGIN/COMMIT when they are not inside a
 * transaction and the database's default isolation is READ COMMITTED
 * (src/performance/read-transactions). What a reader gets must not change: each answer is
 * compared with the answer of the same request with TRANSACTION_FREE_READS=false
 * (Strapi's own behaviour).
 */

const REQUESTS = [
  `/api/articles?populate[people]=true&populate[events][populate][participants]=true&sort=publishedDate:desc`,
  `/api/articles?filters[slug][$eq]=${seededArticle.slug}&populate=*`,
  '/api/people?sort=name:asc&pagination[pageSize]=2&pagination[page]=2',
  '/api/events?populate[participants][fields][0]=name&sort=startDate:asc',
];

interface Exchange {
  status: number;
  body: unknown;
  /** The SQL of every statement sent while the request ran. */
  statements: string[];
}

async function send(app: TestApp, url: string): Promise<Exchange> {
  // Strapi finishes some work of its start in the background: only this request's statements are wanted.
  await waitForDatabaseIdle(app.strapi);
  const statements: string[] = [];
  const listener = (query: { sql: string }) => statements.push(query.sql);
  app.strapi.db.connection.on('query', listener);
  try {
    const response = await app.http().get(url);
    return { status: response.status, body: response.body, statements };
  } finally {
    app.strapi.db.connection.off('query', listener);
  }
}

const isTransactionControl = (sql: string) => /^\s*(begin|commit|rollback)\b/i.test(sql);

async function sendAll(app: TestApp): Promise<Exchange[]> {
  const exchanges: Exchange[] = [];
  for (const url of REQUESTS) exchanges.push(await send(app, url));
  return exchanges;
}

/** Every request reaches the database: no response cache (its hits would send no statements). */
async function withApp<T>(settings: Record<string, string | undefined>, run: (app: TestApp) => Promise<T>): Promise<T> {
  // Published counters off: inside a transaction (TRANSACTION_FREE_READS=false) a list's total is counted, not read from the counter.
  const env = { RESPONSE_CACHE: 'false', PUBLISHED_COUNTERS: 'false', ...settings };
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  const app = await bootStrapi();
  try {
    return await run(app);
  } finally {
    await stopStrapi(app);
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

let withTransactions: Exchange[];
let withoutTransactions: Exchange[];
let readInsideTransaction: { seen: boolean; afterRollback: unknown };
let strictIsolation: Exchange[];

beforeAll(async () => {
  withTransactions = await withApp({ TRANSACTION_FREE_READS: 'false', STOCK_STRAPI: undefined }, sendAll);
  withoutTransactions = await withApp({ TRANSACTION_FREE_READS: undefined, STOCK_STRAPI: undefined }, async (app) => {
    const exchanges = await sendAll(app);
    // A read inside a write's transaction must see that transaction's uncommitted write.
    const slug = `read-transactions-${Date.now()}`;
    let seen = false;
    await app.strapi.db
      .transaction(async () => {
        const person = await app.strapi.documents('api::person.person').create({ data: { name: 'Uncommitted', slug } });
        seen = (await app.strapi.documents('api::person.person').findOne({ documentId: person.documentId })) !== null;
        throw new Error('roll back');
      })
      .catch(() => undefined);
    const afterRollback = await app.strapi.documents('api::person.person').findFirst({ filters: { slug } });
    readInsideTransaction = { seen, afterRollback };
    return exchanges;
  });

  // With a stricter default isolation, a transaction gives its statements one snapshot: reads keep theirs.
  const database = await withApp({}, async (app) => {
    const { rows } = await app.strapi.db.connection.raw('select current_database() as name');
    const name = rows[0].name as string;
    await app.strapi.db.connection.raw(`ALTER DATABASE "${name}" SET default_transaction_isolation TO 'repeatable read'`);
    return name;
  });
  try {
    strictIsolation = await withApp({}, sendAll);
  } finally {
    await withApp({}, (app) => app.strapi.db.connection.raw(`ALTER DATABASE "${database}" RESET default_transaction_isolation`));
  }
}, 180_000);

describe('reads without transactions', () => {
  it('are compared on answers with content in them', () => {
    for (const [index, exchange] of withTransactions.entries()) {
      expect({ url: REQUESTS[index], status: exchange.status }).toEqual({ url: REQUESTS[index], status: 200 });
      expect((exchange.body as { data: unknown[] }).data.length).toBeGreaterThan(0);
    }
  });

  it.each(REQUESTS.map((url, index) => [url, index] as const))('answer %s exactly as with transactions', (_url, index) => {
    expect(withoutTransactions[index].status).toBe(withTransactions[index].status);
    expect(withoutTransactions[index].body).toEqual(withTransactions[index].body);
  });

  it('send no BEGIN or COMMIT, where Strapi sends a pair around the page and another around the count', () => {
    for (const [index, exchange] of withoutTransactions.entries()) {
      expect(exchange.statements.filter(isTransactionControl)).toEqual([]);
      const stock = withTransactions[index].statements;
      expect(stock.filter(isTransactionControl).length).toBeGreaterThanOrEqual(4);
      // The same reads, less the transaction control.
      expect(exchange.statements).toEqual(stock.filter((sql) => !isTransactionControl(sql)));
    }
  });

  it('inside a transaction still join it and see its uncommitted writes', () => {
    expect(readInsideTransaction.seen).toBe(true);
    expect(readInsideTransaction.afterRollback).toBeNull();
  });

  it('keep their transactions when the default isolation is stricter than READ COMMITTED', () => {
    for (const [index, exchange] of strictIsolation.entries()) {
      expect(exchange.body).toEqual(withTransactions[index].body);
      expect(exchange.statements).toEqual(withTransactions[index].statements);
    }
  });
});
