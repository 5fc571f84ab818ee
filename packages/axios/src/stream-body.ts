/**
 * Node `Readable` request data kept for a replay. axios' Node adapter pipes a stream into the
 * request, which consumes it; a protected request's stream is therefore read into memory first,
 * up to `maxReplayBodyBytes`.
 *
 * @module
 */

/** The parts of a Node `Readable` used here (typed structurally: no Node types in this package). */
export interface ReadableLike {
  pipe: (...args: never[]) => unknown
  on(event: string, listener: (...args: never[]) => void): unknown
  removeListener(event: string, listener: (...args: never[]) => void): unknown
  pause(): unknown
  unshift(chunk: unknown): void
}

/** Tells whether `data` is a Node `Readable` (what axios' own `isStream` accepts, plus unshift). */
export function isReadableLike(data: unknown): data is ReadableLike {
  const candidate = data as Partial<ReadableLike> | null
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.pipe === 'function' &&
    typeof candidate.on === 'function' &&
    typeof candidate.unshift === 'function' &&
    typeof candidate.pause === 'function'
  )
}

const encoder = new TextEncoder()

function byteLength(chunk: unknown): number {
  if (typeof chunk === 'string') return encoder.encode(chunk).byteLength
  if (ArrayBuffer.isView(chunk)) return chunk.byteLength
  throw new TypeError('request data stream yielded a chunk that is not bytes or text')
}

function toBytes(chunk: unknown): Uint8Array {
  if (typeof chunk === 'string') return encoder.encode(chunk)
  const view = chunk as ArrayBufferView
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength)
}

/**
 * Reads `stream` to its end if it holds at most `maxBytes`, and returns its bytes as an exactly
 * sized `ArrayBuffer` (which axios sends as is, on the first send and on the replay). A longer
 * stream is left as it was, nothing lost: what was read is pushed back with `unshift()` and the
 * stream is paused, so axios pipes it whole; the result is then `undefined` (not replayable).
 */
export function bufferReadable(
  stream: ReadableLike,
  maxBytes: number,
): Promise<ArrayBuffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: unknown[] = []
    let size = 0
    const cleanup = () => {
      stream.removeListener('data', onData)
      stream.removeListener('end', onEnd)
      stream.removeListener('error', onError)
    }
    const onData = (chunk: unknown) => {
      try {
        size += byteLength(chunk)
      } catch (error) {
        onError(error)
        return
      }
      chunks.push(chunk)
      if (size <= maxBytes) return
      stream.pause()
      cleanup()
      for (let i = chunks.length - 1; i >= 0; i--) stream.unshift(chunks[i])
      resolve(undefined)
    }
    const onEnd = () => {
      cleanup()
      const out = new Uint8Array(size)
      let offset = 0
      for (const chunk of chunks) {
        const bytes = toBytes(chunk)
        out.set(bytes, offset)
        offset += bytes.byteLength
      }
      resolve(out.buffer)
    }
    const onError = (error: unknown) => {
      cleanup()
      reject(error)
    }
    stream.on('data', onData)
    stream.on('end', onEnd)
    stream.on('error', onError)
  })
}
