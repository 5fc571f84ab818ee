/**
 * Redirects of axios' fetch adapter in every runtime: sending within the resource (`sendWithinResource` follows hops itself where the
 * runtime lets it).
 *
 * @module
 */

import { type SendAttempt, sendWithinResource } from '@cae-kit/core'
import type { InternalAxiosRequestConfig } from 'axios'

/**
 * Redirect guarding for axios' fetch adapter, under one name: `caeKit`. The transport puts a
 * channel in `config.fetchOptions.caeKit` (axios hands `fetchOptions` to `env.fetch` as its
 * second argument); the guarded fetch reads the attempt from it and writes back where the
 * response came from. A class instance, so axios' config merging passes it by reference (a plain
 * object would be copied). Nothing is kept in module state but the guarded fetches themselves.
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
 * One guarded fetch per underlying fetch (axios caches its fetch adapter per `env.fetch`), each
 * also mapped to itself: a config guarded before (a retry of `error.config`) keeps its own.
 */
const guarded = new WeakMap<typeof fetch, typeof fetch>()

/**
 * Points `config.env.fetch` (what axios' fetch adapter calls, axios ≥ 1.12, and what custom
 * adapters may use) at a fetch over the config's own (or the global one) that follows redirects
 * within the resource (`sendWithinResource`) and reports the final URL through the channel in
 * its options. Requests without a channel pass through unchanged.
 */
export function useGuardedFetch(config: InternalAxiosRequestConfig): void {
  const env = config.env as { fetch?: typeof fetch } | undefined
  const base = env?.fetch ?? globalThis.fetch
  if (typeof base !== 'function') return
  let fetch = guarded.get(base)
  if (fetch === undefined) {
    fetch = async (input, init) => {
      const channel = (init as { caeKit?: unknown } | undefined)?.caeKit
      if (!(channel instanceof RedirectChannel)) return base(input, init)
      const request = input instanceof Request ? input : new Request(input, init)
      const response = await sendWithinResource(base, request, channel.attempt, channel.body)
      channel.finalUrl = response.url || undefined
      return response
    }
    guarded.set(base, fetch).set(fetch, fetch)
  }
  config.env = { ...env, fetch }
}
