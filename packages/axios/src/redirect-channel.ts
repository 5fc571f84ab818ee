/**
 * Redirects seen from axios in every runtime: where a response finally came from, and axios'
 * fetch adapter sending within the resource (`sendWithinResource` follows hops itself where the
 * runtime lets it).
 *
 * @module
 */

import { type SendAttempt, sendWithinResource } from '@cae-kit/core'
import type { AxiosResponse } from 'axios'

/**
 * Redirect guarding for axios' fetch adapter, under one name: `caeKit`. The transport puts a
 * channel in `config.fetchOptions.caeKit` (axios hands `fetchOptions` to `env.fetch` as its
 * second argument); the guarded fetch reads the attempt from it and writes back where the
 * response came from. A class instance, so axios' config merging passes it by reference. Nothing
 * is kept in module state.
 */
export class RedirectChannel {
  /** Written by the guarded fetch: the URL of the final response. */
  finalUrl: string | undefined

  /**
   * @param attempt - The engine's send attempt (which URLs the token may go to).
   * @param body - The data sent, for a 307/308 hop that resends it.
   */
  constructor(
    readonly attempt: SendAttempt,
    readonly body: unknown,
  ) {}
}

/**
 * A fetch for axios' fetch adapter (`config.env.fetch`, axios ≥ 1.12) over `base`: it follows
 * redirects within the resource (`sendWithinResource`) and reports the final URL through the
 * channel in its options. axios caches its fetch adapter per `env.fetch`: create one per base
 * fetch and keep it.
 */
export function guardedFetch(base: typeof fetch): typeof fetch {
  return async (input, init) => {
    const channel = (init as { caeKit?: unknown } | undefined)?.caeKit
    if (!(channel instanceof RedirectChannel)) return base(input, init)
    const request = input instanceof Request ? input : new Request(input, init)
    const response = await sendWithinResource(base, request, channel.attempt, channel.body)
    channel.finalUrl = response.url || undefined
    return response
  }
}

/** Where the response came from after redirects: Node (follow-redirects), XHR, or the channel. */
export function finalUrl(
  response: AxiosResponse,
  channel: RedirectChannel | undefined,
): string | undefined {
  const request = response.request as
    | { res?: { responseUrl?: unknown }; responseURL?: unknown }
    | undefined
  const url = request?.res?.responseUrl ?? request?.responseURL ?? channel?.finalUrl
  return typeof url === 'string' && url !== '' ? url : undefined
}
