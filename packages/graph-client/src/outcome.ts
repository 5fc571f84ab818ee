/**
 * How an app tells a CAE outcome from graph-client's `GraphError`.
 *
 * graph-client turns every failure into a `GraphError`: a 401 response into one with `statusCode`
 * and the response `headers`, a thrown error into one with `statusCode: -1` and, when the thrown
 * value looks like a Graph error body (`{ error: { code, message } }`), that body's `code`. The
 * middleware uses both: an unsatisfied challenge's 401 carries the header `CAE_OUTCOME_HEADER`
 * (`@cae-kit/core`), and a cae-kit error carries its `code` as the `GraphError`'s `code`.
 *
 * @module
 */

import {
  type AnyCaeError,
  CAE_OUTCOME_HEADER,
  type CaeErrorCode,
  type CaeUnsatisfiedCode,
  createCaeError,
  getClaimsChallenge,
  isCaeError,
  isCaeErrorCode,
} from '@cae-kit/core'

/** What {@link getCaeOutcome} finds behind an SDK error. */
export interface CaeOutcome {
  /**
   * `ERR_CAE_CHALLENGE_AFTER_REPLAY` when the resource challenged the replay again (the new token
   * did not satisfy it); otherwise the `code` of the cae-kit error the request failed with (for
   * example `ERR_CAE_ACCESS_BLOCKED` or `ERR_CAE_INTERACTION_REQUIRED`).
   */
  code: CaeErrorCode | CaeUnsatisfiedCode
  /** Decoded claims (JSON text) of the challenge, when there was one. */
  claims: string | undefined
  /**
   * The cae-kit error the request failed with (for `code` other than
   * `ERR_CAE_CHALLENGE_AFTER_REPLAY`): the error itself, or one rebuilt from the `GraphError`
   * (same class, code, message and claims), so `instanceof AccessBlockedError` works.
   */
  error?: AnyCaeError | undefined
}

/** The shape of graph-client's `GraphError` this module reads (typed structurally). */
interface GraphErrorLike {
  statusCode?: unknown
  code?: unknown
  body?: unknown
  headers?: unknown
}

/**
 * Exposes a cae-kit error to graph-client as a Graph error body: a non-enumerable `error`
 * property `{ code, message, claims }`, from which graph-client builds its `GraphError` (`code`
 * the cae-kit code, `body` that JSON). The error is rethrown unchanged otherwise, so a client
 * that passes errors through still gets the `CaeError` itself.
 */
export function exposeToGraphClient(error: unknown): unknown {
  if (isCaeError(error) && !Object.hasOwn(error, 'error')) {
    const body = { code: error.code, message: error.message, claims: error.claims }
    Object.defineProperty(error, 'error', { value: body, configurable: true })
  }
  return error
}

function readBody(body: unknown): { message?: unknown; claims?: unknown } {
  if (typeof body !== 'string') return {}
  try {
    const parsed: unknown = JSON.parse(body)
    return typeof parsed === 'object' && parsed !== null ? parsed : {}
  } catch {
    return {}
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
  if (isCaeErrorCode(code)) {
    const { message, claims } = readBody(body)
    const known = typeof claims === 'string' ? claims : undefined
    const rebuilt = createCaeError(code, typeof message === 'string' ? message : code, {
      ...(known === undefined ? {} : { claims: known }),
    })
    return { code, claims: known, error: rebuilt }
  }
  const read = (headers as { get?: unknown } | undefined)?.get
  if (statusCode !== 401 || typeof read !== 'function') return undefined
  const found = headers as Headers
  if (found.get(CAE_OUTCOME_HEADER) !== 'ERR_CAE_CHALLENGE_AFTER_REPLAY') return undefined
  return {
    code: 'ERR_CAE_CHALLENGE_AFTER_REPLAY',
    claims: getClaimsChallenge({ status: 401, headers: found })?.claims,
  }
}
