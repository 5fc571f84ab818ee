/**
 * The periodic refresh. One load at a time (a tick waiting on a sign-in popup never stacks a
 * second one), and it stays paused after a failure until the user acts: an app that keeps polling
 * a blocked account only hammers the identity provider.
 */
export interface Refresher {
  /** Allows ticks (after sign-in or a successful manual call). */
  resume(): void
  /** Stops ticking until {@link Refresher.resume}. */
  pause(): void
  /** Whether the user wants auto-refresh at all (the checkbox). */
  setEnabled(enabled: boolean): void
  readonly active: boolean
}

/** Calls `tick` every `intervalMs` after the previous tick settled; `intervalMs` 0 never ticks. */
export function createRefresher(intervalMs: number, tick: () => Promise<void>): Refresher {
  let timer: ReturnType<typeof setTimeout> | undefined
  let resumed = false
  let enabled = true
  let running = false

  const active = () => resumed && enabled && intervalMs > 0
  const schedule = () => {
    clearTimeout(timer)
    timer = active() ? setTimeout(run, intervalMs) : undefined
  }
  const run = async () => {
    if (running) return
    running = true
    try {
      await tick()
    } finally {
      running = false
      schedule()
    }
  }

  return {
    resume() {
      resumed = true
      schedule()
    },
    pause() {
      resumed = false
      schedule()
    },
    setEnabled(value) {
      enabled = value
      schedule()
    },
    get active() {
      return active()
    },
  }
}
