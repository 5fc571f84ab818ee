/**
 * One interactive prompt at a time: in this tab (a queue), and across tabs of the same app (a Web
 * Lock). MSAL itself allows one interaction per tab and rejects the others with
 * `interaction_in_progress`; queueing instead lets a later request reuse the new session silently.
 *
 * @module
 */

/**
 * Work run under the gate. `renewed` is true when another tab held the lock while this task
 * waited, or a task of this tab succeeded since the request started: a prompt may have renewed
 * the session, so the task should try silently again before prompting. `cancelled` is true when
 * a task of this tab failed with `ERR_CAE_INTERACTION_CANCELLED` since the request started: the
 * user just said no, and prompting again at once would be refused (no user gesture) or unwelcome.
 */
export type GateTask<T> = (renewed: boolean, cancelled: boolean) => Promise<T>

/**
 * Runs `task` after every task queued before it, holding the app's cross-tab lock. `started` is
 * when the request began (epoch ms). Rejects with `signal.reason` as soon as `signal` aborts; a
 * task whose signal aborted while queued never runs.
 */
export type Gate = <T>(started: number, task: GateTask<T>, signal?: AbortSignal) => Promise<T>

/**
 * Creates a gate over the lock `name`.
 *
 * Invariants: tasks run strictly one after another (`tail` never rejects), across tabs too when
 * the browser has Web Locks. A task is told the session was renewed when it had to wait for
 * another tab's lock, or when a task of this tab succeeded after its request started (a request
 * whose silent attempt was slow can reach the gate just after a prompt finished).
 *
 * @param name - Web Lock name shared by the tabs of one app, e.g. `cae-kit:interaction:<clientId>`.
 * @returns The gate function.
 */
export const createGate = (name: string): Gate => {
  let tail: Promise<unknown> = Promise.resolve()
  let last = 0
  let cancelledAt = 0
  return <T>(started: number, task: GateTask<T>, signal?: AbortSignal) => {
    const locked = async (contended: boolean) => {
      // Nobody waits for it any more (checked once this tab and the lock are free): no prompt
      // for a request that was abandoned.
      signal?.throwIfAborted()
      try {
        const value = await task(contended || last >= started, cancelledAt >= started)
        last = Date.now()
        return value
      } catch (error) {
        if ((error as { code?: unknown })?.code === 'ERR_CAE_INTERACTION_CANCELLED') {
          cancelledAt = Date.now()
        }
        throw error
      }
    }
    const run = tail.then(() => {
      const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks
      // The Web Lock is held while the task runs (released on settle, or when the page unloads).
      // Asked with `ifAvailable` first: without it, that callback holds nothing and waits in
      // line for the lock, then runs the task told that another tab held the lock meanwhile.
      return locks
        ? (locks.request(name, { ifAvailable: true }, (lock) =>
            lock ? locked(false) : locks.request(name, () => locked(true)),
          ) as Promise<T>)
        : locked(false)
    })
    tail = run.catch(() => undefined)
    return Promise.race([
      run,
      new Promise<never>((_, reject) => {
        const abort = () => reject(signal?.reason)
        // A signal aborts once: its abort event fires at most once.
        signal?.aborted ? abort() : signal?.addEventListener('abort', abort)
      }),
    ])
  }
}
