/**
 * One dispatched axios request as the engine's transport, as every runtime has it: adapters that
 * read the data anew on each send and follow redirects the fetch way (xhr, fetch, custom). Node
 * builds extend it for the http adapter and Node request data (`transport.ts`).
 *
 * @module
 */

import type {
  CaeTransport,
  RequestDescription,
  SendAttempt,
  UnsatisfiedReplay,
} from '@cae-kit/core'
import type { AxiosHeaders, AxiosInstance, AxiosResponse, InternalAxiosRequestConfig } from 'axios'
import type { AxiosCopy } from './axios-copy'
import type { CaeAxiosErrorInfo } from './cae-axios-error'
import { fetchWithinResource } from './fetch-within-resource'
import { useGuardedFetch } from './guarded-fetch'

/** The config axios hands its adapter. */
export type AdapterConfig = InternalAxiosRequestConfig
/** An adapter as `getAdapter` resolves it (its `adapterName` when it is one of axios' own). */
export type ResolvedAdapter = ((config: AdapterConfig) => Promise<AxiosResponse>) & {
  adapterName?: string
}
type AxiosErrorLike = { isAxiosError: true; response?: AxiosResponse; caeKit?: CaeAxiosErrorInfo }

/**
 * One dispatched axios request as a {@link CaeTransport}: sends the config with the instance's
 * own adapter, and tells the engine what an axios response or error holds. An abort while waiting
 * for a token rejects with the signal's reason, which axios' dispatch turns into its own
 * `CanceledError` (of the instance's copy), as for any adapter failure once the signal is aborted.
 */
export class AxiosTransport implements CaeTransport<AxiosResponse> {
  /** The config as dispatched (it becomes `response.config`). */
  readonly request: AdapterConfig
  /** The protected instance (its `getUri`, for `describe`). */
  readonly #instance: AxiosInstance
  /** The instance's own copy of axios (its error classes). */
  readonly #axios: AxiosCopy
  /** The adapter that sends the config once (resolved again over a guarded fetch). */
  #sendOnce: ResolvedAdapter
  /** Where the guarded fetch's last response came from (axios' fetch adapter). */
  #finalUrl: string | undefined

  /**
   * @param config - The config as dispatched.
   * @param instance - The protected instance.
   * @param axios - The instance's own copy of axios.
   * @param sendOnce - The adapter that sends the config once.
   */
  constructor(
    config: AdapterConfig,
    instance: AxiosInstance,
    axios: AxiosCopy,
    sendOnce: ResolvedAdapter,
  ) {
    this.request = config
    this.#instance = instance
    this.#axios = axios
    this.#sendOnce = sendOnce
  }

  /**
   * Data the engine keeps for a replay (see `CaeTransport.body`): a web stream, or a spec
   * `FormData` (axios' adapters send it as multipart whatever Content-Type the config holds;
   * `transformRequest` already turned it into JSON when that was asked for), serialised once so
   * both sends carry the same bytes and boundary. Anything else the adapters read anew on every
   * send.
   */
  get body(): unknown {
    const data = this.request.data
    return typeof data?.getReader === 'function' || data instanceof FormData ? data : undefined
  }

  send(authorization: string | undefined, attempt: SendAttempt): Promise<AxiosResponse> {
    const config = this.request
    const authorized = authorization !== undefined
    if (authorized) {
      // Before the first send: the body the engine kept, and redirect guarding.
      const kept = attempt.body
      if (!attempt.replay) {
        if (kept) {
          config.data = kept.body instanceof Uint8Array ? kept.body.buffer : kept.body
          if (kept.contentType) config.headers.set('Content-Type', kept.contentType)
        }
        this.guardRedirects(attempt)
      }
      config.headers.set('Authorization', authorization)
    }
    config.caeKit = { replay: attempt.replay, authorized }
    return this.#sendOnce(config)
  }

  /**
   * xhr follows redirects on its own, and says where it ended (`responseURL`). axios' fetch adapter
   * (and a custom adapter that uses `config.env.fetch`) is resolved again over a guarded fetch,
   * which sends each request within its resource (see `useGuardedFetch`).
   */
  protected guardRedirects(attempt: SendAttempt): void {
    const config = this.request
    if (this.#sendOnce.adapterName === 'xhr') return
    const body = config.data
    // `body` is the data sent, for a 307/308 hop that resends it.
    useGuardedFetch(config, (fetch, input, init) =>
      fetchWithinResource(fetch, input, init, attempt, body).then((response) => {
        this.#finalUrl = response.url || undefined
        return response
      }),
    )
    this.#sendOnce = this.#axios.getAdapter(config.adapter, config) as ResolvedAdapter
  }

  status(response: AxiosResponse): number {
    return response.status
  }

  /** axios' response headers are an `AxiosHeaders` (it has `get`). */
  headers(response: AxiosResponse): AxiosHeaders {
    return response.headers as AxiosHeaders
  }

  /**
   * Where the response came from after redirects: XHR's `responseURL` (a string, `''` when it does
   * not know), or the guarded fetch's.
   */
  finalUrl(response: AxiosResponse): string | undefined {
    return (response.request as { responseURL?: string } | undefined)?.responseURL || this.#finalUrl
  }

  /** The response an `AxiosError` carries (HTTP errors), or `undefined` for any other failure. */
  resultOf(error: unknown): AxiosResponse | undefined {
    return (error as AxiosErrorLike | null)?.isAxiosError
      ? (error as AxiosErrorLike).response
      : undefined
  }

  /** The challenged response is not returned: free its connection (a web stream, responseType 'stream'). */
  discard(response: AxiosResponse): void {
    const data = response.data as { cancel?: () => unknown } | null
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
    if (!rejection) return result
    const error = rejection.reason as AxiosErrorLike
    error.caeKit = info
    throw error
  }

  /** axios' `timeout` covers the wait for a token too, and fails as axios' own timeout does. */
  timedOut(): unknown {
    const config = this.request
    return new this.#axios.AxiosError(
      config.timeoutErrorMessage ?? `timeout of ${config.timeout}ms exceeded`,
      config.transitional?.clarifyTimeoutError ? 'ETIMEDOUT' : 'ECONNABORTED',
      config,
    )
  }
}
