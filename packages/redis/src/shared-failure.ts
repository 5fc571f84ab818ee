/**
 * Which failures one process shares with the fleet: those no retry by another process can
 * change. An access block (disabled account or service principal, Conditional Access block) is
 * shared for every acquisition; "interaction required" only for an app flow (no partition),
 * where no user can sign in. A user's interaction required stays with the process serving that
 * user: another process may already hold that user's new assertion.
 *
 * @module
 */

import { isCaeError } from '@cae-kit/core'
import type { SharedFailure } from './entry'

/** The failure to share for `error`, or undefined to let other processes try themselves. */
export function sharedFailure(
  error: unknown,
  partition: string | undefined,
): SharedFailure | undefined {
  if (!isCaeError(error)) return undefined
  const shared =
    error.code === 'ERR_CAE_ACCESS_BLOCKED' ||
    (error.code === 'ERR_CAE_INTERACTION_REQUIRED' && partition === undefined)
  return shared ? { code: error.code, message: error.message, claims: error.claims } : undefined
}
