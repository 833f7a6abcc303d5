import type { IncomingMessage } from 'node:http';
import { readFlag } from '../settings';

/**
 * Which address a request comes from. Behind N trusted proxies (`PROXY_HOPS=N`) each proxy appends
 * the address it was called from to X-Forwarded-For, so the client is the Nth entry from the right;
 * everything left of it is whatever the client chose to send. With 0 hops X-Forwarded-For is ignored
 * and the socket's peer is the client.
 *
 * `IS_PROXIED=true` (the older switch) means one trusted proxy when PROXY_HOPS is not set; it no
 * longer means "trust every X-Forwarded-For entry".
 */
export function proxyHops(): number {
  const raw = process.env.PROXY_HOPS?.trim();
  if (raw !== undefined && raw !== '') {
    if (!/^\d+$/.test(raw) || Number(raw) > 10) throw new Error(`PROXY_HOPS must be a whole number from 0 to 10, not "${raw}"`);
    return Number(raw);
  }
  return readFlag('IS_PROXIED') ? 1 : 0;
}

/** `::ffff:1.2.3.4` → `1.2.3.4`; IPv6 addresses are kept to their /64 (one network hands out a whole /64). */
export function normalizeAddress(address: string): string {
  const trimmed = address.trim().replace(/^\[|\](:\d+)?$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed);
  if (mapped) return mapped[1];
  if (!trimmed.includes(':')) return trimmed;
  const [head, tail = ''] = trimmed.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = trimmed.includes('::') ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  if (groups.length !== 8 || !groups.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return trimmed.toLowerCase();
  return `${groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/** The client's address as `hops` trusted proxies report it (see proxyHops). */
export function clientAddress(request: IncomingMessage, hops: number): string {
  const socketAddress = normalizeAddress(request.socket?.remoteAddress ?? '');
  if (hops === 0) return socketAddress || 'unknown';
  const header = request.headers['x-forwarded-for'];
  const entries = (Array.isArray(header) ? header.join(',') : header ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) return socketAddress || 'unknown';
  // Fewer entries than trusted hops: the leftmost is the furthest any proxy saw (Koa's choice too).
  return normalizeAddress(entries[Math.max(0, entries.length - hops)]);
}
