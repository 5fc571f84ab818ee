/**
 * Request bodies kept for a replay. A body can be read only once: values fetch re-reads on every
 * send (string, `Blob`, `FormData`, `URLSearchParams`, buffers) are kept as they are; a stream is
 * read into memory up to a limit before the first send, so the same bytes go out twice.
 *
 * @module
 */

/** A request body ready to be sent, possibly twice. */
export interface ReplayableBody {
  /**
   * What to send. When `replayable`, send this same value again on the replay (a stream under the
   * limit has become a `Uint8Array`).
   */
  body: unknown
  /** `false` for a stream over the limit: it is sent as a stream and cannot be replayed. */
  replayable: boolean
  /** `true` when `body` is a stream (fetch then needs `duplex: 'half'`). */
  streaming: boolean
  /**
   * The `Content-Type` to send with `body`, when it replaces one the client would have derived:
   * a `FormData` serialised once, so both sends carry the same multipart boundary.
   */
  contentType?: string | undefined
}

type Next = () => Promise<{ done?: boolean | undefined; value?: unknown }>

const encoder = new TextEncoder()

function toBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk
  if (typeof chunk === 'string') return encoder.encode(chunk)
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk)
  if (ArrayBuffer.isView(chunk))
    return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)
  throw new TypeError('request body stream yielded a chunk that is not bytes or text')
}

/** Joins chunks into one exactly sized array (its `buffer` holds nothing else). */
export function concatBytes(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.byteLength
  }
  return out
}

function isReadableStream(value: unknown): value is ReadableStream<unknown> {
  return typeof (value as ReadableStream | null)?.getReader === 'function'
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as AsyncIterable<unknown> | null)?.[Symbol.asyncIterator] === 'function'
}

/** Tells whether `body` is read as it is sent (a stream), as opposed to re-readable values. */
export function isStreamBody(body: unknown): boolean {
  return (
    typeof body === 'object' && body !== null && (isReadableStream(body) || isAsyncIterable(body))
  )
}

/** The chunks already read, then the rest of the source, as one stream. */
function resume(chunks: Uint8Array[], next: Next, cancel: (reason: unknown) => unknown) {
  let index = 0
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const buffered = chunks[index]
      if (buffered !== undefined) {
        chunks[index++] = new Uint8Array(0) // release what has been handed on
        controller.enqueue(buffered)
        return
      }
      const { done, value } = await next()
      if (done) controller.close()
      else controller.enqueue(toBytes(value))
    },
    async cancel(reason) {
      await cancel(reason)
    },
  })
}

async function readBounded(
  next: Next,
  cancel: (reason: unknown) => unknown,
  maxBytes: number,
): Promise<ReplayableBody> {
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await next()
    if (done) return { body: concatBytes(chunks, size), replayable: true, streaming: false }
    const chunk = toBytes(value)
    chunks.push(chunk)
    size += chunk.byteLength
    if (size > maxBytes) {
      return { body: resume(chunks, next, cancel), replayable: false, streaming: true }
    }
  }
}

/** An upper bound of a form's multipart size: UTF-8 text at most 3 bytes per unit, part headers. */
function formDataSizeBound(form: FormData): number {
  let size = 0
  form.forEach((value, name) => {
    size += 256 + name.length * 3 + (typeof value === 'string' ? value.length * 3 : value.size)
  })
  return size
}

/**
 * Prepares `body` for a first send and a possible replay.
 *
 * - `null`/`undefined`, strings, `Blob`, `URLSearchParams`, `ArrayBuffer` and typed arrays are
 *   returned as they are: fetch and XHR read them anew on every send.
 * - A `FormData` within `maxBytes` is serialised once (with `Response`), so the replay carries
 *   the very same bytes and multipart boundary; `contentType` says which. A larger form is
 *   returned as it is: the client serialises it on each send, same parts, fresh boundary.
 * - A `ReadableStream` or async iterable is read up to `maxBytes`: if it ends within the limit its
 *   bytes are returned (replayable, no longer a stream); otherwise a stream that yields what was
 *   read and then the rest is returned, marked not replayable. Nothing is lost either way.
 *
 * @throws TypeError when a stream yields something that is neither bytes nor text.
 */
export async function prepareReplayableBody(
  body: unknown,
  maxBytes: number,
): Promise<ReplayableBody> {
  if (isReadableStream(body)) {
    const reader = body.getReader()
    return readBounded(
      () => reader.read(),
      (reason) => reader.cancel(reason),
      maxBytes,
    )
  }
  if (typeof body === 'object' && body !== null && isAsyncIterable(body)) {
    const iterator = body[Symbol.asyncIterator]()
    return readBounded(
      () => iterator.next(),
      (reason) => iterator.return?.(reason),
      maxBytes,
    )
  }
  if (typeof FormData === 'function' && body instanceof FormData) {
    if (formDataSizeBound(body) > maxBytes) return { body, replayable: true, streaming: false }
    const serialised = new Response(body)
    const bytes = new Uint8Array(await serialised.arrayBuffer())
    const contentType = serialised.headers.get('content-type') ?? undefined
    return { body: bytes, replayable: true, streaming: false, contentType }
  }
  return { body, replayable: true, streaming: false }
}
