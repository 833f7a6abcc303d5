import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { metricsRegistry } from './index';

/**
 * With several workers (scripts/serve.js), `/metrics` answers for the whole
 * server, not for the worker the scrape happened to reach: that worker asks the
 * primary, which collects every listening worker's registry over IPC and sums
 * them (prom-client's AggregatorRegistry.aggregate; histograms and counters add
 * up, pool gauges too). A worker that does not answer within the primary's
 * deadline is left out of that scrape. In a single process the local registry
 * is the server's.
 */

export const METRICS_MESSAGES = {
  /** primary → worker: send your registry as JSON */
  collect: 'news-cms:metrics:collect',
  /** worker → primary: the registry */
  report: 'news-cms:metrics:report',
  /** worker → primary: aggregate every worker for me */
  ask: 'news-cms:metrics:ask',
  /** primary → worker: the aggregated text */
  answer: 'news-cms:metrics:answer',
} as const;

type Message = { type?: unknown; id?: unknown; text?: unknown; error?: unknown };

const ASK_TIMEOUT_MS = 4_000;
const waiting = new Map<string, { resolve: (text: string) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();
let listening = false;

const isClusterWorker = (): boolean => cluster.isWorker && typeof process.send === 'function';

/** In a worker: answers the primary's collection requests and its aggregated answers. Idempotent. */
export function joinClusterMetrics(): void {
  if (!isClusterWorker() || listening) return;
  listening = true;
  process.on('message', (message: Message) => {
    if (message?.type === METRICS_MESSAGES.collect) {
      metricsRegistry
        .getMetricsAsJSON()
        .then((metrics) => process.send?.({ type: METRICS_MESSAGES.report, id: message.id, metrics }))
        .catch(() => process.send?.({ type: METRICS_MESSAGES.report, id: message.id, metrics: [] }));
    } else if (message?.type === METRICS_MESSAGES.answer && typeof message.id === 'string') {
      const entry = waiting.get(message.id);
      if (!entry) return;
      waiting.delete(message.id);
      clearTimeout(entry.timer);
      if (typeof message.text === 'string') entry.resolve(message.text);
      else entry.reject(new Error('the primary could not collect the metrics'));
    }
  });
}

/** The server's metrics as Prometheus text: every worker's, summed, or this process's alone. */
export async function serverMetrics(): Promise<string> {
  if (!isClusterWorker() || !listening) return metricsRegistry.metrics();
  const id = randomUUID();
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      waiting.delete(id);
      reject(new Error('the primary did not answer in time'));
    }, ASK_TIMEOUT_MS);
    waiting.set(id, { resolve, reject, timer });
    process.send?.({ type: METRICS_MESSAGES.ask, id });
  });
}

export const metricsContentType = metricsRegistry.contentType;
