/**
 * `attachCae()`: axios interceptors over the cae-kit engine. They only translate axios configs
 * and responses; every decision (resources, tokens, single-flight, replay once) is the engine's.
 *
 * @module
 */

import {
  type CaeOptions,
  type CaeTransport,
  createCaeEngine,
  type RequestDescription,
  type SendAttempt,
  type UnsatisfiedReplay,
} from '@cae-kit/core'
import type { AxiosHeaders, AxiosInstance, AxiosResponse, InternalAxiosRequestConfig } from 'axios'
import { type AxiosCopy, copyResolver } from './axios-copy'
import type { CaeAxiosErrorInfo } from './cae-axios-error'
import { guardRedirects } from './http-redirects'
import { finalUrl, guardedFetch, RedirectChannel } from './redirect-channel'
import { dataForEngine, keepData } from './request-data'
import { requestUrl } from './request-url'

/** Per-request state cae-kit keeps under `config.caeKit` (one key, typed by augmentation). */
export interface CaeAxiosRequestState {
  /** `true` once the request was sent again after answering a challenge (seen on `response.config`). */
  readonly replay: boolean
  /** @internal `true` when cae-kit set the config's `Authorization` (a retry gets a fresh one). */
  readonly authorized?: boolean | undefined
}

// Only the request config is augmented: it is an interface in both of axios' typings. `AxiosError`
// is a type alias in its CommonJS typings (no interface merges with it): see `isCaeAxiosError`.
declare module 'axios' {
  // biome-ignore lint/suspicious/noExplicitAny: augmentation must repeat axios' own type parameters
  interface AxiosRequestConfig<D = any, P = any> {
    /** cae-kit's per-request state; set by `attachCae`, do not set it yourself. */
    caeKit?: CaeAxiosRequestState
  }
}

type Config = InternalAxiosRequestConfig
type AxiosErrorLike = { isAxiosError: true; response?: AxiosResponse; caeKit?: CaeAxiosErrorInfo }
type Adapter = ((config: Config) => Promise<AxiosResponse>) & { adapterName?: string }

