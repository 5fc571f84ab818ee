/**
 * How an app tells a CAE outcome from Kiota's `ApiError`.
 *
 * Kiota passes errors thrown by a middleware through unchanged (a cae-kit `CaeError`), and turns a
 * failed response into an `ApiError` with `responseStatusCode` and `responseHeaders` (each value
 * split at commas). The middleware marks the 401 of an unsatisfied challenge with the header
 * `CAE_OUTCOME_HEADER` (`@cae-kit/core`), which `ApiError.responseHeaders` keeps.
 *
 * @module
 */

import {
  type AnyCaeError,
  CAE_OUTCOME_HEADER,
  type CaeErrorCode,
  type CaeUnsatisfiedCode,
  getClaimsChallenge,
  isCaeError,
} from '@cae-kit/core'

/** What {@link getCaeOutcome} finds behind an SDK error. */
export interface CaeOutcome {
  /**
   * `ERR_CAE_CHALLENGE_AFTER_REPLAY` when the resource went on challenging after cae-kit answered
   * (the new token did not satisfy it); otherwise the `code` of the cae-kit error the request
   * failed with (for example `ERR_CAE_ACCESS_BLOCKED` or `ERR_CAE_INTERACTION_REQUIRED`).
   */
  code: CaeErrorCode | CaeUnsatisfiedCode
  /** Decoded claims (JSON text) of the challenge, when there was one. */
  claims: string | undefined
  /** The cae-kit error the request failed with (Kiota passes it through unchanged). */
  error?: AnyCaeError | undefined
}

/** `ApiError.responseHeaders` (values split at commas by Kiota) as header lines again. */
function joinHeaders(headers: Record<string, unknown>): Record<string, string> {
  const joined: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (Array.isArray(value)) joined[name.toLowerCase()] = value.join(',')
    else if (typeof value === 'string') joined[name.toLowerCase()] = value
  }
  return joined
}

/**
 * Tells the CAE outcome behind an error thrown by a Kiota request (a Graph SDK call) made through
 * `createKiotaMiddleware`, or `undefined` when it is not one (an ordinary `ApiError`: a 404, a
 * 403, a network failure). Never throws.
 *
 * @param error - What the call rejected with (an `ApiError`, or a `CaeError`).
 * @returns `{ code, claims, error? }`: `ERR_CAE_CHALLENGE_AFTER_REPLAY` with the claims the
 *   resource still asks for, or the code of the cae-kit error the request failed with.
 * @example
 * ```ts
 * try {
 *   await graph.me.get()
 * } catch (error) {
 *   const outcome = getCaeOutcome(error)
 *   if (outcome?.code === 'ERR_CAE_ACCESS_BLOCKED') return signOut()
 *   throw error
 * }
 * ```
 */
export function getCaeOutcome(error: unknown): CaeOutcome | undefined {
  if (isCaeError(error)) return { code: error.code, claims: error.claims, error }
  if (typeof error !== 'object' || error === null) return undefined
  const { responseStatusCode, responseHeaders } = error as {
    responseStatusCode?: unknown
    responseHeaders?: unknown
  }
  if (responseStatusCode !== 401 || typeof responseHeaders !== 'object' || !responseHeaders) {
    return undefined
  }
  const headers = joinHeaders(responseHeaders as Record<string, unknown>)
  if (headers[CAE_OUTCOME_HEADER] !== 'ERR_CAE_CHALLENGE_AFTER_REPLAY') return undefined
  return {
    code: 'ERR_CAE_CHALLENGE_AFTER_REPLAY',
    claims: getClaimsChallenge({ status: 401, headers })?.claims,
  }
}
