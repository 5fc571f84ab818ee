/**
 * Redirects of a protected request whose resource is narrower than its origin. fetch drops
 * `Authorization` only when a redirect leaves the origin, so a same-origin redirect out of a
 * path-prefixed resource (or into another resource of the same origin) would carry the token
 * along. Where the runtime hands redirects to the caller (`redirect: 'manual'` gives the real 3xx
 * in Node, Deno and Bun; browsers give an opaque response instead), cae-kit follows them itself,
 * as fetch would, and keeps `Authorization` only for hops inside the resource.
 *
 * @module
 */

import type { SendAttempt } from './types'

/**
 * Runtimes whose fetch returns the real response for `redirect: 'manual'` (read per call: a
 * module-level read would be kept in every bundle of the package, tree-shaken or not).
 */
const isServerRuntime = () =>
  typeof (globalThis as { document?: object }).document === 'undefined' &&
  (typeof (globalThis as { process?: { versions?: object } }).process?.versions === 'object' ||
    typeof (globalThis as { Deno?: object }).Deno === 'object')

/** fetch's limit (the Fetch Standard): a 21st redirect is a network error. */
const MAX_REDIRECTS = 20

/** Headers that describe a request body; dropped when a redirect turns the request into a GET. */
const BODY_HEADERS = ['content-type', 'content-encoding', 'content-language', 'content-location']

/** Headers fetch drops when a redirect leaves the origin (undici's list). */
const CROSS_ORIGIN_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'host']

/**
 * The hop to replay after a challenge: the hop that was challenged (a POST that was redirected
 * with a 303 is not sent again: the challenged GET is), with a new `Authorization`.
 */
function replayHop(challenged: Hop, authorization: string): Hop {
  const headers = new Headers(challenged.init.headers)
  headers.set('authorization', authorization)
  return { url: challenged.url, init: { ...challenged.init, headers } }
}

/**
 * Tells whether cae-kit must follow this request's redirects itself: its resource is narrower
 * than its origin, it asked fetch to follow redirects (the default), and the runtime lets it.
 */
function mustGuardRedirects(attempt: SendAttempt, redirect: RequestRedirect | undefined) {
  return attempt.guardsRedirects && (redirect ?? 'follow') === 'follow' && isServerRuntime()
}

/** What one fetch call sends: the caller's input and init, or its (native) `Request`. */
export interface FetchCall {
  input: string | URL | Request
  request: Request | undefined
  init: RequestInit | undefined
}

/**
 * One fetch call's sends, with redirects followed by cae-kit where it must (the resource is
 * narrower than the origin, and the runtime hands redirects to the caller): `undefined` when
 * fetch may follow them itself, the hot path. A challenge at a hop reached by a redirect is
 * answered by replaying that hop, which `challengedHop` remembers between the two sends.
 *
 * @param send - The underlying fetch.
 * @param call - The call as the caller made it.
 * @param headers - Its headers with the engine's `Authorization`.
 * @param bodyInit - The kept body (and `duplex`), if any.
 * @param attempt - The engine's send attempt (which URLs the token may go to).
 * @param authorization - The `Authorization` of this send.
 */
export function sendGuarded(
  send: typeof fetch,
  call: FetchCall & { challengedHop?: Hop | undefined },
  headers: HeadersInit,
  bodyInit: RequestInit,
  attempt: SendAttempt,
  authorization: string,
): Promise<Response> | undefined {
  // Origin-wide resources (the common case) stop at the first read: this is the hot path.
  if (!mustGuardRedirects(attempt, call.request?.redirect ?? call.init?.redirect)) return undefined
  const challenged = attempt.replay ? call.challengedHop : undefined
  const hop =
    challenged === undefined
      ? firstHop(call, headers, bodyInit)
      : replayHop(challenged, authorization)
  const sent = hop.request ? send(hop.request) : send(hop.url, hop.init)
  return sent.then((response) => {
    // No redirect (the hot path of path-prefixed resources): one `then`, nothing allocated.
    if (!redirected(response)) {
      call.challengedHop = undefined
      if (challenged !== undefined) markRedirected(response, challenged.url)
      return response
    }
    return followGuarded(send, hop, attempt, response).then((followed) => {
      // Only a hop reached by a redirect is kept: a challenge there is replayed there.
      call.challengedHop = followed.hop === hop ? undefined : followed.hop
      if (challenged !== undefined) markRedirected(followed.response, challenged.url)
      return followed.response
    })
  })
}

/**
 * Reports a response as fetch reports a followed one: redirected, from `url`. A replay at the hop
 * that was challenged is such a response too: to the caller, the call was still redirected.
 */
function markRedirected(response: Response, url: string): void {
  Object.defineProperties(response, { redirected: { value: true }, url: { value: url } })
}

/** The call as a URL and init, for sends that follow redirects hop by hop. */
function firstHop(call: FetchCall, headers: HeadersInit, bodyInit: RequestInit): Hop {
  const { input, request, init } = call
  const redirect = 'manual'
  if (request === undefined) {
    return { url: String(input), init: { ...init, ...bodyInit, headers, redirect } }
  }
  const { method, signal, url } = request
  return {
    url,
    init: { method, signal, ...bodyInit, headers, redirect },
    request: new Request(request, { ...bodyInit, headers, redirect }),
  }
}

