/**
 * The transport of a dispatched request in Node: axios' http adapter (follow-redirects, Node
 * streams and `form-data` package forms) besides the fetch-like adapters. Browser builds use
 * `transport.browser.ts`, so none of this reaches a browser bundle.
 *
 * @module
 */

import type { SendAttempt } from '@cae-kit/core'
import type { AxiosInstance, AxiosResponse } from 'axios'
import type { AxiosCopy } from './axios-copy'
import { type AdapterConfig, AxiosTransport, type ResolvedAdapter } from './axios-transport'
import { guardRedirects } from './http-redirects'
import { isReadableLike } from './readable-like'
import { keepData } from './request-data'

/** {@link AxiosTransport} with Node's request data and the http adapter's redirects. */
class NodeTransport extends AxiosTransport {
  readonly #maxBytes: number
  /** Node's http adapter (follow-redirects); otherwise fetch-like (xhr, fetch, custom). */
  readonly #viaHttp: boolean

  constructor(
    config: AdapterConfig,
    instance: AxiosInstance,
    axios: AxiosCopy,
    sendOnce: ResolvedAdapter,
    maxBytes: number,
  ) {
    super(config, instance, axios, sendOnce)
    this.#maxBytes = maxBytes
    this.#viaHttp = sendOnce.adapterName === 'http'
  }

  /**
   * Also, for adapters other than http (axios' fetch adapter), a Node `Readable`: read up to the
   * limit, or sent as a fresh web stream of what was read and the rest, never the disturbed
   * original.
   */
  override get body(): unknown {
    const { data } = this.request
    return super.body ?? (!this.#viaHttp && isReadableLike(data) ? data : undefined)
  }

  keepBody(): Promise<boolean> | undefined {
    return keepData(this.request, this.#maxBytes, this.#viaHttp)
  }

  /** The http adapter's response says where follow-redirects ended (`request.res.responseUrl`). */
  override finalUrl(response: AxiosResponse): string | undefined {
    const url = (response.request as { res?: { responseUrl?: unknown } } | undefined)?.res
      ?.responseUrl
    return typeof url === 'string' && url !== '' ? url : super.finalUrl(response)
  }

  /** The http adapter's responseType 'stream' is a Node stream: destroying it frees the socket. */
  override discard(response: AxiosResponse): void {
    ;(response.data as { destroy?: () => void } | null)?.destroy?.()
    super.discard(response)
  }

  protected override guardRedirects(attempt: SendAttempt): void {
    if (this.#viaHttp) guardRedirects(this.request, attempt)
    else super.guardRedirects(attempt)
  }
}

/**
 * The transport class for dispatched requests, constructed with: the config as dispatched (it
 * becomes `response.config`), the protected instance (its `getUri`, for `describe`), the
 * instance's own copy of axios, the adapter that sends the config once, and the engine's
 * `maxReplayBodyBytes` (what Node request data is read up to).
 */
export const Transport: new (
  config: AdapterConfig,
  instance: AxiosInstance,
  axios: AxiosCopy,
  sendOnce: ResolvedAdapter,
  maxBytes: number,
) => AxiosTransport = NodeTransport
