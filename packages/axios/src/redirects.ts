/**
 * Redirects, seen from axios: where a response finally came from, and (in Node) keeping the token
 * from leaving the resource on a redirect.
 *
 * @module
 */

import type { CaeExchange } from '@cae-kit/core'
import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios'

/** Where the response came from after redirects: Node (follow-redirects) or XHR. */
export function finalUrl(response: AxiosResponse): string | undefined {
  const request = response.request as
    | { res?: { responseUrl?: unknown }; responseURL?: unknown }
    | undefined
  const url = request?.res?.responseUrl ?? request?.responseURL
  return typeof url === 'string' ? url : undefined
}

/**
 * Node only (follow-redirects): drop `Authorization` on any redirect leaving the resource, also to
 * a subdomain, which follow-redirects would otherwise keep. Browsers already drop it cross-origin.
 */
export function guardRedirects(config: InternalAxiosRequestConfig, exchange: CaeExchange): void {
  const previous = config.beforeRedirect
  config.beforeRedirect = (options, ...details) => {
    previous?.(options, ...details)
    const href =
      typeof options.href === 'string'
        ? options.href
        : `${options.protocol}//${options.host}${options.path ?? ''}`
    const headers = options.headers as Record<string, unknown> | undefined
    if (headers === undefined || exchange.covers(href)) return
    for (const name of Object.keys(headers)) {
      if (name.toLowerCase() === 'authorization') delete headers[name]
    }
  }
}
