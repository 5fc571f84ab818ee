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
  type AxiosInstance,
  type AxiosResponse,
  CanceledError,
  getAdapter,
  type InternalAxiosRequestConfig,
} from 'axios'
import { finalUrl, guardRedirects } from './redirects'
import { bodyForDescription, keepData } from './request-data'
import { requestUrl } from './request-url'

/** Per-request state cae-kit keeps under `config.caeKit` (one key, typed by augmentation). */
export interface CaeAxiosRequestState {
  /** `true` on the one replay sent after answering a challenge: a replay is never answered again. */
  readonly replay: boolean
  /** @internal The engine exchange of this request (methods only: nothing secret serialises). */
  readonly exchange?: CaeExchange | undefined
  /** @internal `false` when the data was a stream too large to keep for a replay. */
  readonly replayable?: boolean | undefined
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

/** The response an `AxiosError` carries (HTTP errors), or `undefined` for any other failure. */
function responseOf(error: unknown): AxiosResponse | undefined {
  return (error as AxiosErrorLike | null)?.isAxiosError === true
    ? (error as AxiosErrorLike).response
    : undefined
}

/** Looks for a challenge; axios' response headers are an `AxiosHeaders` (it has `get`). */
function detect(exchange: CaeExchange, response: AxiosResponse) {
  return exchange.detect(response as never, finalUrl(response))
}

/** A response to answer: a 401 to a first send that cae-kit authorized. */
function isChallenged(response: AxiosResponse | undefined): response is AxiosResponse {
  const state = response?.config?.caeKit
  return response?.status === 401 && !!state?.exchange && !state.replay
}

/**
 * Protects an axios instance: requests to the configured resources get `Authorization`, and a CAE
 * claims challenge (or RFC 9470 step-up challenge) is answered with a fresh token and the request
 * replayed once, through the same instance, with its data as transformed the first time.
 * Requests to other URLs, and requests that already carry `Authorization` (or `auth`), are left
 * alone.
 *
 * @param instance - The axios instance to protect (axios ≥ 1.6, browser or Node).
 * @param options - See `CaeOptions`: `tokenProvider`, `resources`, `strict`, `onEvent`, `logger`,
 *   `maxReplayBodyBytes`.
 * @returns A function that removes the interceptors again.
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
   * dispatches inline instead of chaining a promise per interceptor (about 1 µs a request). With
   * a cached token the header is set here; anything asynchronous is deferred into the send.
   */
  function onRequest(config: Config): Config {
    const state = config.caeKit
    if (state?.replay) return config
    // Resource match first: nothing about tokens happens for a URL outside the resources.
    const exchange = engine.begin({
      url: requestUrl(config),
      method: config.method,
      signal: config.signal as AbortSignal | undefined,
    })
    // The caller's own Authorization (or `auth`) wins: that request is left alone. A config that
    // already has state was authorized by cae-kit (a retry of it): it is authorized afresh.
    if (
      !exchange ||
      (!state && (config.auth !== undefined || config.headers.has('Authorization')))
    ) {
      return config
    }
    guardRedirects(config, exchange)
    // Data a send would consume (streams) or re-encode (multipart forms) is kept first.
    const kept = keepData(engine, config)
    config.caeKit = { replay: false, exchange }
    const authorization = kept
      ? kept.then(() => exchange.authorize(describe(config)))
      : exchange.authorize(describe(config))
    if (typeof authorization === 'string') {
      config.headers.set('Authorization', authorization)
      return config
    }
    // The rest moves into the send: the config's adapter is wrapped for this one request. A send
    // that never happens (a later interceptor threw, an abort) must not leave a rejection
    // unhandled. Rejections need no translating: once the signal is aborted axios rejects with
    // its CanceledError for any adapter error, and passes every other error on unchanged.
    authorization.catch(() => {})
    // Always set: axios merges the instance's default adapter list into every config.
    const adapter = config.adapter
    config.adapter = async (sent) => {
      // `sent`, the dispatched copy of `config`, becomes `response.config`: a replay made from it
      // must find the caller's adapter, not this one.
      sent.adapter = adapter as never
      sent.headers.set('Authorization', await authorization)
      if (kept) {
        // keepData replaced `config.data` after axios copied the config (the headers it set, a
        // multipart boundary, are one object the copy shares).
        sent.data = config.data
        sent.caeKit = { replay: false, exchange, replayable: await kept }
      }
      return getAdapter(adapter, sent)(sent)
    }
    return config
  }

  async function answer(
    response: AxiosResponse,
    error?: { rejected: unknown },
  ): Promise<AxiosResponse> {
    const config = response.config
    const { exchange, replayable } = config.caeKit as CaeAxiosRequestState & {
      exchange: CaeExchange
    }
    const challenge = detect(exchange, response)
    if (!challenge) {
      if (error) throw error.rejected
      return response
    }
    let authorization: string
    try {
      authorization = await exchange.answer(challenge, {
        response,
        request: config,
        replayable: replayable !== false,
        describe: describe(config),
      })
    } catch (failure) {
      // An abort while waiting for a token rejects as axios itself would: with its CanceledError.
      const signal = config.signal as AbortSignal | undefined
      throw signal?.aborted && failure === signal.reason
        ? new CanceledError(undefined, config)
        : failure
    }
    // config.data is already transformed (dispatchRequest stores the result on the config), so
    // the replay sends it as is: transforms run once, the bytes are the same.
    const replay = {
      ...config,
      headers: config.headers.concat().set('Authorization', authorization),
      transformRequest: [(data: unknown) => data],
      caeKit: { replay: true },
    }
    let second: AxiosResponse | undefined
    let failed: { rejected: unknown } | undefined
    try {
      second = await instance.request(replay)
    } catch (rejected) {
      failed = { rejected }
      second = responseOf(rejected)
    }
    const again = second && detect(exchange, second)
    if (second && again) {
      exchange.unsatisfied(again, second)
      if (failed) {
        ;(failed.rejected as AxiosErrorLike).caeKit = {
          code: 'ERR_CAE_CHALLENGE_AFTER_REPLAY',
          claims: again.claims,
          stepUp: again.stepUp,
          scopes: exchange.scopes,
        }
      }
    }
    if (failed) throw failed.rejected
    return second as AxiosResponse
  }

  const requestId = instance.interceptors.request.use(onRequest, undefined, { synchronous: true })
  const responseId = instance.interceptors.response.use(
    // A 401 resolves only when validateStatus accepts it; it is answered all the same.
    (response) => (isChallenged(response) ? answer(response) : response),
    (error: unknown) => {
      const response = responseOf(error)
      if (isChallenged(response)) return answer(response, { rejected: error })
      throw error
    },
  )
  return () => {
    instance.interceptors.request.eject(requestId)
    instance.interceptors.response.eject(responseId)
  }
}
