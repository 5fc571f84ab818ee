/**
 * The redirect round trip: what was waiting for a token is written to `sessionStorage` before the
 * page leaves, under an id carried in MSAL's `state`, and replayed once after it comes back.
 *
 * @module
 */

import type {
  AuthenticationResult,
  IPublicClientApplication,
  RedirectRequest,
} from '@azure/msal-browser'
import type { PendingRequest, TokenRequest } from '@cae-kit/core'
import {
  BodyNotReplayableError,
  CaeOptionsError,
  classifyInteractive,
  interactionError,
} from './errors'

/**
 * Prefix of the `sessionStorage` keys and of the MSAL `state` this package writes. The rest of the
 * key is the time it was written (epoch ms), so expiry needs no parsing of the entry. One
 * redirect leaves the page at a time per tab, and sessionStorage is per tab: the time is unique.
 */
const PREFIX = 'cae-kit.redirect.'

/**
 * Deletes this package's entries written more than `maxAgeMs` ago (all of them for `-1`), so
 * storage never accumulates, and the entry `state`, whose text it returns when that entry is still
 * fresh (null otherwise). A time in the future, not finite (`Infinity`) or not a number counts as
 * expired: this package only writes `Date.now()`. One loop: the sweep and the read share the age.
 */
const takeEntry = (maxAgeMs: number, state?: string): string | null => {
  let text = null
  for (let i = sessionStorage.length; i--; ) {
    const key = sessionStorage.key(i)
    const age = Date.now() - Number(key?.slice(PREFIX.length))
    const fresh = age >= 0 && age <= maxAgeMs
    if (key?.startsWith(PREFIX) && (key === state || !fresh)) {
      if (fresh) text = sessionStorage.getItem(key)
      sessionStorage.removeItem(key)
    }
  }
  return text
}

/** Headers that carry credentials: never stored, never replayed (the replay gets a fresh token). */
const CREDENTIALS = /^(authorization|cookie|proxy-authorization)$/i

/**
 * `JSON.stringify` replacer and `JSON.parse` reviver that drop credential headers, on the way into
 * storage and again on the way out. Of a stored request's members, only header names can match.
 */
const withoutCredentials = (name: string, value: unknown) =>
  CREDENTIALS.test(name) ? undefined : value

/**
 * Whether `url` lies inside one of `resources`: it starts with a resource URL (canonical form,
 * no trailing slash) on a boundary, as cae-kit matches requests (`/v1` never covers `/v10`).
 */
const inside = (resources: readonly { url: string }[], url: string): boolean => {
  try {
    const href = new URL(url).href
    return resources.some((resource) => {
      const prefix = new URL(resource.url).href.replace(/\/+$/, '')
      return href.startsWith(prefix) && '/?#'.includes(href.charAt(prefix.length))
    })
  } catch {
    return false
  }
}

/**
 * Persists the waiting requests, then starts `acquireTokenRedirect` with `state` naming them.
 * Never settles while the page navigates away.
 *
 * @param pca - The application.
 * @param request - The MSAL redirect request (scopes, claims, account, extra fields).
 * @param waiting - The token requests in flight in the app, whose `pendingRequests` describe what
 * waits for them; one that rejects adds nothing. Nothing stored (storage full or disabled) still
 * redirects.
 * @returns Resolves only when MSAL returns without leaving the page (`onRedirectNavigate`
 * returned false: the caller rejects `ERR_CAE_INTERACTION_REQUIRED`); rejects with MSAL's error
 * (the caller classifies it: `user_cancelled` when the user came back without signing in).
 */
export const redirectForToken = async (
  pca: Pick<IPublicClientApplication, 'acquireTokenRedirect'>,
  request: RedirectRequest,
  waiting: Iterable<TokenRequest>,
): Promise<void> => {
  const state = PREFIX + Date.now()
  try {
    const pending = await Promise.all(
      [...waiting].map((inFlight) => inFlight.pendingRequests?.().catch(() => []) ?? []),
    )
    sessionStorage.setItem(state, JSON.stringify(pending.flat(), withoutCredentials))
  } catch {
    // Storage full or disabled, or no descriptions: the replay is lost, never the sign-in.
  }
  // MSAL resolves only if the page is still here after its navigation timeout, or at once when
  // onRedirectNavigate cancels the navigation.
  await pca.acquireTokenRedirect({ ...request, state }).catch((error: unknown) => {
    try {
      sessionStorage.removeItem(state)
    } catch {}
    throw error
  })
}

