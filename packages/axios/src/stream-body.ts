/**
 * Node `Readable` request data kept for a replay. axios' Node adapter pipes a stream into the
 * request, which consumes it; a protected request's stream is therefore read into memory first,
 * up to `maxReplayBodyBytes`. Only Node builds use it (browsers have no Node streams).
 *
 * @module
 */

import type { InternalAxiosRequestConfig } from 'axios'
import { isReadableLike, type ReadableLike } from './readable-like'

const encoder = /* @__PURE__ */ new TextEncoder()

function byteLength(chunk: unknown): number {
  if (typeof chunk === 'string') return encoder.encode(chunk).byteLength
  if (ArrayBuffer.isView(chunk)) return chunk.byteLength
  throw new TypeError('request data stream yielded a chunk that is not bytes or text')
}

/** When reading ahead gives up: the request's signal, and axios' `timeout`. */
interface ReadAheadLimits {
  signal?: AbortSignal | undefined
  /** Milliseconds; 0 or absent for none. */
  timeoutMs?: number | undefined
}

/**
 * Reads `stream` to its end if it holds at most `maxBytes`, and returns its bytes as an exactly
 * sized `ArrayBuffer` (which axios sends as is, on the first send and on the replay). A longer
 * stream is left as it was, nothing lost: what was read is pushed back with `unshift()` and the
 * stream is paused, so axios pipes it whole; the result is then `undefined` (not replayable).
 * The same happens when `limits.signal` aborts or `limits.timeoutMs` passes first (a stalled
 * producer): axios then applies its own abort and timeout to the stream, as without cae-kit.
 * Until axios pipes it, an error of the stream is kept from becoming an uncaught exception.
 */
function bufferReadable(
  stream: ReadableLike,
  maxBytes: number,
  limits: ReadAheadLimits = {},
): Promise<ArrayBuffer | undefined> {
  // An ended stream has nothing left: axios would send it as an empty body. A destroyed one can
  // neither be read nor replayed: axios gets it as it is.
  if (stream.readableEnded) return Promise.resolve(new ArrayBuffer(0))
  if (stream.destroyed) return Promise.resolve(undefined)
  const { signal, timeoutMs } = limits
  return new Promise((resolve, reject) => {
    const chunks: BlobPart[] = []
    let size = 0
    /** Gives the stream back as it was (what was read pushed back, paused): not replayable. */
    const giveBack = () => {
      stream.pause()
      off()
      for (let i = chunks.length - 1; i >= 0; i--) stream.unshift(chunks[i])
      // Until axios pipes it (after the token is there), an error must not crash the process;
      // axios' pipe then meets the failed stream and rejects the request.
      stream.on('error', () => {})
      resolve(undefined)
    }
    const timer = timeoutMs ? setTimeout(giveBack, timeoutMs) : undefined
    const listeners: Record<string, (value: unknown) => void> = {
      data(chunk) {
        try {
          size += byteLength(chunk)
        } catch (error) {
          return listeners.error?.(error)
        }
        chunks.push(chunk as BlobPart)
        if (size > maxBytes) giveBack()
      },
      end() {
        off()
        // A Blob joins strings (as UTF-8) and byte chunks into one exactly sized buffer.
        new Blob(chunks).arrayBuffer().then(resolve, reject)
      },
      error(error) {
        off()
        reject(error)
      },
      // Destroyed before its end: what was read is gone with it, so no send can be right.
      close() {
        off()
        reject(new Error('request data stream closed before its end'))
      },
    }
    const off = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', giveBack)
      for (const name in listeners) stream.removeListener(name, listeners[name] as never)
    }
    for (const name in listeners) stream.on(name, listeners[name] as never)
    if (signal?.aborted) return giveBack()
    signal?.addEventListener('abort', giveBack)
    // A paused stream stays paused with a 'data' listener: axios' pipe would resume it.
    stream.resume()
  })
}

/**
 * Keeps a Node `Readable` that axios' http adapter would consume: read up to `maxBytes` (see
 * `bufferReadable`, bounded by the request's signal and axios' `timeout`) and put in
 * `config.data` as bytes. Resolves `false` when it cannot be replayed (it is then sent as the
 * stream it is); `undefined` when the data is no `Readable`.
 */
export function keepReadable(
  config: InternalAxiosRequestConfig,
  maxBytes: number,
): Promise<boolean> | undefined {
  const { data } = config
  if (!isReadableLike(data)) return undefined
  const limits = { signal: config.signal as AbortSignal | undefined, timeoutMs: config.timeout }
  return bufferReadable(data, maxBytes, limits).then((bytes) => {
    if (bytes) config.data = bytes
    return !!bytes
  })
}