/** `user:password@` in the URL: axios sends HTTP Basic for it, as for `auth`. */
const USER_INFO = /^[a-z][a-z\d+\-.]*:\/\/[^/?#]*@/i

/**
 * The `Authorization` the request carries on its own: its header, or HTTP Basic from `auth` or
 * credentials in the URL (the caller's opt-out; an empty `Bearer ` is none, see the engine).
 */
function ownAuthorization(config: Config, url: string): string | undefined {
  if (config.auth !== undefined || (url.includes('@') && USER_INFO.test(url))) return 'Basic auth'
  const value = config.headers.get('Authorization')
  return typeof value === 'string' ? value : undefined
}

/**
 * Removes `Authorization` from an `AxiosHeaders` (of any copy of axios: it keeps each header as an
 * own property under the name it was set with) or a plain record, whatever its case.
 */
function withoutAuthorization(headers: Record<string, unknown>): void {
  for (const name of Object.keys(headers)) {
    if (name.toLowerCase() === 'authorization') delete headers[name]
  }
}

/**
 * One dispatched axios request as a {@link CaeTransport}: sends the config with the instance's
 * own adapter, and tells the engine what an axios response or error holds.
 */
class AxiosTransport implements CaeTransport<AxiosResponse> {
  /** The config as dispatched (it becomes `response.config`). */
  readonly request: Config
  /** Data the engine keeps for a replay the way fetch needs it (see `dataForEngine`). */
  readonly body: unknown
  /** The protected instance (its `getUri`, for `describe`). */
  readonly #instance: AxiosInstance
  /** The instance's own copy of axios (its error classes). */
  readonly #axios: AxiosCopy
  readonly #sendOnce: Adapter
  readonly #maxBytes: number
  /** Node's http adapter (follow-redirects); otherwise fetch-like (xhr, fetch, custom). */
  readonly #viaHttp: boolean
  #channel: RedirectChannel | undefined

  constructor(
    config: Config,
    instance: AxiosInstance,
    axios: AxiosCopy,
    sendOnce: Adapter,
    maxBytes: number,
  ) {
    this.request = config
    this.#instance = instance
    this.#axios = axios
    this.#sendOnce = sendOnce
    this.#maxBytes = maxBytes
    this.#viaHttp = sendOnce.adapterName === 'http'
    this.body = dataForEngine(config, this.#viaHttp)
  }

  keepBody(): Promise<boolean> | undefined {
    return keepData(this.request, this.#maxBytes, this.#viaHttp)
  }

  send(authorization: string | undefined, attempt: SendAttempt): Promise<AxiosResponse> {
    const config = this.request
    const authorized = authorization !== undefined
    if (authorized) {
      if (!attempt.replay) this.#prepare(attempt)
      config.headers.set('Authorization', authorization)
    }
    config.caeKit = { replay: attempt.replay, authorized }
    return this.#sendOnce(config)
  }

  /** Before the first send: the kept body, and redirect guarding for the adapter at hand. */
  #prepare(attempt: SendAttempt): void {
    const config = this.request
    const kept = attempt.body
    if (kept !== undefined) {
      config.data = kept.body instanceof Uint8Array ? kept.body.buffer : kept.body
      if (kept.contentType) config.headers.set('Content-Type', kept.contentType)
    }
    if (this.#viaHttp) {
      guardRedirects(config, attempt)
    } else {
      // Read by the guarded fetch axios' fetch adapter calls (set in `env.fetch` at dispatch).
      this.#channel = new RedirectChannel(attempt, config.data)
      config.fetchOptions = { ...config.fetchOptions, caeKit: this.#channel }
    }
  }

  status(response: AxiosResponse): number {
    return response.status
  }

  /** axios' response headers are an `AxiosHeaders` (it has `get`). */
  headers(response: AxiosResponse): AxiosHeaders {
    return response.headers as AxiosHeaders
  }

  finalUrl(response: AxiosResponse): string | undefined {
    return finalUrl(response, this.#channel)
  }

  /** The response an `AxiosError` carries (HTTP errors), or `undefined` for any other failure. */
  resultOf(error: unknown): AxiosResponse | undefined {
    return (error as AxiosErrorLike | null)?.isAxiosError === true
      ? (error as AxiosErrorLike).response
      : undefined
  }

  /** The challenged response is not returned: free its connection (responseType 'stream'). */
  discard(response: AxiosResponse): void {
    const data = response.data as { destroy?: () => void; cancel?: () => unknown } | null
    data?.destroy?.()
    ;(data?.cancel?.() as Promise<unknown> | undefined)?.catch?.(() => {})
  }

  /** The data as dispatched: `transformRequest` already made text of plain objects. */
  describe(): RequestDescription {
    const config = this.request
    return {
      headers: Object.entries(config.headers.toJSON(true)) as [string, string][],
      body: config.data,
      url: this.#instance.getUri(config),
    }
  }

  /** The replay was challenged again: axios' own error for it, carrying `caeKit` (see `isCaeAxiosError`). */
  unsatisfied({ result, rejection, ...info }: UnsatisfiedReplay<AxiosResponse>): AxiosResponse {
    if (rejection === undefined) return result
    const error = rejection.reason as AxiosErrorLike
    error.caeKit = info
    throw error
  }

  /** An abort while waiting for a token rejects as axios itself would: with its CanceledError. */
  aborted(): unknown {
    return new this.#axios.CanceledError(undefined, this.request)
  }

  /** axios' `timeout` covers the wait for a token too, and fails as axios' own timeout does. */
  timedOut(): unknown {
    const config = this.request
    const message = config.timeoutErrorMessage ?? `timeout of ${config.timeout}ms exceeded`
    const { AxiosError } = this.#axios
    const code = config.transitional?.clarifyTimeoutError
      ? AxiosError.ETIMEDOUT
      : AxiosError.ECONNABORTED
    return new AxiosError(message, code, config)
  }
}

/**
 * Protects an axios instance: requests to the configured resources get `Authorization`, and a CAE
 * claims challenge (or RFC 9470 step-up challenge) is answered with a fresh token and the request
 * sent again once, by the same adapter, with the data as transformed the first time. The replay
 * happens below the interceptor chains: response interceptors see one response per call.
 * Requests to other URLs, and requests that carry their own `Authorization` (or `auth`, or
 * credentials in the URL) when they are sent, are left alone (an empty `Bearer ` is no opt-out).
 * axios' `timeout` covers the wait for a token (an open sign-in prompt suspends it).
 *
 * @param instance - The axios instance to protect (axios ≥ 1.12, browser or Node).
 * @param options - See `CaeOptions`: `tokenProvider`, `resources`, `strict`, `onEvent`, `logger`,
 *   `maxReplayBodyBytes`, `partitionKey`, `acquisitionTimeoutMs`, `coordinator`.
 * @returns A function that removes the interceptor again (requests already sent finish as they
 *   started).
 * Requests then reject with: the `AxiosError` axios throws for the replay when it is challenged
 * again (`isCaeAxiosError(error)` narrows it: `error.response` is the second 401,
 * `error.caeKit.claims` what it asks for);
 * `TokenAcquisitionError` (`ERR_CAE_TOKEN_ACQUISITION_FAILED`, `response` = the 401); the
 * provider's own `CaeError` unchanged (e.g. `ERR_CAE_INTERACTION_REQUIRED`);
 * `BodyNotReplayableError` (`ERR_CAE_BODY_NOT_REPLAYABLE`); axios' `CanceledError` when aborted;
 * axios' timeout `AxiosError` (`ECONNABORTED`, or `ETIMEDOUT`) when `timeout` passes.
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
  const copyOf = copyResolver(instance)
  /** One guarded fetch per underlying fetch: axios caches its fetch adapter per `env.fetch`. */
  const guarded = new Map<typeof fetch, typeof fetch>()
  const guards = new WeakSet<typeof fetch>()

  /**
   * axios' fetch adapter (axios ≥ 1.12 reads `config.env.fetch`) and custom adapters: a fetch
   * that follows redirects within the resource and says where the response came from.
   */
  function useGuardedFetch(config: Config): void {
    const env = config.env as { fetch?: typeof fetch } | undefined
    const base = env?.fetch ?? globalThis.fetch
    if (typeof base !== 'function' || guards.has(base)) return
    let fetch = guarded.get(base)
    if (fetch === undefined) {
      fetch = guardedFetch(base)
      guarded.set(base, fetch)
      guards.add(fetch)
    }
    config.env = { ...env, fetch }
  }

  /**
   * Synchronous, and registered `{ synchronous: true }`: when every request interceptor is, axios
   * dispatches inline instead of chaining a promise per interceptor (about 1 µs a request). It
   * only wraps the adapter; everything else happens at dispatch, on the config as dispatched.
   */
  function onRequest(config: Config): Config {
    // A config cae-kit authorized before (a retry of `error.config`) is authorized afresh. The
    // headers are the instance's `AxiosHeaders`, or a plain object an interceptor put there.
    if (config.caeKit?.authorized) withoutAuthorization(config.headers as Record<string, unknown>)
    const adapter = config.adapter
    config.caeKit = { replay: false }
    // Always set: axios merges the instance's default adapter list into every config.
    config.adapter = (sent) => dispatch(sent, adapter)
    return config
  }

  /** Runs the request through the engine, on the config as dispatched. */
  function dispatch(sent: Config, adapter: Config['adapter']): Promise<AxiosResponse> {
    // `sent` becomes `response.config`: a retry made from it must find the caller's adapter.
    sent.adapter = adapter as never
    // Resolved by the instance's own copy of axios: axios' dispatch made `sent.headers` with it.
    const axios = copyOf(sent.headers)
    let sendOnce = axios.getAdapter(adapter, sent) as Adapter
    if (sendOnce.adapterName !== 'http' && sendOnce.adapterName !== 'xhr') {
      useGuardedFetch(sent)
      sendOnce = axios.getAdapter(adapter, sent) as Adapter
    }
    const url = requestUrl(sent)
    const transport = new AxiosTransport(sent, instance, axios, sendOnce, engine.maxReplayBodyBytes)
    return engine.execute(
      {
        url,
        method: sent.method,
        signal: sent.signal as AbortSignal | undefined,
        authorization: ownAuthorization(sent, url),
        timeoutMs: sent.timeout,
      },
      transport,
    )
  }

  const requestId = instance.interceptors.request.use(onRequest, undefined, { synchronous: true })
  return () => instance.interceptors.request.eject(requestId)
}
