/**
 * Stream bodies in browsers (built instead of `bounded-stream.ts` for the `browser` export
 * condition): a `ReadableStream` is sent as the stream it is, not read ahead, and so cannot be
 * replayed (a challenge of it fails with `ERR_CAE_BODY_NOT_REPLAYABLE` once the token is
 * renewed). Browsers stream a request body only in Chromium, over HTTP/2, with `duplex: 'half'`;
 * keeping the read-ahead out keeps browser bundles small.
 *
 * @module
 */

import type * as Everywhere from './bounded-stream'

/** A `ReadableStream` body, sent as it is and marked not replayable; `undefined` for any other. */
export const readAhead: typeof Everywhere.readAhead = (body) =>
  typeof (body as ReadableStream | null)?.getReader === 'function'
    ? Promise.resolve({
        body: body as ReadableStream<Uint8Array>,
        replayable: false,
        streaming: true,
      })
    : undefined
