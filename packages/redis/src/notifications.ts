/**
 * Notifications between processes: one pattern subscription (PSUBSCRIBE) per coordinator on a
 * connection it opens itself (`client.duplicate()`), dispatched in-process to the acquisitions
 * waiting on a channel. A lost notification (a reconnect) costs time, never correctness: a
 * waiter also wakes when the lock it waits on expires, and when this connection fails.
 *
 * @module
 */

import type { RedisClientLike, RedisSubscriberLike } from './client'

/** The subscriber of one coordinator. */
export interface Notifications {
  /**
   * Starts listening on `channel` now (before the command whose outcome it waits for, so no
   * notification slips between them). `wait` resolves on a notification, after `ms`, on
   * `close()`, or when the subscription comes into place (a notification may have been
   * missed before: the caller looks again); rejects with the signal's reason when it aborts.
   * `cancel` stops listening.
   */
  listen(channel: string): Listening
  /** Closes the connection it opened and wakes every waiter. */
  close(): void
}

/** One acquisition listening on its channel. */
export interface Listening {
  wait(ms: number, signal: AbortSignal): Promise<void>
  cancel(): void
}

/** Opens the subscriber connection and subscribes to `pattern`. */
export function createNotifications(client: RedisClientLike, pattern: string): Notifications {
  const waiting = new Map<string, Set<() => void>>()
  let closed = false
  let subscribed = false
  let subscriber: RedisSubscriberLike | undefined
  const onMessage = (_message: string, channel: string) => {
    for (const wake of waiting.get(channel) ?? []) wake()
  }
  let subscribing: Promise<boolean>
  try {
    const connection = client.duplicate()
    subscriber = connection
    // Errors of our own connection are ours to absorb (node-redis reconnects and resubscribes),
    // and a reason for every waiter to look again at once: Redis may be gone, and a waiter then
    // acquires in-process now rather than when the lock it waits on would have expired.
    connection.on('error', () => {
      for (const set of waiting.values()) for (const wake of set) wake()
    })
    subscribing = connection
      .connect()
      .then(() => connection.pSubscribe(pattern, onMessage))
      .then(
        () => {
          subscribed = true
          return true
        },
        () => false,
      )
  } catch {
    subscribing = Promise.resolve(false)
  }

  return {
    listen(channel) {
      let notified = false
      let wake = () => {
        notified = true
      }
      const entry = () => wake()
      const set = waiting.get(channel) ?? new Set()
      waiting.set(channel, set)
      set.add(entry)
      const cancel = () => {
        set.delete(entry)
        if (set.size === 0 && waiting.get(channel) === set) waiting.delete(channel)
      }
      return {
        cancel,
        wait(ms, signal) {
          return new Promise<void>((resolve, reject) => {
            if (signal.aborted) return reject(signal.reason)
            if (notified || closed) return resolve()
            const done = () => {
              clearTimeout(timer)
              signal.removeEventListener('abort', onAbort)
              wake = () => {
                notified = true
              }
            }
            const onAbort = () => {
              done()
              reject(signal.reason)
            }
            const timer = setTimeout(() => {
              done()
              resolve()
            }, ms)
            signal.addEventListener('abort', onAbort, { once: true })
            wake = () => {
              done()
              resolve()
            }
            if (!subscribed) subscribing.then((ok) => ok && wake())
          })
        },
      }
    },
    close() {
      closed = true
      for (const set of waiting.values()) for (const wake of set) wake()
      waiting.clear()
      try {
        subscriber?.destroy()
      } catch {
        // Already closed: nothing of ours is left open.
      }
    },
  }
}
