/**
 * Request data, seen from axios: which data a send would consume or re-encode, and how it is kept
 * for a replay.
 *
 * @module
 */

import type { CaeEngine } from '@cae-kit/core'
import type { InternalAxiosRequestConfig } from 'axios'
import { bufferReadable, isReadableLike } from './stream-body'

/**
 * A spec `FormData` that axios will send as multipart (no Content-Type, or multipart). With a
 * JSON or urlencoded Content-Type axios converts the form itself, so it is left to axios.
 */
function isMultipartForm(config: InternalAxiosRequestConfig): boolean {
  if (typeof FormData !== 'function' || !(config.data instanceof FormData)) return false
  const type = config.headers.getContentType()
  return !type || /^multipart\/form-data/i.test(String(type))
}

/**
 * Keeps data that a send would consume or re-encode, before the first send: a Node `Readable` or
 * a web stream is read up to `maxReplayBodyBytes`; a multipart `FormData` is serialised once so
 * both sends carry the same bytes and boundary. Resolves `false` when the data cannot be replayed
 * (a stream over the limit, or one that cannot be read ahead and put back, such as the `form-data`
 * package: sent as it is). Returns `undefined` for data axios re-reads on every send.
 */
export function keepData(
  engine: CaeEngine,
  config: InternalAxiosRequestConfig,
): Promise<boolean> | undefined {
  const { data } = config
  if (isReadableLike(data)) {
    return bufferReadable(data, engine.maxReplayBodyBytes).then((bytes) => {
      if (bytes) config.data = bytes
      return !!bytes
    })
  }
  if (typeof data?.pipe === 'function') return Promise.resolve(false)
  if (typeof data?.getReader !== 'function' && !isMultipartForm(config)) return undefined
  return engine.prepareBody(data).then(({ body, contentType, replayable }) => {
    config.data = body instanceof Uint8Array ? body.buffer : body
    if (contentType) config.headers.set('Content-Type', contentType)
    return replayable
  })
}

/** The data as text for a `PendingRequest`: plain objects and arrays as the JSON axios sends. */
export function bodyForDescription(data: unknown): unknown {
  if (typeof data !== 'object' || data === null) return data
  const prototype = Object.getPrototypeOf(data)
  return prototype === Object.prototype || prototype === null || Array.isArray(data)
    ? JSON.stringify(data)
    : data
}
