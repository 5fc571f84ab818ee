/**
 * What is waiting for a token in one application, across its providers: a redirect sign-in takes
 * the whole page away, so every waiting request must be stored, not only the ones of the flight
 * that prompts.
 *
 * @module
 */

import type { PendingRequest } from '@cae-kit/core'

/** A token request's descriptor source (`TokenRequest.pendingRequests`). */
type Describe = () => Promise<PendingRequest[]>

/** One tracked token request. */
export interface Waiter {
  /** Every waiting request of the application, oldest token request first; failing sources add nothing. */
  all(): Promise<PendingRequest[]>
  /** Stops tracking this token request. */
  done(): void
}

const registries = new WeakMap<object, Set<{ describe?: Describe | undefined }>>()

/**
 * Tracks a token request of `pca` until `done()`, so a redirect started by any request of the
 * application stores it too.
 *
 * @param pca - The application object (a WeakMap key), shared by its providers.
 * @param describe - The token request's `pendingRequests`, if any.
 * @returns The waiter handle.
 */
export const waitFor = (pca: object, describe: Describe | undefined): Waiter => {
  const waiters = registries.get(pca) ?? new Set()
  registries.set(pca, waiters)
  const self = { describe }
  waiters.add(self)
  return {
    all: async () =>
      (await Promise.all([...waiters].map((w) => w.describe?.().catch(() => [])))).flatMap(
        (list) => list ?? [],
      ),
    done: () => waiters.delete(self),
  }
}
