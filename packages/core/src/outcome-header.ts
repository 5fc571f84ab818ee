/**
 * The outcome header: how an SDK middleware (`@cae-kit/graph-client`, `@cae-kit/kiota`) lets the
 * app tell an unsatisfied challenge from any other 401 once the SDK has turned the response into
 * its own error, which keeps only status and headers.
 *
 * @module
 */

/**
 * A response header cae-kit's SDK middlewares add (locally: it is never sent anywhere) to the 401
 * they hand back when a challenge could not be satisfied: the replay was challenged again, or the
 * token the request carried had already answered those claims. Its value is
 * `ERR_CAE_CHALLENGE_AFTER_REPLAY`.
 */
export const CAE_OUTCOME_HEADER = 'x-cae-kit-outcome'

/**
 * A copy of `response` carrying {@link CAE_OUTCOME_HEADER}: `ERR_CAE_CHALLENGE_AFTER_REPLAY`. A
 * fetch `Response`'s headers cannot be changed, so the copy is a new `Response` over the same
 * body (not read), with the same status, status text and `url`.
 *
 * @param response - The challenged response of an unsatisfied replay.
 * @returns The marked response.
 * @example
 * ```ts
 * const transport = { ...send/status/headers, unsatisfied: (report) => markUnsatisfied(report.result) }
 * ```
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
