/**
 * One call of a guarded fetch, sent within the protected request's resource (Node, Deno, Bun:
 * fetch hands redirects to the caller there). Browser builds use `fetch-within-resource.browser.ts`.
 *
 * @module
 */

import { type SendAttempt, sendWithinResource } from '@cae-kit/core'

/**
 * Sends what axios' fetch adapter (or a custom adapter) handed the guarded fetch as a `Request`,
 * within its resource (see `sendWithinResource`).
 *
 * @param fetch - The underlying fetch.
 * @param input - The fetch call's first argument (axios' fetch adapter gives a `Request`).
 * @param init - Its second.
 * @param attempt - The send attempt the engine gave the transport.
 * @param body - The data sent, for a 307/308 hop that resends it.
 */
export function fetchWithinResource(
  fetch: typeof globalThis.fetch,
  input: RequestInfo | URL,
  init: RequestInit | undefined,
  attempt: SendAttempt,
  body: unknown,
): Promise<Response> {
  return sendWithinResource(
    fetch,
    input instanceof Request ? input : new Request(input, init),
    attempt,
    body,
  )
}
