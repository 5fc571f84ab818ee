/**
 * How an app tells a CAE outcome from graph-client's `GraphError`.
 *
 * graph-client turns every failure into a `GraphError`: a 401 response into one with `statusCode`
 * and the response `headers`, a thrown error into one with `statusCode: -1` and, when the thrown
 * value looks like a Graph error body (`{ error: { code, message } }`), that body's `code`. The
 * middleware uses both: an unsatisfied replay's 401 carries the header {@link CAE_OUTCOME_HEADER},
 * and a cae-kit error carries its `code` as the `GraphError`'s `code`.
 *
 * @module
 */

import { type CaeError, type CaeErrorCode, getClaimsChallenge, isCaeError } from '@cae-kit/core'

/**
 * A response header the middleware adds (locally: it is never sent anywhere) to the 401 it hands
 * back when the replay of a request was challenged again. Its value is
 * `ERR_CAE_CHALLENGE_AFTER_REPLAY`.
 */
export const CAE_OUTCOME_HEADER = 'x-cae-kit-outcome'

/** What {@link getCaeOutcome} finds behind an SDK error. */
export interface CaeOutcome {
  /**
   * `ERR_CAE_CHALLENGE_AFTER_REPLAY` when the resource challenged the replay again (the new token
   * did not satisfy it); otherwise the `code` of the cae-kit error the request failed with (for
   * example `ERR_CAE_ACCESS_BLOCKED` or `ERR_CAE_INTERACTION_REQUIRED`).
   */
  code: CaeErrorCode
  /** Decoded claims (JSON text) of the challenge, when there was one. */
  claims: string | undefined
  /** The cae-kit error itself, when the error given is one (the SDK passed it through). */
  error?: CaeError | undefined
}

/** The shape of graph-client's `GraphError` this module reads (typed structurally). */
interface GraphErrorLike {
  statusCode?: unknown
  code?: unknown
  body?: unknown
  headers?: unknown
}

/**
 * The Graph error body the middleware exposes on a cae-kit error, as a non-enumerable `error`
 * property: graph-client builds its `GraphError` from it, so `graphError.code` is the cae-kit
 * code and `graphError.body` this JSON (code, message, claims). The error is rethrown unchanged
 * otherwise, so a client that passes errors through still gets the `CaeError` itself.
 */
export function exposeToGraphClient(error: unknown): unknown {
  if (isCaeError(error) && !Object.hasOwn(error, 'error')) {
    const body = { code: error.code, message: error.message, claims: error.claims }
    Object.defineProperty(error, 'error', { value: body, configurable: true })
  }
  return error
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

function claimsOfBody(body: unknown): string | undefined {
  if (typeof body !== 'string') return undefined
  try {
    const parsed = JSON.parse(body) as { claims?: unknown }
    return typeof parsed.claims === 'string' ? parsed.claims : undefined
  } catch {
    return undefined
  }
}

/**
 * Tells the CAE outcome behind an error thrown by a graph-client call made through
 * `createGraphClientMiddleware`, or `undefined` when it is not one (an ordinary `GraphError`: a
 * 404, a 403, a network failure). Never throws.
 *
 * @param error - What the call rejected with (a `GraphError`, or a `CaeError`).
 * @returns `{ code, claims, error? }`: `ERR_CAE_CHALLENGE_AFTER_REPLAY` with the claims the
 *   resource still asks for, or the code of the cae-kit error the request failed with.
 * @example
 * ```ts
 * try {
 *   await client.api('/me').get()
 * } catch (error) {
 *   const outcome = getCaeOutcome(error)
 *   if (outcome?.code === 'ERR_CAE_ACCESS_BLOCKED') return signOut()
 *   if (outcome?.code === 'ERR_CAE_INTERACTION_REQUIRED') return signInAgain(outcome.claims)
 *   throw error
 * }
 * ```
 */
export function getCaeOutcome(error: unknown): CaeOutcome | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const { statusCode, code, body, headers } = error as GraphErrorLike
  // A GraphError first: one built from a cae-kit error has its code, so isCaeError() would take
  // it for the CaeError itself.
  if (typeof statusCode !== 'number') {
    return isCaeError(error) ? { code: error.code, claims: error.claims, error } : undefined
  }
  if (typeof code === 'string' && code.startsWith('ERR_CAE_')) {
    return { code: code as CaeErrorCode, claims: claimsOfBody(body) }
  }
  if (statusCode !== 401 || typeof (headers as Headers | undefined)?.get !== 'function') {
    return undefined
  }
  if ((headers as Headers).get(CAE_OUTCOME_HEADER) !== 'ERR_CAE_CHALLENGE_AFTER_REPLAY') {
    return undefined
  }
  return {
    code: 'ERR_CAE_CHALLENGE_AFTER_REPLAY',
    claims: getClaimsChallenge({ status: 401, headers: headers as Headers })?.claims,
  }
}
