/**
 * Byte copies: what a caller may reuse at once is copied before it is kept.
 *
 * @module
 */

/** A copy of exactly the bytes of a buffer or view, which its owner may reuse at once. */
export function copyBytes(value: ArrayBuffer | ArrayBufferView): Uint8Array {
  return ArrayBuffer.isView(value)
    ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice()
    : new Uint8Array(value).slice()
}
