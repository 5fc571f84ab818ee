/**
 * Redirects of axios' Node http adapter (follow-redirects): keeping the token inside the
 * request's resource. Browser builds use `http-redirects.browser.ts`, where there is no http
 * adapter.
 *
 * @module
 */

import type { SendAttempt } from '@cae-kit/core'
import type { InternalAxiosRequestConfig } from 'axios'

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
