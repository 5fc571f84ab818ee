/**
 * `createCaeFetch()`: a fetch that answers CAE claims and step-up challenges from configured
 * resources with a fresh token and replays the request once.
 *
 * @module
 */

import {
  type CaeExchange,
  createCaeEngine,
  type DescribeRequest,
  type DetectedChallenge,
} from './engine'
import { CaeOptionsError } from './errors'
import { followGuarded, type Hop, mustGuardRedirects, replayHop } from './fetch-redirects'
import type { ReplayableBody } from './internal/replayable-body'
import type { CaeOptions } from './options'

/** Options of {@link createCaeFetch}: {@link CaeOptions} plus the fetch to wrap. */
export interface CaeFetchOptions extends CaeOptions {
  /**
   * The fetch to wrap.
   * @default globalThis.fetch, looked up on every call (so msw or a polyfill installed later is used)
   */
  fetch?: typeof fetch
}

/**
 * Requests this module sent as replays. A replay is never answered again, by construction: it is
 * sent straight to the wrapped fetch, and should it come back through a cae fetch (nested
 * wrappers, a custom `fetch` option) it is recognised here and passed through.
 */
const replays = new WeakSet<Request>()

function isRequest(input: unknown): input is Request {
  return (
    typeof input === 'object' && input !== null && typeof (input as Request).method === 'string'
  )
}

function hasAuthorization(headers: HeadersInit): boolean {
  if (typeof (headers as Headers).has === 'function')
    return (headers as Headers).has('authorization')
  if (Array.isArray(headers)) {
    return headers.some((pair) => String(pair[0]).toLowerCase() === 'authorization')
  }
  return Object.keys(headers).some((name) => name.toLowerCase() === 'authorization')
}

/**
 * The caller's headers plus Authorization (and the Content-Type of a serialised form). The hot
 * path (no headers, or a plain record, which cannot hold an Authorization of its own here) stays
 * a plain object: cheaper for fetch than a `Headers` instance.
 */