/** One hop: where, and with what. */
export interface Hop {
  url: string
  init: RequestInit
  /**
   * The first send as a `Request`, when the caller passed one: it keeps what `init` cannot carry
   * (`integrity`, `keepalive`, `cache`...). Later hops are sent from `url` and `init`.
   */
  request?: Request
}

/** What a guarded send ends with: the final response, and the hop that sent it. */
interface Followed {
  response: Response
  /** The hop the final response answered (`first` when there was no redirect). */
  hop: Hop
}

/**
 * Goes on from the first hop's response, `first` having been sent with `redirect: 'manual'`: a
 * redirect is followed as fetch does (303, and 301 or 302 after a POST, become a bodiless GET;
 * 307 and 308 resend the body; at most 20 hops), keeping `Authorization` only on hops that
 * `attempt` covers; the final response reports `redirected: true` and its own URL, as fetch's
 * does.
 *
 * @param send - The underlying fetch.
 * @param first - The first send's URL and init (with `Authorization` and `redirect: 'manual'`).
 * @param attempt - The request's send attempt (it says which URLs the token may go to).
 * @param response - What the first send answered: a redirect, or an opaque redirect.
 * @returns The final response and its hop. Rejects with a `TypeError` on a 21st redirect or a
 *   `Location` fetch cannot follow, as fetch does.
 */
async function followGuarded(
  send: typeof fetch,
  first: Hop,
  attempt: SendAttempt,
  response: Response,
): Promise<Followed> {
  if (isRedirect(response.status)) return follow(send, first, attempt, response)
  // A fetch that hides redirects after all (a browser's, in a runtime that looked like a
  // server): a GET or HEAD is sent again the plain way; anything else is returned as it is.
  const method = first.init.method ?? 'GET'
  if (method === 'GET' || method === 'HEAD') {
    return send(first.url, { ...first.init, redirect: 'follow' }).then((plain) => ({
      response: plain,
      hop: first,
    }))
  }
  return { response, hop: first }
}

async function follow(
  send: typeof fetch,
  first: Hop,
  attempt: SendAttempt,
  redirect: Response,
): Promise<Followed> {
  let { url, init } = first
  let response = redirect
  for (let hops = 0; ; hops++) {
    const location = response.headers.get('location')
    if (!isRedirect(response.status) || location === null) {
      if (hops === 0) return { response, hop: first }
      markRedirected(response, url)
      return { response, hop: { url, init } }
    }
    // A bad Location fails like fetch, with a TypeError.
    const next = new URL(location, url)
    if (hops === MAX_REDIRECTS) throw new TypeError('redirect count exceeded')
    if (next.protocol !== 'https:' && next.protocol !== 'http:') {
      throw new TypeError(`redirect to a scheme fetch does not follow: ${next.protocol}`)
    }
    // The redirect's own body is not returned: free its connection.
    response.body?.cancel().catch(() => {})
    const headers = new Headers(init.headers)
    const method = (init.method ?? 'GET').toUpperCase()
    const toGet =
      (response.status === 303 && method !== 'GET' && method !== 'HEAD') ||
      ((response.status === 301 || response.status === 302) && method === 'POST')
    if (toGet) for (const name of BODY_HEADERS) headers.delete(name)
    if (next.origin !== new URL(url).origin) {
      for (const name of CROSS_ORIGIN_HEADERS) headers.delete(name)
    } else if (!attempt.covers(next.href)) headers.delete('authorization')
    url = next.href
    init = toGet ? { ...init, method: 'GET', body: null, headers } : { ...init, headers }
    response = await send(url, init)
  }
}

/** A redirect to follow, or one a browser-like fetch hid (`opaqueredirect`). */
function redirected(response: Response): boolean {
  return isRedirect(response.status) || response.type === 'opaqueredirect'
}

/** The statuses fetch follows (RFC 9110 §15.4; 300, 304, 305 and 306 are not followed). */
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])

function isRedirect(status: number): boolean {
  return REDIRECT_STATUSES.has(status)
}

/**
 * Sends `request` with `send`, keeping its `Authorization` inside the request's resource: where
 * the resource is narrower than the origin and the runtime hands redirects to the caller (Node,
 * Deno, Bun), redirects are followed hop by hop and a hop the resource does not cover (a path
 * outside its prefix, a more specific resource) is sent without the token. Anything else is one
 * plain `send(request)`. For transports over a fetch they do not call themselves (axios' fetch
 * adapter hands its `Request` to `env.fetch`).
 *
 * @param send - The underlying fetch.
 * @param request - The request as the client built it (with the engine's `Authorization`).
 * @param attempt - The send attempt the engine gave the transport.
 * @param body - The request body again, for a 307/308 hop that resends it (a kept body).
 * @returns The final response; `redirected` and `url` say where it came from. Rejects like fetch.
 */
export function sendWithinResource(
  send: typeof fetch,
  request: Request,
  attempt: SendAttempt,
  body?: unknown,
): Promise<Response> {
  if (!mustGuardRedirects(attempt, request.redirect)) return send(request)
  const { url, method, signal } = request
  const init: RequestInit & { duplex?: 'half' } = {
    method,
    signal,
    headers: new Headers(request.headers),
    redirect: 'manual',
  }
  if (body != null) {
    init.body = body as BodyInit
    init.duplex = 'half'
  }
  const first = { url, init, request: new Request(request, { redirect: 'manual' }) }
  return send(first.request).then((response) =>
    !redirected(response)
      ? response
      : followGuarded(send, first, attempt, response).then((followed) => followed.response),
  )
}
