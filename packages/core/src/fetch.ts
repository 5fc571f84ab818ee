/**
 * `createCaeFetch()`: a fetch that answers CAE claims and step-up challenges from configured
 * resources with a fresh token and replays the request once.
 *
 * @module
 */

import { createCaeEngine } from './engine'
import { CaeOptionsError } from './errors'
import { type FetchCall, type Hop, sendGuarded } from './fetch-redirects'
import type { CaeOptions } from './options'
import type { CaeTransport, KeptBody, RequestDescription, SendAttempt } from './types'

/** Options of {@link createCaeFetch}: {@link CaeOptions} plus the fetch to wrap. */
export interface CaeFetchOptions extends CaeOptions {
  /**
   * The fetch to wrap.
   * @default globalThis.fetch, looked up on every call (so msw or a polyfill installed later is
   *   used); a cae fetch found there (`globalThis.fetch = createCaeFetch(...)`) is never called
   *   by itself or another cae fetch: the fetch that was global before it is used instead
   */
  fetch?: typeof fetch
}

/**
 * Carried by every cae fetch: the fetch it uses when the global fetch turns out to be a cae fetch
 * (the global fetch when it was created, unwrapped), so a cae fetch never calls itself. A
 * registered symbol on the function itself, not module state: a cae fetch of another copy of
 * this package (its ESM and CJS builds) is recognised too.
 */
const UNDERLYING = Symbol.for('@cae-kit/core.underlying-fetch')

type MarkedFetch = typeof fetch & { [UNDERLYING]?: typeof fetch | undefined }

const isCaeFetch = (candidate: typeof fetch | undefined): candidate is MarkedFetch =>
  typeof candidate === 'function' && UNDERLYING in candidate

function isRequest(input: unknown): input is Request {
  return (
    typeof input === 'object' && input !== null && typeof (input as Request).method === 'string'
  )
}

/**
 * A `Request` of this runtime's fetch made from one of another fetch implementation (npm
 * `undici`, a polyfill), which this runtime's `Request` would read as the string
 * `[object Request]`. Everything fetch reads from a request is carried over.
 */
function nativeRequest(foreign: Request): Request {
  const init: RequestInit & { duplex?: 'half' } = {
    method: foreign.method,
    headers: [...(foreign.headers as unknown as Iterable<[string, string]>)],
    body: foreign.body,
    redirect: foreign.redirect,
    signal: foreign.signal,
    credentials: foreign.credentials,
    cache: foreign.cache,
    integrity: foreign.integrity,
    keepalive: foreign.keepalive,
    mode: foreign.mode === 'navigate' ? 'same-origin' : foreign.mode,
    referrerPolicy: foreign.referrerPolicy,
  }
  if (foreign.body != null) init.duplex = 'half'
  return new Request(foreign.url, init)
}

/** The caller's own `Authorization`, whatever the shape of the headers; `undefined` for none. */
function authorizationOf(headers: HeadersInit): string | undefined {
  if (typeof (headers as Headers).get === 'function') {
    return (headers as Headers).get('authorization') ?? undefined
  }
  const pairs = Array.isArray(headers) ? headers : Object.entries(headers)
  for (const [name, value] of pairs) {
    if (String(name).toLowerCase() === 'authorization') return String(value)
  }
  return undefined
}

function isPlainRecord(headers: HeadersInit): headers is Record<string, string> {
  const prototype = Object.getPrototypeOf(headers)
  return prototype === Object.prototype || prototype === null
}

/**
 * The caller's headers plus Authorization (and the Content-Type of a serialised form). The hot
 * path (no headers, or a plain record without an Authorization of its own) stays a plain object:
 * cheaper for fetch than a `Headers` instance.
 */
function withAuthorization(
  headers: HeadersInit | undefined,
  authorization: string,
  kept: KeptBody | undefined,
  plain: boolean,
): HeadersInit {
  const contentType = kept?.contentType
  const fallback = kept?.defaultContentType
  if (plain && contentType === undefined && fallback === undefined) {
    return { ...(headers as Record<string, string> | undefined), authorization }
  }
  const result = new Headers(headers)
  result.set('authorization', authorization)
  if (contentType !== undefined) result.set('content-type', contentType)
  // As fetch does for the body this replaces: its type only when the caller set none.
  else if (fallback !== undefined && !result.has('content-type')) {
    result.set('content-type', fallback)
  }
  return result
}

