/**
 * The `Authorization` of an axios request: the one it carries on its own (the caller's opt-out),
 * and removing one.
 *
 * @module
 */

import type { InternalAxiosRequestConfig } from 'axios'

/** `user:password@` in the URL: axios sends HTTP Basic for it, as for `auth`. */
const USER_INFO = /^[a-z][a-z\d+\-.]*:\/\/[^/?#]*@/i

/**
 * The `Authorization` the request carries on its own: its header, or HTTP Basic from `auth` or
 * credentials in the URL (the caller's opt-out; an empty `Bearer ` is none, see the engine).
 */
export function ownAuthorization(
  config: InternalAxiosRequestConfig,
  url: string,
): string | undefined {
  if (config.auth || USER_INFO.test(url)) return 'Basic auth'
  // `false` or `null` when a default was unset the axios way: none.
  return (config.headers.get('Authorization') || undefined) as string | undefined
}

/**
 * Removes `Authorization`, whatever its case, from a plain record of headers or an `AxiosHeaders`
 * (of any copy of axios: it keeps each header as an own property under the name it was set with).
 */
export function withoutAuthorization(headers: object): void {
  for (const name of Object.keys(headers)) {
    if (name.toLowerCase() === 'authorization') delete headers[name as keyof typeof headers]
  }
}
