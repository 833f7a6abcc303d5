import crypto from 'node:crypto';
import path from 'node:path';
import type { Core } from '@strapi/strapi';
import type { Context, Next } from 'koa';
import { LRUCache } from 'lru-cache';
import type { PoolConfig } from 'pg';
import { DATABASE_UNREACHABLE, databaseFaultOf } from '../../platform/database-faults';
import { metrics } from '../../platform/metrics';
import { clientAddress, proxyHops } from '../../platform/proxy';
import { principalOf } from '../../performance/response-cache/principal';
import { describeWindow, readBudgets, type Budget, type BudgetName } from './budgets';
import { graphqlAuthBudgets } from './graphql-auth';
import { memoryFallback, startPostgresStore, startRedisStore, type Consumed, type CounterStore } from './store';

/**
 * Rate limits shared by every worker and every instance (counters in PostgreSQL, or Redis with
 * REDIS_URL; see store.ts), answered `429` with `Retry-After` and a JSON error naming the budget.
 *
 * - Sign-in and account routes, per client address (and per identifier for logins and password
 *   e-mails): users-permissions' REST routes and GraphQL mutations, and the admin's login.
 * - Every other request to `/api`, `/graphql`, `/read` and `/preview`: per API token for a caller
 *   with a valid one (a frontend's server calls from one address for all its visitors), otherwise
 *   per client address (`public`).
 *
 * Response-cache hits are answered before this middleware runs (and most before Koa, by the HTTP
 * server), so they spend no budget: a hit costs no database work, and counting it would put a
 * database write in front of every hit. What the budgets protect is the work behind a miss.
 *
 * The client address is the socket's peer, or with PROXY_HOPS=N the Nth X-Forwarded-For entry from
 * the right (src/platform/proxy).
 */

type Settings = { budgets: Record<BudgetName, Budget>; hops: number };
let settings: Settings | undefined;
let store: CounterStore | undefined;
let fallback: ReturnType<typeof memoryFallback> | undefined;

/** In `register`: reads every budget (an unreadable one stops the start, naming its variable). */
export function registerRateLimits(): void {
  settings = { budgets: readBudgets(), hops: proxyHops() };
  fallback = memoryFallback(Object.values(settings.budgets));
}

/** In `bootstrap`: connects the counter store (and creates its table in PostgreSQL). */
export async function startRateLimits(strapi: Core.Strapi): Promise<void> {
  if (!settings) registerRateLimits();
  const budgets = Object.values(settings!.budgets);
  const redisUrl = process.env.REDIS_URL?.trim();
  if (redisUrl) {
    store = await startRedisStore(redisUrl, budgets, strapi.log);
  } else {
    const connection = strapi.config.get('database.connection.connection') as PoolConfig & { schema?: string };
    store = await startPostgresStore(connection, budgets, strapi.log);
  }
}

export async function stopRateLimits(): Promise<void> {
  const stopping = store;
  store = undefined;
  await stopping?.stop();
}

const hash = (value: string) => crypto.createHash('sha256').update(value).digest('base64url').slice(0, 32);

/** `/API/auth/local/` and `/api//auth/local` reach the same route as `/api/auth/local`. */
const normalizePath = (value: string) => path.posix.normalize(value).toLowerCase().replace(/\/+$/, '') || '/';

const identifierOf = (body: unknown, field: string): string | undefined => {
  const value = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[field] : undefined;
  return typeof value === 'string' && value.trim() !== '' ? value.trim().toLowerCase() : undefined;
};

interface Spend {
  budget: BudgetName;
  subject: string;
  points: number;
}

/** The sign-in and account budgets a request spends. */
function accountSpends(ctx: Context, route: string, address: string): Spend[] {
  const body = (ctx.request as { body?: unknown }).body;
  const spends: Spend[] = [];
  const add = (budget: BudgetName, subject: string | undefined) => {
    if (subject !== undefined) spends.push({ budget, subject, points: 1 });
  };
  if (ctx.method === 'GET' && route.startsWith('/api/connect/')) add('login', address);
  if (ctx.method !== 'POST') return spends;
  switch (route) {
    case '/api/auth/local':
      add('login', address);
      add('login-identifier', identifierOf(body, 'identifier'));
      break;
    case '/api/auth/change-password':
      add('login', address);
      break;
    case '/api/auth/local/register':
    case '/admin/register':
    case '/admin/register-admin':
      add('register', address);
      break;
    case '/api/auth/forgot-password':
    case '/api/auth/send-email-confirmation':
    case '/admin/forgot-password':
      add('forgot-password', address);
      add('forgot-password-email', identifierOf(body, 'email'));
      break;
    case '/api/auth/reset-password':
    case '/admin/reset-password':
      add('reset-password', address);
      break;
    case '/admin/login':
      add('admin-login', address);
      add('admin-login-identifier', identifierOf(body, 'email'));
      break;
    case '/graphql': {
      const counts = new Map<BudgetName, number>();
      for (const budget of graphqlAuthBudgets(body)) counts.set(budget, (counts.get(budget) ?? 0) + 1);
      for (const [budget, points] of counts) spends.push({ budget, subject: address, points });
      break;
    }
    default:
  }
  return spends;
}

