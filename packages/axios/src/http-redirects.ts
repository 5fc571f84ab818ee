/**
 * Redirects of axios' Node http adapter (follow-redirects): keeping the token inside the
 * request's resource. Only Node builds use it (`transport.ts`): browsers have no http adapter.
 *
 * @module
 */

import type { SendAttempt } from '@cae-kit/core'
import type { InternalAxiosRequestConfig } from 'axios'
import { withoutAuthorization } from './authorization'

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
    if (options.headers !== undefined && !attempt.covers(href))
      withoutAuthorization(options.headers)
  }
}
