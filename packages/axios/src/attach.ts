/**
 * `attachCae()`: axios interceptors over the cae-kit engine. They only translate axios configs
 * and responses; every decision (resources, tokens, single-flight, replay once) is the engine's.
 *
 * @module
 */

import {
  type CaeExchange,
  type CaeOptions,
  createCaeEngine,
  type DescribeRequest,
  type StepUpRequest,
} from '@cae-kit/core'
import {
  AxiosHeaders,
  type AxiosInstance,
  type AxiosResponse,
  CanceledError,
  getAdapter,
  type InternalAxiosRequestConfig,
} from 'axios'
import { finalUrl, guardRedirects, trackFetchRedirects } from './redirects'
import { bodyForDescription, keepData } from './request-data'
import { requestUrl } from './request-url'

/** Per-request state cae-kit keeps under `config.caeKit` (one key, typed by augmentation). */
export interface CaeAxiosRequestState {
  /** `true` once the request was sent again after answering a challenge (seen on `response.config`). */
  readonly replay: boolean
  /** @internal The engine exchange of this request (methods only: nothing secret serialises). */
  readonly exchange?: CaeExchange | undefined
}

/**
 * Set as `error.caeKit` on the `AxiosError` a replay rejects with when it was challenged again:
 * `error.response` is that second 401, and this says what the server still asks for.
 */
export interface CaeAxiosErrorInfo {
  /** Always `ERR_CAE_CHALLENGE_AFTER_REPLAY`. */
  readonly code: 'ERR_CAE_CHALLENGE_AFTER_REPLAY'
  /** Decoded claims (JSON text) of the second challenge, for a claims challenge. */
  readonly claims?: string | undefined
  /** Step-up requirements of the second challenge, for an RFC 9470 challenge. */
  readonly stepUp?: StepUpRequest | undefined
  /** Scopes of the resource. */
  readonly scopes: readonly string[]
}

declare module 'axios' {
  // biome-ignore lint/suspicious/noExplicitAny: augmentation must repeat axios' own type parameters
  interface AxiosRequestConfig<D = any, P = any> {
    /** cae-kit's per-request state; set by `attachCae`, do not set it yourself. */
    caeKit?: CaeAxiosRequestState
  }
  // biome-ignore lint/suspicious/noExplicitAny: augmentation must repeat axios' own type parameters
  interface AxiosError<T = unknown, D = any, P = any> {
    /** Present when a cae-kit replay was challenged again (see `CaeAxiosErrorInfo`). */
    caeKit?: CaeAxiosErrorInfo
  }
}

type Config = InternalAxiosRequestConfig
type AxiosErrorLike = { isAxiosError: true; response?: AxiosResponse; caeKit?: CaeAxiosErrorInfo }
type Adapter = (config: Config) => Promise<AxiosResponse>
/** What one send settled with: the response, or the rejection and the response it carries. */
type Outcome = { response?: AxiosResponse | undefined; rejected?: { reason: unknown } }

/** The response an `AxiosError` carries (HTTP errors), or `undefined` for any other failure. */
function responseOf(error: unknown): AxiosResponse | undefined {
  return (error as AxiosErrorLike | null)?.isAxiosError === true
    ? (error as AxiosErrorLike).response
    : undefined
}

/**
 * Sends once and captures the outcome instead of throwing. An `await` in a `try` costs the hot
 * path no closure and no promise besides the send's own.
 */
async function settle(send: Adapter, config: Config): Promise<Outcome> {
  try {
    return { response: await send(config) }
  } catch (reason) {
    return { response: responseOf(reason), rejected: { reason } }
  }
}

/** The outcome as the adapter's caller expects it: the response, or the rejection. */
function unwrap(outcome: Outcome): AxiosResponse {
  if (outcome.rejected) throw outcome.rejected.reason
  return outcome.response as AxiosResponse
}

/** The challenge in a 401, if any; axios' response headers are an `AxiosHeaders` (it has `get`). */
function detect(exchange: CaeExchange, response: AxiosResponse | undefined) {
  return response?.status === 401
    ? exchange.detect(response as never, finalUrl(response))
    : undefined
}

