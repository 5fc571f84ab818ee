/**
 * Which failures one process shares with the fleet, and for how long: those no retry by another
 * process can change are shared with every process for a short time; any other failure only with
 * the processes that waited for the attempt that failed. An access block (disabled account or service principal, Conditional Access block) is
 * shared for every acquisition; "interaction required" only for an app flow (no partition),
 * where no user can sign in. A user's interaction required stays with the process serving that
 * user: another process may already hold that user's new assertion.
 *
 * @module
 */

import { isCaeError } from '@cae-kit/core'
import type { SharedFailure } from './entry'

/**
 * The failure to share with every process for `error`, or undefined to share it only with the
 * waiters of the attempt ({@link overlappedFailure}).
 */
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

/**
 * What the waiters of a failed attempt fail with: the error's own code and message when it is a
 * cae-kit error (messages never hold a token), else a token acquisition failure naming no detail
 * (the cause stays in the process that met it).
 */
export function overlappedFailure(error: unknown, claims: string | undefined): SharedFailure {
  if (isCaeError(error)) return { code: error.code, message: error.message, claims: error.claims }
  return {
    code: 'ERR_CAE_TOKEN_ACQUISITION_FAILED',
    message: 'token acquisition failed in the process that acquired for this one',
    claims,
  }
}
