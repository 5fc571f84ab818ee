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

const encoder = /* @__PURE__ */ new TextEncoder()

function toBytes(chunk: unknown): Uint8Array {
  if (typeof chunk === 'string') return encoder.encode(chunk)
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk)
  if (ArrayBuffer.isView(chunk)) {
    return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)
  }
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
 * Reads `source` up to `maxBytes`. Within the limit its bytes come back, replayable; past it, a
 * stream of what was read followed by the rest, not replayable. Nothing is lost either way.
 */
async function readBounded(source: Source, maxBytes: number): Promise<ReplayableBody> {
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await source.next()
    if (done) {
      // A Blob joins the chunks into one exactly sized buffer (its `buffer` holds nothing else).
      const body = new Uint8Array(await new Blob(chunks as BlobPart[]).arrayBuffer())
      return { body, replayable: true, streaming: false }
    }
    const chunk = toBytes(value)
    chunks.push(chunk)
    size += chunk.byteLength
    if (size > maxBytes) {
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
  const source = sourceOf(body)
  if (source) return readBounded(source, maxBytes)
  if (
    typeof FormData === 'function' &&
    body instanceof FormData &&
    formDataSizeBound(body) <= maxBytes
  ) {
    const serialised = new Response(body)
    const bytes = new Uint8Array(await serialised.arrayBuffer())
    const contentType = serialised.headers.get('content-type') ?? undefined
    return { body: bytes, replayable: true, streaming: false, contentType }
  }
  return { body, replayable: true, streaming: false }
}