function withAuthorization(
  headers: HeadersInit | undefined,
  authorization: string,
  prepared: ReplayableBody | undefined,
): HeadersInit {
  const contentType = prepared?.contentType
  const fallback = prepared?.defaultContentType
  if (
    contentType === undefined &&
    fallback === undefined &&
    (headers === undefined || isPlainRecord(headers))
  ) {
    return { ...headers, authorization }
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

function isPlainRecord(headers: HeadersInit): headers is Record<string, string> {
  const prototype = Object.getPrototypeOf(headers)
  return prototype === Object.prototype || prototype === null
}

/** One protected request: what both sends need. */
interface Flow {
  send: typeof fetch
  exchange: CaeExchange
  input: string | URL | Request
  request: Request | undefined
  init: RequestInit | undefined
  headers: HeadersInit | undefined
  method: string
  /** The kept body, when the request has one (see `prepareBody`). */
  prepared: ReplayableBody | undefined
  /** Overrides for both sends: the kept body, and duplex for a stream over the limit. */
  bodyInit: RequestInit
}

/**
 * The request as it is sent, for `pendingRequests`: a kept body with the Content-Type it is sent
 * with (a serialised form's boundary; the form type of what were `URLSearchParams`).
 */
function describe(flow: Flow): DescribeRequest {
  return () => {
    const { prepared } = flow
    const headers = new Headers(flow.headers)
    if (prepared?.contentType) headers.set('content-type', prepared.contentType)
    else if (prepared?.defaultContentType && !headers.has('content-type')) {
      headers.set('content-type', prepared.defaultContentType)
    }
    return { headers, body: prepared?.body }
  }
}

function withBody(flow: Flow, prepared: ReplayableBody): Flow {
  const bodyInit: RequestInit = { body: prepared.body as BodyInit }
  if (prepared.streaming) (bodyInit as { duplex?: 'half' }).duplex = 'half'
  return { ...flow, prepared, bodyInit }
}

/**
 * After a redirect, only a response from inside the resource is answered (fetch itself drops
 * Authorization on cross-origin redirects).
 */
function detect(exchange: CaeExchange, response: Response): DetectedChallenge | undefined {
  return exchange.detect(response, response.redirected ? response.url : undefined)
}

function authorizeAndSend(flow: Flow): Promise<Response> {
  const authorization = flow.exchange.authorize(describe(flow))
  // A cached token is returned synchronously: no extra promise on the hot path.
  return typeof authorization === 'string'
    ? sendFirst(flow, authorization)
    : authorization.then((value) => sendFirst(flow, value))
}

/** Whether this request's redirects are followed by cae-kit (see `fetch-redirects.ts`). */
function guarded(flow: Flow): boolean {
  // Origin-wide resources (the common case) stop at the first read: this is the hot path.
  return (
    flow.exchange.guardsRedirects &&
    mustGuardRedirects(flow.exchange, flow.request?.redirect ?? flow.init?.redirect)
  )
}

/** The request as a URL and init, for sends that follow redirects hop by hop. */
function hopOf(flow: Flow, headers: HeadersInit): Hop {
  const { request } = flow
  const redirect = 'manual'
  if (request === undefined) {
    return { url: String(flow.input), init: { ...flow.init, ...flow.bodyInit, headers, redirect } }
  }
  const { method, signal, url } = request
  return {
    url,
    init: { method, signal, ...flow.bodyInit, headers, redirect },
    request: new Request(request, { ...flow.bodyInit, headers, redirect }),
  }
}

function sendFirst(flow: Flow, authorization: string): Promise<Response> {
  const { send, request, bodyInit } = flow
  const headers = withAuthorization(flow.headers, authorization, flow.prepared)
  const sent = guarded(flow)
    ? followGuarded(send, hopOf(flow, headers), flow.exchange)
    : request !== undefined
      ? send(new Request(request, { ...bodyInit, headers }))
      : send(flow.input, { ...flow.init, ...bodyInit, headers })
  return sent.then((response) => {
    if (response.status !== 401) return response
    const challenge = detect(flow.exchange, response)
    return challenge === undefined ? response : answerAndReplay(flow, response, challenge)
  })
}

async function answerAndReplay(
  flow: Flow,
  response: Response,
  challenge: DetectedChallenge,
): Promise<Response> {
  const { exchange, request, prepared } = flow
  const next = await exchange.answer(challenge, {
    response,
    request: request ?? { method: flow.method, url: String(flow.input) },
    replayable: prepared?.replayable ?? true,
    describe: describe(flow),
  })
  // The challenged response is not returned: free its connection.
  response.body?.cancel().catch(() => {})
  const init = {
    ...flow.bodyInit,
    headers: withAuthorization(flow.headers, next, prepared),
  }
  let second: Response
  if (guarded(flow)) {
    const first = hopOf(flow, init.headers)
    const hop = replayHop(response, first, next)
    second = await followGuarded(flow.send, hop, exchange)
    // Replayed at the hop that was challenged: to the caller, the call was still redirected.
    if (hop !== first) Object.defineProperty(second, 'redirected', { value: true })
  } else {
    const replay =
      request !== undefined
        ? new Request(request, init)
        : new Request(flow.input, { ...flow.init, ...init })
    replays.add(replay)
    second = await flow.send(replay)
  }
  const again = detect(exchange, second)
  // Fetch semantics: a 401 is a response, not an error. The caller gets it; nothing is retried.
  if (again !== undefined) exchange.unsatisfied(again, second)
  return second
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

  return function caeFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    // Like fetch, every failure is a rejection, never a synchronous throw (a Request and init that
    // cannot be combined, `headers: null`). A try block costs the hot path no promise.
    try {
      return start(input, init)
    } catch (error) {
      return Promise.reject(error)
    }
  }

  function start(input: RequestInfo | URL, init: RequestInit | undefined): Promise<Response> {
    // Resolved per call, not at setup: msw or a polyfill may replace globalThis.fetch later.
    const send = custom ?? globalThis.fetch
    if (isRequest(input)) {
      if (replays.has(input)) return send(input, init)
      if (init !== undefined) return start(new Request(input, init), undefined)
    }
    const request = isRequest(input) ? input : undefined
    const method = request?.method ?? init?.method ?? 'GET'
    const signal = request?.signal ?? init?.signal
    // Resource match first: nothing about tokens happens for a URL outside the resources.
    const exchange = engine.begin({ url: request?.url ?? (input as string | URL), method, signal })
    if (exchange === undefined) return send(input, init)
    const headers = request?.headers ?? init?.headers
    // The caller's own Authorization wins: that request is left alone (per-request opt-out).
    if (headers !== undefined && hasAuthorization(headers)) return send(input, init)
    const flow: Flow = {
      send,
      exchange,
      input: input as string | URL | Request,
      request,
      init,
      headers,
      method,
      prepared: undefined,
      bodyInit: {},
    }
    // A body can be read only once, so what the replay needs is kept before the first send.
    // prepareBody snapshots synchronously, now, what fetch would (buffers copied, URLSearchParams
    // as text, a large FormData copied), so the caller may reuse them once this call returns;
    // strings and Blobs cannot change and are reused. Streams are read up to maxReplayBodyBytes
    // (racing the signal) and a FormData is serialised once. A Request's body is always a stream:
    // it is read here rather than tee'd with request.clone(), whose second branch would buffer an
    // unbounded copy. Bodyless requests (GET) skip all of this.
    const body = request !== undefined ? request.body : init?.body
    if (body == null) return authorizeAndSend(flow)
    return engine
      .prepareBody(body, signal)
      .then((prepared) => authorizeAndSend(withBody(flow, prepared)))
  }
}
