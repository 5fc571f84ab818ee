/**
 * Request data, seen from axios: which data a send would consume or re-encode, and how it is kept
 * for a replay.
 *
 * @module
 */

import type { CaeEngine } from '@cae-kit/core'
import type { InternalAxiosRequestConfig } from 'axios'
import { bufferReadable, isReadableLike } from './stream-body'

function isWebStream(data: unknown): boolean {
  return typeof (data as ReadableStream | null)?.getReader === 'function'
}

/** A Node stream (anything axios pipes) or a web stream: consumed by the first send. */
export function isStreamLike(data: unknown): boolean {
  return typeof (data as { pipe?: unknown } | null)?.pipe === 'function' || isWebStream(data)
}

/** A stream cae-kit can read ahead (and put back): a Node `Readable` or a web stream. */
export function canKeepStream(data: unknown): boolean {
  return isReadableLike(data) || isWebStream(data)
}

/**
 * A spec `FormData` that axios will send as multipart (no Content-Type, or multipart). With a
 * JSON or urlencoded Content-Type axios converts the form itself, so it is left to axios.
 */
export function isMultipartForm(config: InternalAxiosRequestConfig): boolean {
  if (typeof FormData !== 'function' || !(config.data instanceof FormData)) return false
  const type = config.headers.getContentType()
  return !type || /^multipart\/form-data/i.test(String(type))
}

/**
 * Keeps data that a send would consume or re-encode: a Node stream or web stream is read up to
 * `maxReplayBodyBytes`; a multipart `FormData` is serialised once so both sends carry the same
 * bytes and boundary. Returns `false` when the data cannot be replayed.
 */
export async function keepData(
  engine: CaeEngine,
  config: InternalAxiosRequestConfig,
): Promise<boolean> {
  const { data } = config
  if (isReadableLike(data)) {
    const bytes = await bufferReadable(data, engine.maxReplayBodyBytes)
    if (bytes === undefined) return false
    config.data = bytes
    return true
  }
  const prepared = await engine.prepareBody(data)
  config.data = prepared.body instanceof Uint8Array ? prepared.body.buffer : prepared.body
  if (prepared.contentType !== undefined) config.headers.set('Content-Type', prepared.contentType)
  return prepared.replayable
}

/** The data as text for a `PendingRequest`: plain objects and arrays as the JSON axios sends. */
export function bodyForDescription(data: unknown): unknown {
  if (typeof data !== 'object' || data === null) return data
  const prototype = Object.getPrototypeOf(data)
  return prototype === Object.prototype || prototype === null || Array.isArray(data)
    ? JSON.stringify(data)
    : data
}
