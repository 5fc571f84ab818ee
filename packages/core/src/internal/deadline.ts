/**
 * Time bounds that an open interactive prompt suspends: the acquisition bound of a provider call,
 * and the timeouts of the requests waiting for it. A user working in a sign-in popup is never cut
 * short; once the prompt closes, each bound starts again in full.
 *
 * @module
 */

/** Runs `expire` after `ms`, on a timer that never keeps a Node process alive on its own. */
export function later(ms: number, expire: () => void): ReturnType<typeof setTimeout> {
  const timer = setTimeout(expire, ms)
  ;(timer as { unref?: () => void }).unref?.()
  return timer
}

/** One time bound of a gate. */
interface Bound {
  readonly ms: number
  readonly expire: () => void
  /** Its timer while it runs (no prompt open). */
  timer?: ReturnType<typeof setTimeout>
}

/** The prompts open for one acquisition, and the time bounds they suspend. */
export interface PromptGate {
  /**
   * Starts a bound: `expire` runs once `ms` have passed with no prompt open (in full again after
   * each prompt closes; a bound started while a prompt is open waits for it to close). Returns
   * what stops it for good.
   */
  bound(ms: number, expire: () => void): () => void
  /**
   * `TokenRequest.interactionStarted`: suspends every bound until the returned function is
   * called (once; later calls do nothing). Prompts may overlap: bounds run again when the last
   * one closes.
   */
  readonly interactionStarted: () => () => void
}

/** Creates the gate of one acquisition: no prompt open, no bound. */
export function createPromptGate(): PromptGate {
  let open = 0
  const bounds = new Set<Bound>()
  const start = (bound: Bound) => {
    bound.timer = later(bound.ms, () => {
      bounds.delete(bound)
      bound.expire()
    })
  }
  return {
    bound(ms, expire) {
      const bound: Bound = { ms, expire }
      bounds.add(bound)
      if (!open) start(bound)
      return () => {
        bounds.delete(bound)
        clearTimeout(bound.timer)
      }
    },
    interactionStarted() {
      if (open++ === 0) for (const bound of bounds) clearTimeout(bound.timer)
      let ended = false
      return () => {
        if (ended) return
        ended = true
        if (--open === 0) for (const bound of bounds) start(bound)
      }
    },
  }
}

/** The reason a bound passed: a `TimeoutError`, as `AbortSignal.timeout()` gives. */
export function timeoutError(message: string): Error {
  return new DOMException(message, 'TimeoutError')
}

/** A monotonic clock in milliseconds, for durations. */
export const clock = (): number => performance.now()
