/**
 * Fallback reports: each acquisition that a coordinator ends in-process instead of through Redis
 * is reported to `onFallback`, so operators see when a fleet stops coordinating.
 *
 * @module
 */

import { RedisTimeout } from './client'

/**
 * Why an acquisition went without Redis:
 * - `timeout`: a Redis call was not decided within 250 ms;
 * - `error`: a Redis call failed (connection lost, a command error);
 * - `disconnected`: the client was not ready (connecting, reconnecting, closed by its owner);
 * - `backoff`: Redis failed or was slow less than 1 s ago, so this acquisition did not ask it;
 * - `wait-bound`: another process held the lock past `waitTimeoutMs`;
 * - `closed`: the coordinator was closed.
 */
export type RedisFallbackReason =
  | 'timeout'
  | 'error'
  | 'disconnected'
  | 'backoff'
  | 'wait-bound'
  | 'closed'

/** One acquisition that a coordinator ended in-process. Carries no token, key or claims. */
export interface RedisFallbackEvent {
  /** Why Redis was not used. */
  readonly reason: RedisFallbackReason
  /** How long this acquisition spent on Redis before falling back, in milliseconds. */
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
