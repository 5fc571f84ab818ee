/**
 * The part of a node-redis client (`createClient()` of `redis` 5 or 6) that cae-kit uses, and the
 * bound on every call to it: Redis must answer within {@link REDIS_DECISION_MS} or the caller
 * falls back to its in-process behaviour.
 *
 * @module
 */

/**
 * A connected node-redis client, as `createClient()` of `redis` 5 or 6 returns it (RESP2 or
 * RESP3). Typed by what cae-kit calls, so both majors (and their generic parameters) fit.
 */
export interface RedisClientLike {
  /** Sends one command; `redis` 5 and 6 share this signature. */
  sendCommand(args: readonly string[]): Promise<unknown>
  /** True while the client is connected and not reconnecting. */
  readonly isReady: boolean
  /** A new client with the same options, not yet connected (the coordinator's subscriber). */
  duplicate(): RedisSubscriberLike
}

/** The connection the coordinator opens itself for notifications (`client.duplicate()`). */
export interface RedisSubscriberLike {
  /** Opens the connection (node-redis retries by itself until it succeeds). */
  connect(): Promise<unknown>
  /** Subscribes to every channel matching `pattern` (node-redis resubscribes on reconnect). */
  pSubscribe(pattern: string, listener: (message: string, channel: string) => void): Promise<void>
  /** Connection trouble: the coordinator absorbs it and wakes its waiters. */
  on(event: 'error', listener: (error: unknown) => void): unknown
  /** Closes the connection at once (what `close()` of the coordinator does). */
  destroy(): void
}

/** The longest any single Redis call may take before cae-kit decides without Redis, in ms. */
export const REDIS_DECISION_MS = 250

/** Rejects a call that Redis did not answer within the bound. Carries no key and no token. */
export class RedisTimeout extends Error {
  constructor() {
    super(`redis did not answer within ${REDIS_DECISION_MS} ms`)
    this.name = 'RedisTimeout'
  }
}

/**
 * Settles like `call`, or rejects with {@link RedisTimeout} after `ms`, or with the signal's
 * reason when it aborts first. The call itself cannot be cancelled: `late` receives its result
 * if it settles after the bound (to release a lock it took too late).
 */
export function bounded<T>(
  call: Promise<T>,
  signal: AbortSignal,
  ms: number = REDIS_DECISION_MS,
  late?: (value: T) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false
    const finish = () => {
      settled = true
      clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
    }
    const onAbort = () => {
      finish()
      reject(signal.reason)
    }
    // The timer phase runs before the poll phase: on a busy event loop an answer that arrived in
    // time would lose to the timer. setImmediate (check phase, after poll) lets it in first.
    const timer = setTimeout(() => {
      setImmediate(() => {
        if (settled) return
        finish()
        reject(new RedisTimeout())
      })
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
    call.then(
      (value) => {
        if (settled) late?.(value)
        else {
          finish()
          resolve(value)
        }
      },
      (error: unknown) => {
        if (settled) return
        finish()
        reject(error)
      },
    )
    if (signal.aborted) onAbort()
  })
}

/** A reply as text: node-redis may map bulk strings to `Buffer` (a client's `typeMapping`). */
export function text(reply: unknown): string | undefined {
  if (typeof reply === 'string') return reply
  if (reply instanceof Uint8Array) return Buffer.from(reply).toString('utf8')
  return undefined
}
