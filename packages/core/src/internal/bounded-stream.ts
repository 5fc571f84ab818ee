/**
 * Stream bodies read ahead up to a limit, for a replay: each chunk copied as it is read, the read
 * raced with the request's signal. Web streams and async iterables (a Node `Readable`); browser
 * builds use `bounded-stream.browser.ts` instead.
 *
 * @module
 */

import { copyBytes } from './bytes'

/** What reading ahead gives: the bytes (replayable), or a stream of everything (not replayable). */
export interface BoundedRead {
  body: Uint8Array | ReadableStream<Uint8Array>
  replayable: boolean
  streaming: boolean
}

const encoder = /* @__PURE__ */ new TextEncoder()

function toBytes(chunk: unknown): Uint8Array {
  if (typeof chunk === 'string') return encoder.encode(chunk)
  // A producer may refill one buffer for every chunk: keep a copy, never a view of that buffer.
  if (chunk instanceof ArrayBuffer || ArrayBuffer.isView(chunk)) return copyBytes(chunk)
  throw new TypeError('request body stream yielded a chunk that is not bytes or text')
}

/** The one reading interface of a web stream's reader and an async iterator. */
interface Source {
  next(): Promise<IteratorResult<unknown>>
  cancel(reason: unknown): unknown
}

/** A source over a `ReadableStream` or an async iterable (a Node stream), or `undefined`. */
function sourceOf(body: unknown): Source | undefined {
  const stream = body as Partial<ReadableStream & AsyncIterable<unknown>> | null | undefined
  if (typeof stream?.getReader === 'function') {
    const reader = stream.getReader()
    return { next: () => reader.read(), cancel: (reason) => reader.cancel(reason) }
  }
  const iterate = stream?.[Symbol.asyncIterator]
  if (typeof iterate === 'function') {
    const iterator = iterate.call(stream)
    return { next: () => iterator.next(), cancel: (reason) => iterator.return?.(reason) }
  }
  return undefined
}

/**
 * `source.next()` raced with `signal`: on abort the read rejects with the signal's reason and the
 * source is cancelled, so a stalled producer cannot hold the request past its abort. `release`
 * removes the listener, since one signal may outlive many requests.
 */
function abortable(source: Source, signal: AbortSignal | undefined) {
  if (!signal) return { next: () => source.next(), release: () => {} }
  let onAbort = (): void => {}
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      reject(signal.reason)
      // Guarded: a source whose cancel throws or rejects must not mask the reason.
      Promise.resolve(signal.reason)
        .then(source.cancel)
        .catch(() => {})
    }
  })
  aborted.catch(() => {})
  signal.addEventListener('abort', onAbort)
  return {
    next: () => Promise.race([source.next(), aborted]),
    release: () => signal.removeEventListener('abort', onAbort),
  }
}

/**
 * Reads `source` up to `maxBytes`. Within the limit its bytes come back, replayable; past it, a
 * stream of what was read followed by the rest, not replayable. Nothing is lost either way. Each
 * chunk is copied as it is read (see `toBytes`).
 *
 * @param signal - Aborting it while `source` is read ahead cancels `source` and rejects with
 *   `signal.reason`. Once the limit is passed, the client's own signal handling takes over.
 * @throws TypeError when a chunk is neither bytes nor text.
 */
async function readBounded(
  source: Source,
  maxBytes: number,
  signal: AbortSignal | undefined,
): Promise<BoundedRead> {
  const chunks: Uint8Array[] = []
  let size = 0
  const { next, release } = abortable(source, signal)
  try {
    for (;;) {
      const { done, value } = await next()
      if (done) {
        // A Blob joins the chunks into one exactly sized buffer (its `buffer` holds nothing else).
        const body = new Uint8Array(await new Blob(chunks as BlobPart[]).arrayBuffer())
        return { body, replayable: true, streaming: false }
      }
      const chunk = toBytes(value)
      chunks.push(chunk)
      size += chunk.byteLength
      if (size > maxBytes) {
        // From here on the client reads the stream, and fetch's own signal handling takes over.
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            for (const chunk of chunks) controller.enqueue(chunk)
          },
          async pull(controller) {
            const next = await source.next()
            if (next.done) controller.close()
            else controller.enqueue(toBytes(next.value))
          },
          cancel: (reason) => source.cancel(reason) as Promise<void>,
        })
        return { body, replayable: false, streaming: true }
      }
    }
  } finally {
    release()
  }
}

/**
 * Reads `body` ahead up to `maxBytes` when it is a stream (a `ReadableStream` or an async
 * iterable such as a Node `Readable`); see `readBounded`. `undefined` when it is no stream.
 *
 * @param signal - The request's signal (see `readBounded`).
 */
export function readAhead(
  body: unknown,
  maxBytes: number,
  signal: AbortSignal | undefined,
): Promise<BoundedRead> | undefined {
  const source = sourceOf(body)
  return source && readBounded(source, maxBytes, signal)
}
