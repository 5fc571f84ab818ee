/**
 * Time bounds that an open interactive prompt suspends: the acquisition bound of a provider call,
 * and the timeouts of the requests waiting for it. A user working in a sign-in popup is never cut
 * short; once the prompt closes, each bound starts again in full.
 *
 * @module
 */

/** A timer that can be suspended and started again. */
export class Deadline {
  readonly #ms: number
  readonly #expire: () => void
  #timer: ReturnType<typeof setTimeout> | undefined
  #done = false

  /** Starts the timer: `expire` runs once, `ms` after now, unless cleared or paused. */
  constructor(ms: number, expire: () => void) {
    this.#ms = ms
    this.#expire = expire
    this.resume()
  }

  /** Stops the timer until `resume` (an interactive prompt is open). */
  pause(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
  }

  /** Starts the timer again, in full. */
  resume(): void {
    if (this.#done || this.#timer !== undefined) return
    this.#timer = setTimeout(() => {
      this.#done = true
      this.#expire()
    }, this.#ms)
    // Never keeps a Node process alive on its own.
    ;(this.#timer as { unref?: () => void }).unref?.()
  }

  /** Stops the timer for good. */
  clear(): void {
    this.#done = true
    this.pause()
  }
}

/**
 * The prompts open for one acquisition, and the deadlines they suspend. A deadline added while a
 * prompt is open starts paused.
 */
export class PromptGate {
  #open = 0
  readonly #deadlines = new Set<Deadline>()

  /** Adds `deadline` to those suspended by prompts. */
  add(deadline: Deadline): void {
    this.#deadlines.add(deadline)
    if (this.#open > 0) deadline.pause()
  }

  /** Removes `deadline` (it was cleared). */
  delete(deadline: Deadline): void {
    this.#deadlines.delete(deadline)
  }

  /**
   * `TokenRequest.interactionStarted`: suspends every deadline until the returned function is
   * called (once; later calls do nothing). Prompts may overlap: deadlines run again when the
   * last one closes.
   */
  readonly interactionStarted = (): (() => void) => {
    if (this.#open++ === 0) for (const deadline of this.#deadlines) deadline.pause()
    let ended = false
    return () => {
      if (ended) return
      ended = true
      if (--this.#open === 0) for (const deadline of this.#deadlines) deadline.resume()
    }
  }
}

/** The reason a bound passed: a `TimeoutError`, as `AbortSignal.timeout()` gives. */
export function timeoutError(message: string): Error {
  return typeof DOMException === 'function'
    ? new DOMException(message, 'TimeoutError')
    : Object.assign(new Error(message), { name: 'TimeoutError' })
}

/** A monotonic clock in milliseconds (for durations), `Date.now()` where there is none. */
export const clock = (): number => globalThis.performance?.now() ?? Date.now()