/** Options of {@link resumeAfterRedirect}. */
export interface ResumeOptions<R = Response> {
  /**
   * The `resources` of the cae-kit client that replays (as given to `attachCae` /
   * `createCaeFetch`). Required with `fetch` or `replay`: a stored request whose URL lies outside
   * them is dropped, never sent.
   */
  resources?: readonly { url: string }[]
  /**
   * Replays each pending request with `fetch(url, { method, headers, body })`: pass the app's
   * cae-wrapped fetch so the new token is attached. Ignored when `replay` is given.
   */
  fetch?: (url: string, init: RequestInit) => Promise<R>
  /** Replays one pending request yourself (for example through an axios instance). */
  replay?: (request: PendingRequest) => Promise<R>
  /**
   * Entries older than this are dropped, never replayed.
   * @default 600000 (10 minutes)
   */
  maxAgeMs?: number
}

/** What {@link resumeAfterRedirect} found and did. */
export interface RedirectResume<R = Response> {
  /** MSAL's `handleRedirectPromise` result; null when this page load is not a redirect return. */
  result: AuthenticationResult | null
  /**
   * The requests that waited when the page left, in their order, without credential headers;
   * with `resources`, only those inside them. Already removed from storage.
   */
  pending: PendingRequest[]
  /**
   * One outcome per pending request, same order; empty when neither `fetch` nor `replay` is
   * given. A request whose body could not be stored is rejected with `ERR_CAE_BODY_NOT_REPLAYABLE`.
   */
  replays: PromiseSettledResult<R>[]
}

/**
 * Completes a sign-in redirect (MSAL `handleRedirectPromise`) and replays, once, the requests that
 * were waiting for it. Call it once at startup, before any API call. Each entry is deleted before
 * its requests are replayed, so a reload never replays twice; entries older than `maxAgeMs` are
 * dropped. Requests are replayed one after another in their original order.
 *
 * @param pca - The PublicClientApplication (initialized).
 * @param options - How to replay; see {@link ResumeOptions}.
 * @returns What was resumed; rejects with `ERR_CAE_INTERACTION_CANCELLED` or
 * `ERR_CAE_ACCESS_BLOCKED` when the sign-in failed that way, otherwise with MSAL's error.
 * @example
 * ```ts
 * await pca.initialize()
 * await resumeAfterRedirect(pca, { fetch: caeFetch, resources })
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/app-resilience-continuous-access-evaluation
 */
export const resumeAfterRedirect = async <R = Response>(
  pca: Pick<IPublicClientApplication, 'handleRedirectPromise'>,
  options: ResumeOptions<R> = {},
): Promise<RedirectResume<R>> => {
  const { fetch, replay, resources, maxAgeMs = 600_000 } = options
  // A request whose body was not stored is never sent, and fails like any other replay.
  const send = async (request: PendingRequest) => {
    if (request.bodyOmitted) {
      throw new BodyNotReplayableError(`body not stored: ${request.method} ${request.url}`)
    }
    const { url, method, headers, body = null } = request
    return replay
      ? replay(request)
      : (fetch as NonNullable<typeof fetch>)(url, { method, headers, body })
  }
  if ((replay || fetch) && !resources?.length) {
    throw new CaeOptionsError('resumeAfterRedirect needs "resources" to replay')
  }
  const result = await pca.handleRedirectPromise().catch((error: unknown) => {
    // One redirect at a time per tab: whatever was stored waited for this failed sign-in.
    takeEntry(-1)
    throw interactionError(classifyInteractive(error), error, [], undefined)
  })
  let pending: PendingRequest[] = []
  try {
    // Expired entries are swept, and the entry named by MSAL's `state` is deleted before any
    // replay: a reload or a second call never replays the same request twice. Storage is the
    // page's, not ours alone: only an array of requests is what we wrote (anything else, `null`
    // included, throws here), and only requests inside the client's resources go back out.
    pending = JSON.parse(`${takeEntry(maxAgeMs, result?.state)}`, withoutCredentials).filter(
      (p: PendingRequest) => typeof p?.url === 'string' && (!resources || inside(resources, p.url)),
    )
  } catch {}
  const replays: PromiseSettledResult<R>[] = []
  if (replay || fetch) {
    // One after another, in their original order.
    for (const request of pending) replays.push(...(await Promise.allSettled([send(request)])))
  }
  return { result, pending, replays }
}