/** `user:password@` in the URL: axios sends HTTP Basic for it, as for `auth`. */
const USER_INFO = /^[a-z][a-z\d+\-.]*:\/\/[^/?#]*@/i

/**
 * Protects an axios instance: requests to the configured resources get `Authorization`, and a CAE
 * claims challenge (or RFC 9470 step-up challenge) is answered with a fresh token and the request
 * sent again once, by the same adapter, with the data as transformed the first time. The replay
 * happens below the interceptor chains: response interceptors see one response per call.
 * Requests to other URLs, and requests that carry their own `Authorization` (or `auth`, or
 * credentials in the URL) when they are sent, are left alone.
 *
 * @param instance - The axios instance to protect (axios ≥ 1.6, browser or Node).
 * @param options - See `CaeOptions`: `tokenProvider`, `resources`, `strict`, `onEvent`, `logger`,
 *   `maxReplayBodyBytes`, `partitionKey`.
 * @returns A function that removes the interceptor again (requests already sent finish as they
 *   started).
 * Requests then reject with: the `AxiosError` axios throws for the replay when it is challenged
 * again (`error.response` is the second 401, `error.caeKit.claims` what it asks for);
 * `TokenAcquisitionError` (`ERR_CAE_TOKEN_ACQUISITION_FAILED`, `response` = the 401); the
 * provider's own `CaeError` unchanged (e.g. `ERR_CAE_INTERACTION_REQUIRED`);
 * `BodyNotReplayableError` (`ERR_CAE_BODY_NOT_REPLAYABLE`); axios' `CanceledError` when aborted.
 * @throws CaeOptionsError (`ERR_CAE_INVALID_OPTIONS`) for invalid options.
 * @example
 * ```ts
 * const api = axios.create({ baseURL: 'https://graph.microsoft.com/v1.0' })
 * const detach = attachCae(api, {
 *   tokenProvider,
 *   resources: [{ url: 'https://graph.microsoft.com', scopes: ['https://graph.microsoft.com/.default'] }],
 * })
 * const { data: me } = await api.get('/me')
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/app-resilience-continuous-access-evaluation
 */
export function attachCae(instance: AxiosInstance, options: CaeOptions): () => void {
  const engine = createCaeEngine(options)

  const describe =
    (config: Config): DescribeRequest =>
    () => ({
      headers: Object.entries(config.headers.toJSON(true)) as [string, string][],
      body: bodyForDescription(config.data),
      url: instance.getUri(config),
    })

  /**
   * Synchronous, and registered `{ synchronous: true }`: when every request interceptor is, axios
   * dispatches inline instead of chaining a promise per interceptor (about 1 µs a request). It
   * matches the resource (calling `partitionKey` in the caller's context) and wraps the adapter;
   * everything else happens in the send, on the config as dispatched.
   */
  function onRequest(config: Config): Config {
    // An interceptor may have replaced the headers with a plain object: axios accepts that.
    const headers = AxiosHeaders.from(config.headers)
    config.headers = headers
    const url = requestUrl(config)
    // Resource match first: nothing about tokens happens for a URL outside the resources.
    const exchange = engine.begin({
      url,
      method: config.method,
      signal: config.signal as AbortSignal | undefined,
    })
    if (!exchange) return config
    // A config cae-kit authorized before (a retry of `error.config`) is authorized afresh.
    if (config.caeKit?.exchange) headers.delete('Authorization')
    const adapter = config.adapter
    config.caeKit = { replay: false, exchange }
    // Always set: axios merges the instance's default adapter list into every config.
    const signal = config.signal
    config.adapter = (sent) =>
      // A later interceptor may have set the signal: the exchange must wait on that one.
      send(
        sent,
        sent.signal === signal
          ? exchange
          : (engine.begin({ url, method: sent.method, signal: sent.signal as AbortSignal }) ??
              exchange),
        adapter,
        url,
      )
    return config
  }

  /**
   * The send of a protected request: decides on the config as dispatched (after every request
   * interceptor and `transformRequest`), authorizes, sends, and answers one challenge by sending
   * the same config again with the new token.
   */
  async function send(
    sent: Config,
    exchange: CaeExchange,
    adapter: Config['adapter'],
    matched: string,
  ): Promise<AxiosResponse> {
    // `sent` becomes `response.config`: a retry made from it must find the caller's adapter.
    sent.adapter = adapter as never
    let sendOnce = getAdapter(adapter, sent) as Adapter & { adapterName?: string }
    // axios' fetch adapter (or a custom one) does not tell where a response came from: give it a
    // fetch that does. Not http and xhr, which tell it themselves (and it costs them ~3 µs).
    if (sendOnce.adapterName !== 'http' && sendOnce.adapterName !== 'xhr') {
      trackFetchRedirects(sent)
      sendOnce = getAdapter(adapter, sent)
    }
    // The caller's own credentials win, whichever interceptor set them; a URL an interceptor moved
    // out of the resource gets no token (parsed only when it changed: ~1 µs).
    const url = requestUrl(sent)
    if (
      sent.auth !== undefined ||
      sent.headers.has('Authorization') ||
      (url.includes('@') && USER_INFO.test(url)) ||
      (url !== matched && !exchange.covers(url))
    ) {
      sent.caeKit = { replay: false }
      return sendOnce(sent)
    }
    guardRedirects(sent, exchange)
    // Data a send would consume (streams) or re-encode (multipart forms) is kept first.
    // No await for what is already there (data axios re-reads, a cached token): each is a turn of
    // the microtask queue on the hot path.
    const kept = keepData(engine, sent)
    const replayable = kept === undefined || (await kept) !== false
    const authorization = exchange.authorize(describe(sent))
    sent.headers.set(
      'Authorization',
      typeof authorization === 'string' ? authorization : await authorization,
    )
    const first = await settle(sendOnce, sent)
    const challenge = detect(exchange, first.response)
    if (!challenge) return unwrap(first)
    // The challenged response is not returned: free its connection (responseType 'stream').
    const data = first.response?.data as { destroy?: () => void; cancel?: () => unknown } | null
    data?.destroy?.()
    ;(data?.cancel?.() as Promise<unknown> | undefined)?.catch?.(() => {})
    let next: string
    try {
      next = await exchange.answer(challenge, {
        response: first.response,
        request: sent,
        replayable,
        describe: describe(sent),
      })
    } catch (failure) {
      // An abort while waiting for a token rejects as axios itself would: with its CanceledError.
      const signal = sent.signal as AbortSignal | undefined
      throw signal?.aborted && failure === signal.reason
        ? new CanceledError(undefined, sent)
        : failure
    }
    sent.caeKit = { replay: true, exchange }
    sent.headers.set('Authorization', next)
    const second = await settle(sendOnce, sent)
    const again = detect(exchange, second.response)
    if (again && second.response) {
      exchange.unsatisfied(again, second.response)
      if (second.rejected) {
        ;(second.rejected.reason as AxiosErrorLike).caeKit = {
          code: 'ERR_CAE_CHALLENGE_AFTER_REPLAY',
          claims: again.claims,
          stepUp: again.stepUp,
          scopes: exchange.scopes,
        }
      }
    }
    return unwrap(second)
  }

  const requestId = instance.interceptors.request.use(onRequest, undefined, { synchronous: true })
  return () => instance.interceptors.request.eject(requestId)
}
