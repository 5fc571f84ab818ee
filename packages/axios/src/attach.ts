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
  type InternalAxiosRequestConfig,
} from 'axios'
import { finalUrl, guardRedirects } from './redirects'
import {
  bodyForDescription,
  canKeepStream,
  isMultipartForm,
  isStreamLike,
  keepData,
} from './request-data'
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

function isAxiosErrorLike(error: unknown): error is AxiosErrorLike {
  return (error as { isAxiosError?: unknown } | null)?.isAxiosError === true
}

/** Looks for a challenge; axios' response headers are an `AxiosHeaders` (it has `get`). */
function detect(exchange: CaeExchange, response: AxiosResponse) {
  return exchange.detect(
    response as unknown as Parameters<CaeExchange['detect']>[0],
    finalUrl(response),
  )
}

/** An abort while waiting for a token rejects as axios itself would: with its CanceledError. */
function translate(config: Config, error: unknown): unknown {
  const signal = config.signal as AbortSignal | undefined
  return signal?.aborted && error === signal.reason ? new CanceledError(undefined, config) : error
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

  async function authorizeWithData(
    config: Config,
    exchange: CaeExchange,
    keep = true,
  ): Promise<Config> {
    const replayable = keep && (await keepData(engine, config))
    config.caeKit = { replay: false, exchange, replayable }
    try {
      config.headers.set('Authorization', await exchange.authorize(describe(config)))
    } catch (error) {
      throw translate(config, error)
    }
    return config
  }

  function onRequest(config: Config): Config | Promise<Config> {
    const state = config.caeKit
    if (state?.replay) return config
    // Resource match first: nothing about tokens happens for a URL outside the resources.
    const exchange = engine.begin({
      url: requestUrl(config),
      method: config.method,
      signal: config.signal as AbortSignal | undefined,
    })
    if (exchange === undefined) return config
    // The caller's own Authorization (or `auth`) wins: that request is left alone. A config that
    // already has state was authorized by cae-kit (a retry of it): it is authorized afresh.
    if (state === undefined && (config.auth !== undefined || config.headers.has('Authorization'))) {
      return config
    }
    guardRedirects(config, exchange)
    const { data } = config
    if (isStreamLike(data)) {
      // A stream that cannot be read ahead and put back (e.g. the `form-data` package) is sent
      // as it is; if challenged, the request fails with BodyNotReplayableError.
      return authorizeWithData(config, exchange, canKeepStream(data))
    }
    if (isMultipartForm(config)) return authorizeWithData(config, exchange)
    config.caeKit = { replay: false, exchange }
    const authorization = exchange.authorize(describe(config))
    if (typeof authorization === 'string') {
      config.headers.set('Authorization', authorization)
      return config
    }
    return authorization.then(
      (value) => {
        config.headers.set('Authorization', value)
        return config
      },
      (error: unknown) => {
        throw translate(config, error)
      },
    )
  }

  async function answer(
    response: AxiosResponse,
    state: CaeAxiosRequestState & { exchange: CaeExchange },
    error: unknown,
  ): Promise<AxiosResponse> {
    const { exchange } = state
    const config = response.config
    const challenge = detect(exchange, response)
    if (challenge === undefined) {
      if (error !== undefined) throw error
      return response
    }
    let authorization: string
    try {
      authorization = await exchange.answer(challenge, {
        response,
        request: config,
        replayable: state.replayable !== false,
        describe: describe(config),
      })
    } catch (failure) {
      throw translate(config, failure)
    }
    // config.data is already transformed (dispatchRequest stores the result on the config), so
    // the replay sends it as is: transforms run once, the bytes are the same.
    const replay = {
      ...config,
      headers: config.headers.concat().set('Authorization', authorization),
      transformRequest: [(data: unknown) => data],
      caeKit: { replay: true },
    }
    try {
      const second = await instance.request(replay)
      const again = detect(exchange, second)
      if (again !== undefined) exchange.unsatisfied(again, second)
      return second
    } catch (replayError) {
      const second = isAxiosErrorLike(replayError) ? replayError.response : undefined
      const again = second === undefined ? undefined : detect(exchange, second)
      if (again !== undefined && second !== undefined) {
        exchange.unsatisfied(again, second)
        ;(replayError as AxiosErrorLike).caeKit = {
          code: 'ERR_CAE_CHALLENGE_AFTER_REPLAY',
          claims: again.claims,
          stepUp: again.stepUp,
          scopes: exchange.scopes,
        }
      }
      throw replayError
    }
  }

  function onFulfilled(response: AxiosResponse): AxiosResponse | Promise<AxiosResponse> {
    // A 401 resolves only when validateStatus accepts it; it is answered all the same.
    if (response.status !== 401) return response
    const state = response.config?.caeKit
    if (state?.exchange === undefined || state.replay) return response
    return answer(response, { ...state, exchange: state.exchange }, undefined)
  }

  function onRejected(error: unknown): Promise<AxiosResponse> {
    const response = isAxiosErrorLike(error) ? error.response : undefined
    const state = response?.config?.caeKit
    if (response?.status !== 401 || state?.exchange === undefined || state.replay) {
      return Promise.reject(error)
    }
    return answer(response, { ...state, exchange: state.exchange }, error)
  }

  const requestId = instance.interceptors.request.use(onRequest)
  const responseId = instance.interceptors.response.use(onFulfilled, onRejected)
  return () => {
    instance.interceptors.request.eject(requestId)
    instance.interceptors.response.eject(responseId)
  }
}
