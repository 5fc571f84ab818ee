/**
 * Redirects, seen from axios: where a response finally came from, and (in Node) keeping the token
 * from leaving the resource on a redirect.
 *
 * @module
 */

import type { CaeExchange } from '@cae-kit/core'
import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios'

/** Final URLs of the requests axios' fetch adapter sent through a tracking fetch. */
const fetchedFrom = new WeakMap<object, string>()
/** One tracking fetch per underlying fetch: axios caches its fetch adapter per `env.fetch`. */
const trackers = new WeakMap<typeof fetch, typeof fetch>()
const tracking = new WeakSet<typeof fetch>()

/**
 * axios' fetch adapter (axios ≥ 1.12 reads `config.env.fetch`): gives it a fetch that notes where
 * each response finally came from, which its response does not tell. Other adapters ignore it.
 */
export function trackFetchRedirects(config: InternalAxiosRequestConfig): void {
  const env = config.env as { fetch?: typeof fetch } | undefined
  const base = env?.fetch ?? globalThis.fetch
  if (typeof base !== 'function' || tracking.has(base)) return
  let tracker = trackers.get(base)
  if (!tracker) {
    tracker = async (input, init) => {
      const response = await base(input, init)
      if (typeof input === 'object') fetchedFrom.set(input, response.url)
      return response
    }
    trackers.set(base, tracker)
    tracking.add(tracker)
  }
  config.env = { ...env, fetch: tracker }
}

/** Where the response came from after redirects: Node (follow-redirects), XHR or fetch. */
export function finalUrl(response: AxiosResponse): string | undefined {
  const request = response.request as
    | { res?: { responseUrl?: unknown }; responseURL?: unknown }
    | undefined
  const url =
    request?.res?.responseUrl ??
    request?.responseURL ??
    (typeof request === 'object' ? fetchedFrom.get(request) : undefined)
  return typeof url === 'string' && url !== '' ? url : undefined
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
