import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * Graceful stop of an HTTP server (SIGTERM): stop accepting connections,
 * let the requests in flight finish (bounded), then close what is left.
 *
 * Idle keep-alive connections are closed at once; a connection busy with a
 * request gets `Connection: close` on its answer and is closed by Node after
 * it, so no client sees a reset. Requests still running at the deadline are
 * cut off when Strapi destroys its server.
 */
export interface DrainResult {
  /** Requests that were still running when the deadline passed. */
  unfinished: number;
}

const tracked = new WeakMap<Server, { active: Set<ServerResponse>; draining: boolean }>();

/** Starts counting requests in flight; call once, before the server listens. */
export function trackRequests(server: Server): void {
  if (tracked.has(server)) return;
  const state = { active: new Set<ServerResponse>(), draining: false };
  tracked.set(server, state);
  // First listener of all: it sees every request, the response cache's fast path included.
  server.prependListener('request', (_request: IncomingMessage, response: ServerResponse) => {
    state.active.add(response);
    if (state.draining) response.setHeader('Connection', 'close');
    response.once('close', () => state.active.delete(response));
  });
}

export async function drainHttpServer(server: Server, timeoutMs: number): Promise<DrainResult> {
  const state = tracked.get(server) ?? { active: new Set<ServerResponse>(), draining: false };
  state.draining = true;
  if (!server.listening) return { unfinished: state.active.size };
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Answers being written now tell their clients not to send another request on this connection.
  for (const response of state.active) if (!response.headersSent) response.setHeader('Connection', 'close');
  server.closeIdleConnections();
  const deadline = Date.now() + timeoutMs;
  while (state.active.size > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    // A keep-alive connection whose last answer just went out is idle now.
    server.closeIdleConnections();
  }
  const unfinished = state.active.size;
  if (unfinished === 0) await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1_000))]);
  return { unfinished };
}
