/**
 * How an app tells a CAE outcome from Kiota's `ApiError`.
 *
 * Kiota passes errors thrown by a middleware through unchanged (a cae-kit `CaeError`), and turns a
 * failed response into an `ApiError` with `responseStatusCode` and `responseHeaders` (each value
 * split at commas). The middleware marks the 401 of an unsatisfied replay with the header
 * {@link CAE_OUTCOME_HEADER}, which `ApiError.responseHeaders` keeps.
 *
 * @module
 */

import { type CaeError, type CaeErrorCode, getClaimsChallenge, isCaeError } from '@cae-kit/core'

/**
 * A response header the middleware adds (locally: it is never sent anywhere) to the 401 it hands
 * back when a request's challenge could not be satisfied: its replay was challenged again, or the
 * token it carried had already answered those claims. Its value is
 * `ERR_CAE_CHALLENGE_AFTER_REPLAY`.
 */
export const CAE_OUTCOME_HEADER = 'x-cae-kit-outcome'

/** What {@link getCaeOutcome} finds behind an SDK error. */
export interface CaeOutcome {
  /**
   * `ERR_CAE_CHALLENGE_AFTER_REPLAY` when the resource went on challenging after cae-kit answered
   * (the new token did not satisfy it); otherwise the `code` of the cae-kit error the request
   * failed with (for example `ERR_CAE_ACCESS_BLOCKED` or `ERR_CAE_INTERACTION_REQUIRED`).
   */
  code: CaeErrorCode
  /** Decoded claims (JSON text) of the challenge, when there was one. */
  claims: string | undefined
  /** The cae-kit error itself, when the request failed with one. */
  error?: CaeError | undefined
}

/**
 * The 401 of an unsatisfied replay, marked with {@link CAE_OUTCOME_HEADER}. A fetch `Response`'s
 * headers cannot be changed: the marked response is a new one over the same body.
 */
export function markUnsatisfied(response: Response): Response {
  const headers = new Headers(response.headers)
  headers.set(CAE_OUTCOME_HEADER, 'ERR_CAE_CHALLENGE_AFTER_REPLAY')
  const marked = new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  })
  Object.defineProperty(marked, 'url', { value: response.url })
  return marked
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
