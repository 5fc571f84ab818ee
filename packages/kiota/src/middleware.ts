/**
 * `createKiotaMiddleware()`: cae-kit as a Kiota `Middleware` (`@microsoft/kiota-http-fetchlibrary`,
 * the HTTP layer of the Microsoft Graph SDK `@microsoft/msgraph-sdk`).
 *
 * It sits just before the last, fetch-calling handler: after Kiota's `RetryHandler` and
 * `RedirectHandler`, so that each retry and each redirect hop comes through it with its own URL
 * (a hop outside the resources gets no token), and a claims challenge is answered and replayed
 * here, below Kiota's own handlers.
 *
 * @module
 */

import { type CaeOptions, type CaeTransport, createCaeEngine, markUnsatisfied } from '@cae-kit/core'
import type { Middleware } from '@microsoft/kiota-http-fetchlibrary'

type HeaderRecord = Record<string, string>

/** Kiota's request headers (a lower-cased record) as a record of our own. */
function toRecord(headers: HeadersInit | undefined): HeaderRecord {
  if (headers === undefined || headers === null) return {}
  if (Array.isArray(headers))
    return Object.fromEntries(headers.map(([name, value]) => [name, value]))
  if (typeof (headers as Headers).forEach === 'function') {
    const record: HeaderRecord = {}
    ;(headers as Headers).forEach((value, name) => {
      record[name] = value
    })
    return record
  }
  return { ...(headers as HeaderRecord) }
}

function authorizationOf(headers: HeaderRecord): string | undefined {
  const key = Object.keys(headers).find((name) => name.toLowerCase() === 'authorization')
  return key === undefined ? undefined : headers[key]
}

/**
 * The init of one send: a copy (the handlers above share and edit the caller's object: a copy
 * keeps one send's token out of the next hop), with `authorization` and the kept body.
 */
function initFor(
  init: RequestInit,
  headers: HeaderRecord,
  authorization: string | undefined,
  kept: { body: unknown; streaming: boolean; contentType?: string | undefined } | undefined,
): RequestInit {
  const copy: HeaderRecord = {}
  for (const [name, value] of Object.entries(headers)) {
    if (authorization === undefined || name.toLowerCase() !== 'authorization') copy[name] = value
  }
  if (authorization !== undefined) copy.authorization = authorization
  const result: RequestInit & { duplex?: 'half' } = { ...init, headers: copy }
  if (kept !== undefined) {
    result.body = kept.body as BodyInit
    if (kept.streaming) result.duplex = 'half'
    if (kept.contentType !== undefined) copy['content-type'] = kept.contentType
  }
  return result
}

/**
 * Creates a Kiota middleware that puts a cae-kit token on requests to the configured resources
 * and answers CAE claims challenges (and RFC 9470 step-up challenges): one token request for any
 * number of concurrent challenges, each challenged request replayed once, body intact. Place it
 * in Kiota's default chain just before the last, fetch-calling handler
 * (`middlewares.splice(-1, 0, createKiotaMiddleware(options))`), and give the request adapter an
 * `AnonymousAuthenticationProvider`: the middleware does all the authentication. Requests to URLs
 * outside `resources` (and requests that carry the app's own `Authorization`) go on untouched.
 *
 * Kiota's `FetchRequestAdapter` retries a 401 that carries claims once by itself. The engine
 * answers a challenge once: Kiota's retry, challenged with claims the current token already
 * answered, is handed back without asking for another token. An unsatisfiable challenge costs one
 * token request and three API calls, and rejects with Kiota's `ApiError` (`responseStatusCode`
 * 401, `responseHeaders` with the challenge and `x-cae-kit-outcome`). A cae-kit failure rejects
 * with the `CaeError` itself. `getCaeOutcome(error)` reads both.
 *
 * @param options - {@link CaeOptions}: `tokenProvider`, `resources` (e.g.
 *   `[{ url: 'https://graph.microsoft.com', scopes: ['https://graph.microsoft.com/.default'] }]`),
 *   optional `strict`, `onEvent`, `logger`, `maxReplayBodyBytes`, `partitionKey`, ...
 * @returns A Kiota `Middleware`. One middleware holds one token cache: share it across requests.
 * @throws CaeOptionsError (`ERR_CAE_INVALID_OPTIONS`) at setup for invalid options.
 * @example
 * ```ts
 * const middlewares = MiddlewareFactory.getDefaultMiddlewares()
 * middlewares.splice(-1, 0, createKiotaMiddleware({ tokenProvider, resources }))
 * const adapter = new FetchRequestAdapter(new AnonymousAuthenticationProvider(), undefined, undefined, KiotaClientFactory.create(undefined, middlewares))
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/app-resilience-continuous-access-evaluation
 */
export function createKiotaMiddleware(options: CaeOptions): Middleware {
  const engine = createCaeEngine(options)
  const middleware: Middleware = {
    // Set by Kiota's HttpClient when it chains the middlewares.
    next: undefined,
    execute(url, requestInit, requestOptions) {
      const next = middleware.next
      if (next === undefined) {
        return Promise.reject(
          new TypeError('the cae-kit middleware must not be the last of the chain'),
        )
      }
      const headers = toRecord(requestInit.headers)
      const transport: CaeTransport<Response> = {
        send: (authorization, attempt) =>
          next.execute(
            url,
            initFor(requestInit, headers, authorization, attempt.body),
            requestOptions,
          ),
        status: (response) => response.status,
        headers: (response) => response.headers,
        discard: (response) => void response.body?.cancel().catch(() => {}),
        describe: (kept) => ({ headers: Object.entries(headers), body: kept?.body }),
        unsatisfied: (report) => markUnsatisfied(report.result),
        request: { method: requestInit.method ?? 'GET', url },
        ...(requestInit.body == null ? {} : { body: requestInit.body }),
      }
      const request = {
        url,
        method: requestInit.method,
        signal: requestInit.signal,
        authorization: authorizationOf(headers),
      }
      return engine.execute<Response>(request, transport)
    },
  }
  return middleware
}
