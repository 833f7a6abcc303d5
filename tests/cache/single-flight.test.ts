import { SingleFlights } from '../../src/performance/response-cache/single-flight';
import { ResponseStore, type CachedResponse } from '../../src/performance/response-cache/store';

/**
 * The rules of sharing one computation and of storing it, on the store and flights themselves
 * (no database: these are the in-memory bookkeeping the HTTP suites rely on).
 */
const answer = (tags: string[]): CachedResponse => ({ status: 200, body: Buffer.from('{}'), headers: {}, etag: '"e"', tags });

function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('a shared computation', () => {
  it('is handed to reads that arrived before an invalidation of its tags, and to no read after it', async () => {
    const store = new ResponseStore(1024 * 1024);
    const flights = new SingleFlights(store);
    const computing = gate();
    const leader = flights.lead('k', async () => {
      await computing.opened;
      return answer(['article', 'article:a']);
    });
    const before = flights.join('k');
    store.invalidate(['person:p']); // another document: the answer still holds
    const afterUnrelated = flights.join('k');
    store.invalidate(['article:a']); // the answer's own document
    const afterWrite = flights.join('k');
    computing.open();
    await leader;
    expect((await before)?.tags).toEqual(['article', 'article:a']);
    expect((await afterUnrelated)?.tags).toEqual(['article', 'article:a']);
    expect(await afterWrite).toBeNull();
  });

  it('gives nothing to wait for when none runs, and nothing when the computation fails', async () => {
    const store = new ResponseStore(1024 * 1024);
    const flights = new SingleFlights(store);
    expect(await flights.join('k')).toBeNull();
    const leader = flights.lead('k', async () => {
      throw new Error('database gone');
    });
    const follower = flights.join('k');
    await expect(leader).rejects.toThrow('database gone');
    expect(await follower).toBeNull();
  });
});

describe('the store', () => {
  it('refuses an answer one of whose tags was invalidated while it was computed, and keeps one that only saw others', () => {
    const store = new ResponseStore(1024 * 1024);
    const start = store.epoch;
    store.invalidate(['draft~article']);
    expect(store.set('a', start, answer(['article', 'article:a']))).toBe(true);
    store.invalidate(['article:a']);
    expect(store.set('b', start, answer(['article:a']))).toBe(false);
    expect(store.get('a')).toBeUndefined(); // dropped by the same invalidation
    store.invalidate('*');
    expect(store.set('c', start, answer(['event']))).toBe(false);
  });

  it('drops exactly the entries under an invalidated tag, and its index forgets evicted entries', () => {
    const store = new ResponseStore(4 * 1024);
    store.set('a', store.epoch, answer(['article', 'article:a']));
    store.set('b', store.epoch, answer(['article.slug=b', 'article:b']));
    store.invalidate(['article']);
    expect(store.get('a')).toBeUndefined();
    expect(store.get('b')).toBeDefined();
    // Entries of ~600 bytes against a 4 KB bound: older ones are evicted, and their tags leave the index.
    for (let index = 0; index < 50; index += 1) store.set(`k${index}`, store.epoch, answer([`person:${index}`]));
    expect(store.size).toBeLessThan(10);
    expect(store.indexedTags).toBe(store.size + (store.get('b') ? 1 : 0));
  });
});
