/**
 * Request bodies kept for a replay. A body can be read only once, and fetch snapshots what the
 * caller may still change when it is called: buffers are copied and `URLSearchParams` become their
 * text, synchronously, as fetch does; values that cannot change (string, `Blob`) are kept as they
 * are; a stream is read into memory up to a limit before the first send, so the same bytes go out
 * twice.
 *
 * @module
 */

import type { KeptBody } from '../types'
import { readAhead } from './bounded-stream'
import { copyBytes } from './bytes'

/**
 * A request body ready to be sent, possibly twice. When `replayable`, the same `body` is sent
 * again on the replay (a stream under the limit, or a buffer or view, has become a `Uint8Array`
 * whose `buffer` holds exactly its bytes); `contentType` is a serialised form's (so both sends
 * carry the same multipart boundary), `defaultContentType` what fetch derives from
 * `URLSearchParams` (now kept as their text).
 */
export interface ReplayableBody extends KeptBody {
  /** `false` for a stream over the limit: it is sent as a stream and cannot be replayed. */
  readonly replayable: boolean
}

/**
 * A `FormData`, of this runtime or of another fetch implementation (npm `undici`, a polyfill):
 * what `instanceof` cannot tell across implementations, the spec's tag and `forEach` can.
 */
function isFormData(body: unknown): body is FormData {
  return (
    Object.prototype.toString.call(body) === '[object FormData]' &&
    typeof (body as FormData).forEach === 'function'
  )
}

const kept = (body: unknown): ReplayableBody => ({ body, replayable: true, streaming: false })

/**
 * Prepares `body` for a first send and a possible replay. Everything fetch snapshots when it is
 * called is snapshot here before the first `await`, that is synchronously within the call, so a
 * caller may reuse a buffer, params or a form as soon as its fetch call returns.
 *
 * - `null`/`undefined`, strings and `Blob` are returned as they are: they cannot change, and fetch
 *   and XHR read them anew on every send.
 * - An `ArrayBuffer`, typed array or `DataView` becomes a `Uint8Array` copy of exactly its bytes.
 * - `URLSearchParams` become their text, with `defaultContentType`
 *   `application/x-www-form-urlencoded;charset=UTF-8` (what fetch sends when no type is set).
 * - A `FormData` within `maxBytes` is serialised once (with `Response`), so the replay carries
 *   the very same bytes and multipart boundary; `contentType` says which. A larger form is
 *   copied (same entries): the client serialises it on each send, same parts, fresh boundary.
 * - A `ReadableStream` or async iterable is read up to `maxBytes`, each chunk copied: if it ends
 *   within the limit its bytes are returned (replayable, no longer a stream); otherwise a stream
 *   that yields what was read and then the rest is returned, marked not replayable.
 *
 * @param signal - The request's signal: an aborted signal rejects at once, and an abort while a
 *   stream is read cancels the stream and rejects, both with `signal.reason`.
 * @throws TypeError when a stream yields something that is neither bytes nor text.
 */
export async function prepareReplayableBody(
  body: unknown,
  maxBytes: number,
  signal?: AbortSignal | null,
): Promise<ReplayableBody> {
  if (signal?.aborted) throw signal.reason
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return kept(copyBytes(body))
  if (body instanceof URLSearchParams) {
    return {
      ...kept(body.toString()),
      defaultContentType: 'application/x-www-form-urlencoded;charset=UTF-8',
    }
  }
  const read = readAhead(body, maxBytes, signal ?? undefined)
  if (read) return read
  if (isFormData(body)) {
    // A copy of its entries now (strings and Blobs, which cannot change), in a form of this
    // runtime, which its fetch and Response know how to serialise (the caller's may be another
    // implementation's); and an upper bound of its multipart size (UTF-8 text at most 3 bytes per
    // unit, part headers).
    const form = new FormData()
    let size = 0
    body.forEach((value, name) => {
      form.append(name, value)
      size += 256 + name.length * 3 + (typeof value === 'string' ? value.length * 3 : value.size)
    })
    if (size > maxBytes) return kept(form)
    // `new Response` takes the form's entries now; only reading its bytes is asynchronous.
    const serialised = new Response(form)
    const bytes = new Uint8Array(await serialised.arrayBuffer())
    return { ...kept(bytes), contentType: serialised.headers.get('content-type') ?? undefined }
  }
  return kept(body)
}