/**
 * One fetch call as a {@link CaeTransport}: sends with the engine's `Authorization`, following
 * redirects itself where the resource is narrower than the origin (see `fetch-redirects.ts`).
 */
class FetchTransport implements CaeTransport<Response> {
  readonly body: unknown
  readonly #send: typeof fetch
  /** The call, and the hop its last guarded send ended at (see `sendGuarded`). */
  readonly #call: FetchCall & { challengedHop?: Hop | undefined }
  readonly #headers: HeadersInit | undefined
  /** No headers, or a plain record without Authorization: a spread is enough. */
  readonly #plain: boolean

  constructor(
    send: typeof fetch,
    input: string | URL | Request,
    request: Request | undefined,
    init: RequestInit | undefined,
    headers: HeadersInit | undefined,
    ownAuthorization: boolean,
  ) {
    this.#send = send
    this.#call = { input, request, init }
    this.#headers = headers
    this.#plain = headers === undefined || (!ownAuthorization && isPlainRecord(headers))
    this.body = request !== undefined ? request.body : init?.body
  }

  get request(): unknown {
    const { input, request, init } = this.#call
    return request ?? { method: init?.method ?? 'GET', url: String(input) }
  }

  send(authorization: string | undefined, attempt: SendAttempt): Promise<Response> {
    const send = this.#send
    const call = this.#call
    const { request, input, init } = call
    if (authorization === undefined) {
      return request !== undefined ? send(request) : send(input, init)
    }
    const kept = attempt.body
    const headers = withAuthorization(this.#headers, authorization, kept, this.#plain)
    const bodyInit: RequestInit & { duplex?: 'half' } = {}
    if (kept !== undefined) {
      bodyInit.body = kept.body as BodyInit
      if (kept.streaming) bodyInit.duplex = 'half'
    }
    // A replay needs no mark: should it come back through a cae fetch (nested wrappers, a custom
    // `fetch` option), its Authorization is that cae fetch's opt-out, so it is never answered twice.
    return (
      sendGuarded(send, call, headers, bodyInit, attempt, authorization) ??
      (request !== undefined
        ? send(new Request(request, { ...bodyInit, headers }))
        : send(input, { ...init, ...bodyInit, headers }))
    )
  }

  status(response: Response): number {
    return response.status
  }

  headers(response: Response): Headers {
    return response.headers
  }

  /** After a redirect, only a response from inside the resource is answered. */
  finalUrl(response: Response): string | undefined {
    return response.redirected ? response.url : undefined
  }

  discard(response: Response): void {
    response.body?.cancel().catch(() => {})
  }

  /**
   * The request as it is sent, for `pendingRequests`: a kept body with the Content-Type it is
   * sent with (a serialised form's boundary; the form type of what were `URLSearchParams`).
   */
  describe(kept: KeptBody | undefined): RequestDescription {
    const headers = new Headers(this.#headers)
    headers.delete('authorization')
    if (kept?.contentType) headers.set('content-type', kept.contentType)
    else if (kept?.defaultContentType && !headers.has('content-type')) {
      headers.set('content-type', kept.defaultContentType)
    }
    return { headers, body: kept?.body }
  }
}

/**
 * Wraps fetch so requests to the configured resources carry a token and survive CAE claims and
 * RFC 9470 step-up challenges: concurrent challenges share one token request, and each challenged
 * request is replayed once, body intact. Requests to other URLs are passed through untouched, as
 * is any request that already has an `Authorization` header (an explicit per-request opt-out).
 * Like fetch, a body is snapshot when the function is called (buffers copied, `URLSearchParams`
 * as text), and every failure is a rejection, never a synchronous throw.
 *
 * Never loops: a replay that is challenged again resolves with that second 401 (fetch semantics)
 * and emits `challenge-unsatisfied`. `authorization_uri` and any other URL in a challenge are
 * never followed.
 *
 * @param options - {@link CaeFetchOptions}: `tokenProvider`, `resources`, optional `fetch`,
 *   `strict`, `onEvent`, `logger`, `maxReplayBodyBytes`, `partitionKey`.
 * @returns A function with the signature of fetch. It rejects with `TokenAcquisitionError`
 *   (`ERR_CAE_TOKEN_ACQUISITION_FAILED`), the provider's own `CaeError` unchanged (e.g.
 *   `ERR_CAE_INTERACTION_REQUIRED`), `BodyNotReplayableError` (`ERR_CAE_BODY_NOT_REPLAYABLE`),
 *   `CaeOptionsError` (`ERR_CAE_INVALID_OPTIONS`) when `partitionKey` fails for the request, the
 *   signal's reason when aborted, or whatever the wrapped fetch rejects with.
 * @throws CaeOptionsError (`ERR_CAE_INVALID_OPTIONS`) at setup for invalid options.
 * @example
 * ```ts
 * const caeFetch = createCaeFetch({
 *   tokenProvider,
 *   resources: [{ url: 'https://graph.microsoft.com', scopes: ['https://graph.microsoft.com/.default'] }],
 * })
 * const me = await caeFetch('https://graph.microsoft.com/v1.0/me')
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/app-resilience-continuous-access-evaluation
 * @see https://www.rfc-editor.org/rfc/rfc9470
 */
export function createCaeFetch(options: CaeFetchOptions): typeof fetch {
  const engine = createCaeEngine(options)
  const custom = options.fetch
  if (custom !== undefined && typeof custom !== 'function') {
    throw new CaeOptionsError('"fetch" must be a function')
  }
  // What the global fetch was, unwrapped: used when the global fetch is a cae fetch.
  const global = globalThis.fetch as typeof fetch | undefined
  const underlying = isCaeFetch(global) ? global[UNDERLYING] : global

  function caeFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    // Like fetch, every failure is a rejection, never a synchronous throw (a Request and init that
    // cannot be combined, `headers: null`). A try block costs the hot path no promise.
    try {
      return start(input, init)
    } catch (error) {
      return Promise.reject(error)
    }
  }
  ;(caeFetch as MarkedFetch)[UNDERLYING] = underlying

  /** The fetch to send with: resolved per call, not at setup (msw may replace it later). */
  function sender(): typeof fetch {
    if (custom !== undefined) return custom
    const current = globalThis.fetch
    if (!isCaeFetch(current)) return current
    if (underlying === undefined)
      throw new TypeError('no fetch to send with: globalThis.fetch is a cae fetch')
    return underlying
  }

  function start(input: RequestInfo | URL, init: RequestInit | undefined): Promise<Response> {
    const send = sender()
    if (isRequest(input)) {
      if (!(input instanceof Request)) return start(nativeRequest(input), init)
      if (init !== undefined) return start(new Request(input, init), undefined)
    }
    const request = isRequest(input) ? input : undefined
    // `headers: null` is passed on as it is: fetch rejects it (a TypeError), and so does this.
    const headers = request !== undefined ? request.headers : init?.headers
    const authorization = headers === undefined ? undefined : authorizationOf(headers)
    const transport = new FetchTransport(
      send,
      input as string | URL | Request,
      request,
      init,
      headers,
      authorization !== undefined,
    )
    // A body can be read only once, so the engine keeps what the replay needs before the first
    // send: what fetch snapshots is snapshot now, synchronously (buffers copied, URLSearchParams
    // as text, a large FormData copied), so the caller may reuse them once this call returns.
    // Streams are read up to maxReplayBodyBytes; a Request's body (always a stream) is read
    // rather than tee'd with request.clone(), whose second branch would buffer an unbounded copy.
    return engine.execute(
      {
        url: request?.url ?? (input as string | URL),
        method: request?.method ?? init?.method,
        signal: request?.signal ?? init?.signal,
        authorization,
      },
      transport,
    )
  }

  return caeFetch
}
