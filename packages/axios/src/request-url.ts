/**
 * The URL an axios request goes to, computed the way axios does (`baseURL` + `url`), so the
 * resource match sees what will be sent.
 *
 * @module
 */

import type { AxiosRequestConfig } from 'axios'

const ABSOLUTE = /^([a-z][a-z\d+\-.]*:)?\/\//i

/**
 * `config.url` joined to `config.baseURL` as axios' `buildFullPath` does: a relative URL (or any
 * URL when `allowAbsoluteUrls` is `false`) is appended to the base. Query parameters are left out:
 * they do not change which resource a request belongs to.
 */
export function requestUrl(config: AxiosRequestConfig): string {
  const url = config.url ?? ''
  const base = config.baseURL
  if (!base || (ABSOLUTE.test(url) && config.allowAbsoluteUrls !== false)) return url
  // One `/` between them; no URL at all is the base as it is.
  return url ? base.replace(/\/+$/, '') + url.replace(/^\/*/, '/') : base
}
