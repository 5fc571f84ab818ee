/**
 * Redirects of axios' fetch adapter in every runtime: sending within the resource
 * (`sendWithinResource` follows hops itself where the runtime lets it).
 *
 * @module
 */

import type { InternalAxiosRequestConfig } from 'axios'

/**
 * How one protected request is sent, given the fetch it would have used and the call's arguments:
 * within its resource (see `fetchWithinResource`), noting where the response came from. The
 * transport puts it in `config.fetchOptions.caeKit`: axios hands `fetchOptions` to `env.fetch` as
 * its second argument, and passes a function through its config merging by reference (a plain
 * object would be copied).
 */
export type GuardedSend = (
  fetch: typeof globalThis.fetch,
  input: RequestInfo | URL,
  init: RequestInit | undefined,
) => Promise<Response>

/**
 * One guarded fetch per underlying fetch (axios caches its fetch adapter per `env.fetch`), each
 * also mapped to itself: a config guarded before (a retry of `error.config`) keeps its own.
 * Nothing else is kept in module state.
 */
const guarded = new WeakMap<typeof fetch, typeof fetch>()

/**
 * Points `config.env.fetch` (what axios' fetch adapter calls, axios ≥ 1.12, and what custom
 * adapters may use) at a guarded fetch over the config's own (or the global one: every supported
 * runtime has one), and gives it `send` for this request in `config.fetchOptions.caeKit`. Calls
 * without it pass through.
 */
export function useGuardedFetch(config: InternalAxiosRequestConfig, send: GuardedSend): void {
  const env = config.env as { fetch?: typeof fetch } | undefined
  const base = env?.fetch ?? globalThis.fetch
  let fetch = guarded.get(base)
  if (!fetch) {
    fetch = (input, init) => {
      // Only cae-kit puts `caeKit` in `fetchOptions`.
      const sendWithin = (init as { caeKit?: GuardedSend } | undefined)?.caeKit
      return sendWithin ? sendWithin(base, input, init) : base(input, init)
    }
    guarded.set(base, fetch)
    // A guarded fetch given back as the base (a config reused for a retry) guards once, not twice.
    guarded.set(fetch, fetch)
  }
  config.env = { ...env, fetch }
  config.fetchOptions = { ...config.fetchOptions, caeKit: send }
}