const GENERAL = /^\/(api|graphql|read|preview)(\/|$)/;

/** Valid API tokens by Authorization header, for a few seconds: the budget lookup need not hit the database every time. */
const principals = new LRUCache<string, { principal: string }>({ max: 2_000, ttl: 30_000 });

async function principalFor(strapi: Core.Strapi, authorization: string): Promise<string | null> {
  const known = principals.get(authorization);
  if (known) return known.principal || null;
  const principal = await principalOf(strapi, authorization).catch(() => null);
  principals.set(authorization, { principal: principal ?? '' });
  return principal;
}

let lastOutageLog = 0;

export function createRateLimitMiddleware(strapi: Core.Strapi) {
  const spend = async (budget: Budget, subject: string, points: number): Promise<Consumed> => {
    const key = hash(subject);
    const result = store ? await store.consume(budget, key, points) : { ok: 'unavailable' as const, error: new Error('not started') };
    if (result.ok !== 'unavailable') return result;
    if (Date.now() - lastOutageLog > 30_000) {
      lastOutageLog = Date.now();
      strapi.log.warn(
        `rate limits: the ${store?.kind ?? 'counter'} store cannot be reached (${result.error.message}); ` +
          'sign-in budgets refuse requests and read budgets count in each process until it can',
      );
    }
    if (budget.failClosed || !fallback) return result;
    return fallback(budget, key, points);
  };

  return async function rateLimit(ctx: Context, next: Next) {
    if (!settings || ctx.method === 'OPTIONS') return next();
    const route = normalizePath(ctx.path);
    const address = clientAddress(ctx.req, settings.hops);
    const spends = accountSpends(ctx, route, address);

    if (GENERAL.test(route)) {
      const authorization = ctx.get('authorization');
      const principal = authorization ? await principalFor(strapi, authorization) : null;
      if (principal?.startsWith('token:')) spends.push({ budget: 'token', subject: principal, points: 1 });
      else spends.push({ budget: 'public', subject: address, points: 1 });
    }
    if (spends.length === 0) return next();

    const results = await Promise.all(spends.map(({ budget, subject, points }) => spend(settings!.budgets[budget], subject, points)));
    const unavailable = results.findIndex((result) => result.ok === 'unavailable');
    if (unavailable !== -1) {
      const { budget } = spends[unavailable];
      const failure = results[unavailable];
      // With the PostgreSQL store the counters live in the app's own database, so a store that cannot
      // be reached is that database in trouble: named as such (the same cause as every other request
      // meeting it), not as a rate-limit problem.
      const fault =
        failure.ok === 'unavailable' && store?.kind === 'postgres' ? databaseFaultOf(failure.error) ?? DATABASE_UNREACHABLE : null;
      ctx.status = 503;
      ctx.set('Retry-After', String(fault?.retryAfter ?? 5));
      ctx.body = {
        data: null,
        error: {
          status: 503,
          name: 'ServiceUnavailableError',
          message: fault
            ? `${fault.message} (it holds the "${budget}" rate-limit counters, so this request is refused)`
            : `The "${budget}" rate limit cannot be checked right now, so this request is refused: try again in a few seconds`,
          details: { cause: fault?.cause ?? 'rate_limit_store_unreachable', budget },
        },
      };
      return;
    }
    // The refusal that lasts longest is the one the client must wait for.
    let refused: { budget: Budget; retryAfterMs: number } | undefined;
    results.forEach((result, index) => {
      if (result.ok === false && (!refused || result.retryAfterMs > refused.retryAfterMs)) {
        refused = { budget: settings!.budgets[spends[index].budget], retryAfterMs: result.retryAfterMs };
      }
    });
    if (!refused) return next();

    const { budget, retryAfterMs } = refused;
    const retryAfter = Math.max(1, Math.ceil(retryAfterMs / 1000));
    metrics.rateLimitRefusals.inc({ budget: budget.name });
    ctx.status = 429;
    ctx.set('Retry-After', String(retryAfter));
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      data: null,
      error: {
        status: 429,
        name: 'RateLimitError',
        message: `Too many requests: the "${budget.name}" budget allows ${budget.points} per ${describeWindow(budget.durationSeconds)}; try again in ${retryAfter} s`,
        details: { budget: budget.name, limit: budget.points, windowSeconds: budget.durationSeconds, retryAfterSeconds: retryAfter },
      },
    };
  };
}
