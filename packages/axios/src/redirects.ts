/**
 * Redirects, seen from axios: where a response finally came from, and keeping the token inside
 * the request's resource on a redirect (Node's follow-redirects, and axios' fetch adapter).
 *
 * @module
 */

import { type SendAttempt, sendWithinResource } from '@cae-kit/core'
import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios'

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

/**
 * Node only (follow-redirects): drop `Authorization` on any redirect leaving the resource (also
 * to a subdomain, which follow-redirects would otherwise keep, or into a more specific resource).
 * Browsers already drop it cross-origin.
 */
export function guardRedirects(config: InternalAxiosRequestConfig, attempt: SendAttempt): void {
  const previous = config.beforeRedirect
  config.beforeRedirect = (options, ...details) => {
    previous?.(options, ...details)
    const href =
      typeof options.href === 'string'
        ? options.href
        : `${options.protocol}//${options.host}${options.path ?? ''}`
    const headers = options.headers as Record<string, unknown> | undefined
    if (headers === undefined || attempt.covers(href)) return
    for (const name of Object.keys(headers)) {
      if (name.toLowerCase() === 'authorization') delete headers[name]
    }
  }
}
