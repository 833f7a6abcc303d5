import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One request a receiver got. */
export interface Received {
  headers: Record<string, string>;
  body: string;
  /** The status it was answered with. */
  answered: number;
  /** Whether the signature verified with the receiver's secret (standardwebhooks). */
  verified: boolean;
  /** The parsed body. */
  event: { event: string; model: string; uid: string; entry: Record<string, unknown>; createdAt: string };
}

/**
 * A webhook receiver on a local port, as a frontend would run one: it verifies each request's
 * Standard Webhooks signature with the `standardwebhooks` package and answers with the next
 * status of `answers` (200 once they run out).
 */
export interface Receiver {
  url: string;
  received: Received[];
  /** Statuses to answer with, in order, before 200. */
  answers: number[];
  /** Stops listening (connections are refused) and starts again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(secret: string): Promise<Receiver> {
  const verifier = new Webhook(secret);
  let port = 0;
  let server: http.Server | undefined;
  const receiver: Receiver = {
    url: '',
    received: [],
    answers: [],
    async start() {
      server = http.createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
          let verified = false;
          try {
            verifier.verify(body, headers);
            verified = true;
          } catch {
            verified = false;
          }
          const answered = receiver.answers.shift() ?? 200;
          let event: Received['event'];
          try {
            event = JSON.parse(body) as Received['event'];
          } catch {
            event = { event: '(not JSON)', model: '', uid: '', entry: {}, createdAt: '' };
          }
          receiver.received.push({ headers, body, answered, verified, event });
          response.statusCode = answered;
          response.end();
        });
      });
      await new Promise<void>((resolve) => server?.listen(port, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
      receiver.url = `http://127.0.0.1:${port}/cms-webhook`;
    },
    async stop() {
      const closing = server;
      server = undefined;
      if (!closing) return;
      closing.closeAllConnections();
      await new Promise<void>((resolve) => closing.close(() => resolve()));
    },
    async close() {
      await receiver.stop();
    },
  };
  await receiver.start();
  return receiver;
}

/** Polls `check` until it answers true, or fails naming `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
