/**
 * `attachCae()`: axios interceptors over the cae-kit engine. They only translate axios configs
 * and responses; every decision (resources, tokens, single-flight, replay once) is the engine's.
 *
 * @module
 */

import { type CaeOptions, createCaeEngine } from '@cae-kit/core'
import type { AxiosInstance, AxiosResponse } from 'axios'
import { ownAuthorization, withoutAuthorization } from './authorization'
import { copyResolver } from './axios-copy'
import type { AdapterConfig, ResolvedAdapter } from './axios-transport'
import { requestUrl } from './request-url'
import { Transport } from './transport'

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
  /**
   * Synchronous, and registered `{ synchronous: true }`: when every request interceptor is, axios
   * dispatches inline instead of chaining a promise per interceptor (about 1 µs a request). It
   * only wraps the adapter; everything else happens at dispatch, on the config as dispatched.
   */
  function onRequest(config: AdapterConfig): AdapterConfig {
    // A config cae-kit authorized before (a retry of `error.config`) is authorized afresh. The
    // headers are the instance's `AxiosHeaders`, or a plain object an interceptor put there.
    if (config.caeKit?.authorized) withoutAuthorization(config.headers)
    const adapter = config.adapter
    config.caeKit = { replay: false }
    // Always set: axios merges the instance's default adapter list into every config. At
    // dispatch, the request runs through the engine, on the config as dispatched (`sent`).
    config.adapter = (sent): Promise<AxiosResponse> => {
      // `sent` becomes `response.config`: a retry made from it must find the caller's adapter.
      sent.adapter = adapter as never
      // Resolved by the instance's own copy of axios: axios' dispatch made `sent.headers` with it.
      const axios = copyOf(sent.headers)
      const sendOnce = axios.getAdapter(adapter, sent) as ResolvedAdapter
      const url = requestUrl(sent)
      const transport = new Transport(sent, instance, axios, sendOnce, engine.maxReplayBodyBytes)
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
    return config
  }

  const requestId = instance.interceptors.request.use(onRequest, undefined, { synchronous: true })
  return () => instance.interceptors.request.eject(requestId)
}
