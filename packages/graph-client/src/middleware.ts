/**
 * `createGraphClientMiddleware()`: cae-kit as a middleware of `@microsoft/microsoft-graph-client`
 * 3, in the place of its `AuthenticationHandler` (first in the chain).
 *
 * Each `execute(context)` runs the request through the engine; every send the engine makes (the
 * first one, the one replay) goes down the rest of the chain: `RetryHandler` (429/503/504),
 * `RedirectHandler`, `TelemetryHandler` and `HTTPMessageHandler`. The handlers below change the
 * context as they go (a redirect rewrites the URL, method and headers, a retry adds a header), so
 * each send starts again from the request as the app made it.
 *
 * @module
 */

import { type CaeOptions, type CaeTransport, createCaeEngine, markUnsatisfied } from '@cae-kit/core'
import type { Context, Middleware } from '@microsoft/microsoft-graph-client'
import { readAuthorization, setHeader, toRecord, withAuthorization } from './headers'
import { exposeToGraphClient } from './outcome'

function urlOf(request: RequestInfo): string {
  return typeof request === 'string' ? request : request.url
}

/** The request as the app made it, kept for every send. */
interface Original {
  request: RequestInfo
  options: RequestInit
  headers: Record<string, string>
}

/** One send down the chain: the original request with `authorization` and the kept body. */
function prepare(
  context: Context,
  original: Original,
  authorization: string | undefined,
  kept: { body: unknown; streaming: boolean; contentType?: string | undefined } | undefined,
): void {
  const headers = withAuthorization(original.headers, authorization)
  const options: RequestInit & { duplex?: 'half' } = { ...original.options, headers }
  if (kept !== undefined) {
    options.body = kept.body as BodyInit
    if (kept.streaming) options.duplex = 'half'
    if (kept.contentType !== undefined) setHeader(headers, 'Content-Type', kept.contentType)
  }
  const { request } = original
  if (typeof request === 'string') {
    context.request = request
    context.options = options
  } else {
    // A Request (graph-client itself sends URLs): a fresh copy per send carries the kept body,
    // since the engine read the original's; the options keep only the headers, which the
    // handlers below edit and fetch applies over the Request's.
    context.request = new Request(request, options)
    const { body: _body, duplex: _duplex, ...rest } = options
    context.options = rest
  }
  delete context.response
}

/**
 * Creates a graph-client middleware that puts a cae-kit token on requests to the configured
 * resources and answers CAE claims challenges (and RFC 9470 step-up challenges): one token
 * request for any number of concurrent challenges, each challenged request replayed once down
 * the rest of the chain, body intact. Use it instead of graph-client's `AuthenticationHandler`:
 * first in the array given to `Client.initWithMiddleware({ middleware })`, with no
 * `authProvider`. Requests to URLs outside `resources` (and requests that carry the app's own
 * `Authorization`) are passed down the chain untouched.
 *
 * A replay challenged again is not retried: the call rejects with graph-client's `GraphError`
 * (`statusCode` 401, `headers` with the challenge, plus the header `x-cae-kit-outcome`). A
 * cae-kit failure (no token: `ERR_CAE_ACCESS_BLOCKED`, `ERR_CAE_INTERACTION_REQUIRED`,
 * `ERR_CAE_TOKEN_ACQUISITION_FAILED`, ...) rejects with a `GraphError` whose `code` is that
 * cae-kit code. `getCaeOutcome(error)` reads both.
 *
 * @param options - {@link CaeOptions}: `tokenProvider`, `resources` (e.g.
 *   `[{ url: 'https://graph.microsoft.com', scopes: ['https://graph.microsoft.com/.default'] }]`),
 *   optional `strict`, `onEvent`, `logger`, `maxReplayBodyBytes`, `partitionKey`, ...
 * @returns A graph-client `Middleware` (`execute`, `setNext`). One middleware holds one token
 *   cache: share it (or the client) across requests.
 * @throws CaeOptionsError (`ERR_CAE_INVALID_OPTIONS`) at setup for invalid options.
 * @example
 * ```ts
 * const client = Client.initWithMiddleware({
 *   middleware: [
 *     createGraphClientMiddleware({ tokenProvider, resources: [{ url: 'https://graph.microsoft.com', scopes: ['https://graph.microsoft.com/.default'] }] }),
 *     new RetryHandler(), new RedirectHandler(), new TelemetryHandler(), new HTTPMessageHandler(),
 *   ],
 * })
 * const me = await client.api('/me').get()
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/app-resilience-continuous-access-evaluation
 */
export function createGraphClientMiddleware(options: CaeOptions): Middleware {
  const engine = createCaeEngine(options)
  let next: Middleware | undefined

  async function execute(context: Context): Promise<void> {
    if (next === undefined) {
      throw new TypeError('the cae-kit middleware must not be the last of the chain')
    }
    const chain = next
    const { request } = context
    const requestOptions = context.options ?? {}
    const headers = toRecord(
      typeof request === 'string'
        ? requestOptions.headers
        : (requestOptions.headers ?? request.headers),
    )
    const original: Original = { request, options: requestOptions, headers }
    const method = requestOptions.method ?? (typeof request === 'string' ? 'GET' : request.method)
    const body = requestOptions.body ?? (typeof request === 'string' ? undefined : request.body)
    const transport: CaeTransport<Response> = {
      async send(authorization, attempt) {
        prepare(context, original, authorization, attempt.body)
        await chain.execute(context)
        const { response } = context
        if (response === undefined) {
          throw new TypeError('the graph-client middleware chain set no response')
        }
        return response
      },
      status: (response) => response.status,
      headers: (response) => response.headers,
      // RedirectHandler rewrites context.request hop by hop: the last one is where the response
      // came from.
      finalUrl: (response) => response.url || urlOf(context.request),
      discard: (response) => void response.body?.cancel().catch(() => {}),
      describe: (kept) => ({ headers: Object.entries(headers), body: kept?.body }),
      unsatisfied: (report) => markUnsatisfied(report.result),
      request,
      ...(body == null ? {} : { body }),
    }
    try {
      context.response = await engine.execute<Response>(
        {
          url: urlOf(request),
          method,
          signal:
            requestOptions.signal ?? (typeof request === 'string' ? undefined : request.signal),
          authorization: readAuthorization(headers),
        },
        transport,
      )
    } catch (error) {
      throw exposeToGraphClient(error)
    }
  }

  return {
    execute,
    setNext(middleware: Middleware) {
      next = middleware
    },
  }
}
