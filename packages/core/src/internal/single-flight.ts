/**
 * Keyed single-flight: concurrent callers with the same key share one call.
 *
 * @module
 */

/** One caller waiting on a flight. */
export interface FlightWaiter<C> {
  /** Aborts this caller's wait only; the shared call is aborted when every waiter has aborted. */
  signal?: AbortSignal | undefined
  /**
   * Another limit on this caller's wait (a timeout): given `leave`, which ends the wait as an
   * abort does, with the reason given, it returns what stops the limit once the wait ends.
   */
  limit?: ((leave: (reason: unknown) => void) => (() => void) | undefined) | undefined
  /** What the caller contributes to the flight (listed by `live()` while it waits). */
  context: C
}

/**
 * Starts the shared call. `signal` aborts once all waiters are gone, or when the call itself calls
 * `abort`; `live()` lists the waiters' contexts.
 */
export type FlightStart<T, C> = (
  signal: AbortSignal,
  live: () => C[],
  abort: (reason: unknown) => void,
) => Promise<T>

/** A set of in-progress calls keyed by string. */
export interface SingleFlight<T, C> {
  /** Joins the call for `key`, starting it with `start` when none is in progress. */
  run(key: string, start: FlightStart<T, C>, waiter: FlightWaiter<C>): Promise<T>
  /** Tells whether a call for `key` is in progress. */
  has(key: string): boolean
}

interface Flight<T, C> {
  promise: Promise<T>
  controller: AbortController
  /** Waiters still interested; a waiter without a signal never leaves before the call settles. */
  live: Set<FlightWaiter<C>>
}

/**
 * Creates a keyed single-flight group.
 *
 * Invariants:
 * - The entry is deleted in `finally`, so a failure is never cached: the next caller starts a new
 *   call.
 * - An aborted waiter rejects with its own `signal.reason` at once and never cancels the others.
 *   The shared call's signal aborts only when every waiter aborted; the entry is then removed
 *   immediately, so a caller arriving later starts afresh instead of joining a doomed call.
 */
export function createSingleFlight<T, C>(): SingleFlight<T, C> {
  const flights = new Map<string, Flight<T, C>>()
  /** Removes the entry for `key` if it is still `flight` (a later flight may have replaced it). */
  const forget = (key: string, flight: Flight<T, C>) => {
    if (flights.get(key) === flight) flights.delete(key)
  }

  return {
    has: (key) => flights.has(key),
    run(key, begin, waiter) {
      const { signal } = waiter
      if (signal?.aborted) return Promise.reject(signal.reason)
      let flight = flights.get(key)
      if (!flight) {
        const live = new Set([waiter])
        const controller = new AbortController()
        const current = { live, controller } as Flight<T, C>
        // Listed before the call starts, so a provider that re-enters with the same key joins it.
        flights.set(key, current)
        current.promise = (async () =>
          begin(
            controller.signal,
            () => [...live].map((w) => w.context),
            (reason) => controller.abort(reason),
          ))()
        // Waiters observe the outcome themselves; this chain only clears the entry.
        current.promise.finally(() => forget(key, current)).catch(() => {})
        flight = current
      }
      const { live, controller, promise } = flight
      live.add(waiter)
      return new Promise<T>((resolve, reject) => {
        // Set once the limit is armed; a limit that fires at once finds nothing to stop yet.
        let stop: (() => void) | undefined
        const end = () => {
          stop?.()
          signal?.removeEventListener('abort', onAbort)
          live.delete(waiter)
        }
        const leave = (reason: unknown) => {
          end()
          reject(reason)
          if (!live.size) {
            forget(key, flight)
            controller.abort(reason)
          }
        }
        const onAbort = () => leave(signal?.reason)
        // A waiter without a signal or limit never leaves before the call settles.
        signal?.addEventListener('abort', onAbort, { once: true })
        stop = waiter.limit?.(leave)
        promise.finally(end).then(resolve, reject)
      })
    },
  }
}
