/**
 * Node `Readable` request data, told apart structurally (no Node types in this package).
 *
 * @module
 */

/** The parts of a Node `Readable` used here (typed structurally: no Node types in this package). */
export interface ReadableLike {
  /** Node ≥ 12: the stream emitted `end` already. */
  readableEnded?: boolean
  /** The stream was destroyed: nothing more will come. */
  destroyed?: boolean
  pipe: (...args: never[]) => unknown
  on(event: string, listener: (value: unknown) => void): unknown
  removeListener(event: string, listener: (value: unknown) => void): unknown
  pause(): unknown
  resume(): unknown
  unshift(chunk: unknown): void
}

/** Tells whether `data` is a Node `Readable` (what axios' own `isStream` accepts, plus unshift). */
export function isReadableLike(data: unknown): data is ReadableLike {
  const stream = data as Partial<ReadableLike> | null | undefined
  return (
    typeof stream?.pipe === 'function' &&
    typeof stream.on === 'function' &&
    typeof stream.unshift === 'function' &&
    typeof stream.pause === 'function' &&
    typeof stream.resume === 'function'
  )
}
