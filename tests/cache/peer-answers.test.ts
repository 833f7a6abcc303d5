import { PEER_MESSAGES, PeerAnswers } from '../../src/performance/response-cache/peer-answers';
import { RawRequestAliases } from '../../src/performance/response-cache/request-keys';
import { machineClock, ResponseStore, type CachedResponse } from '../../src/performance/response-cache/store';

/**
 * The rules by which a worker takes an answer another worker computed (peer-answers.ts,
 * `ResponseStore.setFromPeer`), on two in-memory workers wired to each other as the primary
 * relays them: the two-worker HTTP suite (two-workers.test.ts) shows the same over IPC.
 */
const answer = (tags: string[], body = '{"data":[]}'): CachedResponse => ({
  status: 200,
  body: Buffer.from(body),
  headers: { 'content-type': 'application/json; charset=utf-8' },
  etag: '"e"',
  tags,
});

/** Two workers' stores and peers; `deliver` hands over the messages sent so far, in order. */
function twoWorkers(options: { ready?: () => boolean } = {}) {
  const queue: Array<{ to: 'a' | 'b'; message: unknown }> = [];
  const make = (self: 'a' | 'b') => {
    const store = new ResponseStore(1024 * 1024);
    const aliases = new RawRequestAliases();
    const peers = new PeerAnswers(store, aliases, options.ready ?? (() => true), (message) => queue.push({ to: self === 'a' ? 'b' : 'a', message }));
    return { store, aliases, peers };
  };
  const workers = { a: make('a'), b: make('b') };
  const deliver = () => {
    for (const { to, message } of queue.splice(0)) workers[to].peers.receive(message);
  };
  return { ...workers, deliver };
}

describe('an answer handed over by another worker', () => {
  it('is stored with its alias when no invalidation of its tags reached this worker since its computation started', () => {
    const { a, b, deliver } = twoWorkers();
    const startedAt = machineClock();
    a.peers.computing('k');
    deliver();
    expect(b.peers.isComputing('k')).toBe(true);
    b.store.invalidate(['person:p']); // another document: the answer still holds
    const entry = answer(['article', 'article:x'], '{"data":[{"title":"Ünïcode – bytes"}]}');
    a.peers.answered('k', startedAt, entry, { principal: 'public', variant: 'v', raw: '/api/articles' });
    deliver();
    expect(b.peers.isComputing('k')).toBe(false);
    const stored = b.store.get('k');
    expect(stored?.body.equals(entry.body)).toBe(true);
    expect(stored?.tags).toEqual(['article', 'article:x']);
    expect(b.aliases.get('public', 'v', '/api/articles')).toBe('k');
  });

  it('is refused when one of its tags was invalidated here after its computation started', () => {
    const { a, b, deliver } = twoWorkers();
    const startedAt = machineClock();
    b.store.invalidate(['article:x']); // the write's invalidation reached this worker first
    a.peers.answered('k', startedAt, answer(['article', 'article:x']));
    deliver();
    expect(b.store.get('k')).toBeUndefined();
  });

  it('is refused after a `*` (this worker fenced or reconnected), before this store began, and while its channel is not proven', () => {
    const before = machineClock();
    const { a, b, deliver } = twoWorkers();
    a.peers.answered('old', before, answer(['event']));
    const startedAt = machineClock();
    b.store.invalidate('*');
    a.peers.answered('fenced', startedAt, answer(['event']));
    deliver();
    expect(b.store.get('old')).toBeUndefined();
    expect(b.store.get('fenced')).toBeUndefined();

    let ready = false;
    const unproven = twoWorkers({ ready: () => ready });
    const later = machineClock();
    unproven.a.peers.answered('k', later, answer(['event']));
    unproven.deliver();
    expect(unproven.b.store.get('k')).toBeUndefined();
    ready = true;
    unproven.a.peers.answered('k', later, answer(['event']));
    unproven.deliver();
    expect(unproven.b.store.get('k')).toBeDefined();
  });

  it('is dropped by a later invalidation of its tags, like any entry', () => {
    const { a, b, deliver } = twoWorkers();
    a.peers.answered('k', machineClock(), answer(['article', 'article:x']));
    deliver();
    expect(b.store.get('k')).toBeDefined();
    b.store.invalidate(['article:x']);
    expect(b.store.get('k')).toBeUndefined();
  });

  it('releases the reads waiting for it when the computation stored nothing, and when the peer never answers', async () => {
    jest.useFakeTimers();
    try {
      const { a, b, deliver } = twoWorkers();
      a.peers.computing('k');
      deliver();
      const waiting = b.peers.waitFor('k');
      a.peers.answered('k', machineClock(), null);
      deliver();
      await waiting;
      expect(b.store.get('k')).toBeUndefined();

      a.peers.computing('silent');
      deliver();
      let released = false;
      const waitingForSilent = b.peers.waitFor('silent').then(() => (released = true));
      await jest.advanceTimersByTimeAsync(2_900);
      expect(released).toBe(false);
      await jest.advanceTimersByTimeAsync(200);
      await waitingForSilent;
      expect(b.peers.isComputing('silent')).toBe(false);
    } finally {
      jest.useRealTimers();
    }
  });

  it('ignores messages that are not its own', () => {
    const { b } = twoWorkers();
    for (const message of [null, 'text', { type: PEER_MESSAGES.answer, key: 'k', startedAt: 'soon', entry: null }, { type: 'news-cms:metrics:collect', id: '1' }, { type: PEER_MESSAGES.computing }]) {
      expect(() => b.peers.receive(message)).not.toThrow();
    }
    expect(b.peers.isComputing('k')).toBe(false);
  });
});
