import { describe, expect, it } from 'vitest'
import { readAhead } from './bounded-stream.browser'

describe('stream bodies in the browser build', () => {
  it('sends a ReadableStream as the stream it is, unread and not replayable', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start: (controller) => controller.enqueue(new Uint8Array([1, 2, 3])),
    })
    expect(await readAhead(stream, 1024, undefined)).toEqual({
      body: stream,
      replayable: false,
      streaming: true,
    })
    expect(stream.locked).toBe(false)
  })

  it('leaves every other body to the caller (undefined)', () => {
    for (const body of ['text', new Uint8Array(2), new Blob(['x']), null]) {
      expect(readAhead(body, 1024, undefined)).toBeUndefined()
    }
  })
})
