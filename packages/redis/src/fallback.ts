/**
 * Fallback reports: each acquisition that does not get the fleet's shared outcome and asks this
 * process's provider besides the lock holder's (in-process, without Redis, or in place of a holder
 * whose lock expired) is reported to `onFallback`, so operators see when a fleet stops
 * coordinating: each one is one more token request.
 *
 * @module
 */

import { RedisTimeout } from './client'

/**
 * Why an acquisition asked this process's provider besides the lock holder:
 * - `timeout`: a Redis call was not decided within 250 ms;
 * - `error`: a Redis call failed (connection lost, a command error);
 * - `disconnected`: the client was not ready (connecting, reconnecting, closed by its owner);
 * - `backoff`: Redis failed or was slow less than 1 s ago, so this acquisition did not ask it;
 * - `wait-bound`: another process held the lock past `waitTimeoutMs`;
 * - `lock-expired`: the process it waited for kept the lock past `lockTtlMs` (it died, or its
 *   token request took longer) and shared nothing: this one acquires in its place, under the lock;
 * - `closed`: the coordinator was closed.
 */
export type RedisFallbackReason =
  | 'timeout'
  | 'error'
  | 'disconnected'
  | 'backoff'
  | 'wait-bound'
  | 'lock-expired'
  | 'closed'

/**
 * One acquisition that asks this process's provider besides the fleet's lock holder (one more
 * token request). Carries no token, key or claims.
 */
export interface RedisFallbackEvent {
  /** Why the shared outcome was not used. */
  readonly reason: RedisFallbackReason
  /** How long this acquisition spent on Redis before asking its provider, in milliseconds. */
  readonly ms: number
}

/** Listener of {@link RedisFallbackEvent}s (`RedisCoordinatorOptions.onFallback`). */
export type RedisFallbackListener = (event: RedisFallbackEvent) => void

/** The reason for a Redis call that threw (the caller's own abort is no fallback). */
export function failureReason(error: unknown): RedisFallbackReason {
  return error instanceof RedisTimeout ? 'timeout' : 'error'
}

/**
 * Calls `listener` with `event`. A listener that throws (or returns a promise that rejects) is
 * ignored: reporting a fallback must never break the acquisition it reports.
 */
export function report(listener: RedisFallbackListener | undefined, event: RedisFallbackEvent) {
  if (listener === undefined) return
  try {
    const result: unknown = listener(event)
    if (result instanceof Promise) result.catch(() => {})
  } catch {
    // The listener's own trouble; the acquisition goes on in-process.
  }
}
