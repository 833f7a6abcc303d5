import type { Core } from '@strapi/strapi';

/** What knex's pool (tarn) holds right now. */
export interface PoolUse {
  used: number;
  free: number;
  /** Requests waiting for a connection. */
  pending: number;
  /** Connections being opened. */
  creating: number;
  max: number;
}

interface TarnPool {
  max: number;
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  numPendingCreates(): number;
}

/** The pool's use, or null before the pool exists (or when its shape is not tarn's). */
export function poolUse(strapi: Core.Strapi): PoolUse | null {
  const pool = (strapi.db?.connection as unknown as { client?: { pool?: Partial<TarnPool> } } | undefined)?.client?.pool;
  if (!pool || typeof pool.numUsed !== 'function' || typeof pool.numFree !== 'function' || typeof pool.numPendingAcquires !== 'function') return null;
  return {
    used: pool.numUsed(),
    free: pool.numFree(),
    pending: pool.numPendingAcquires(),
    creating: typeof pool.numPendingCreates === 'function' ? pool.numPendingCreates() : 0,
    max: typeof pool.max === 'number' ? pool.max : 0,
  };
}

/** Every connection is checked out and requests are queueing for one. */
export const isPoolExhausted = (use: PoolUse): boolean => use.used >= use.max && use.pending > 0;
