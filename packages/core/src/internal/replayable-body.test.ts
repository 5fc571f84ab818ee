// @vitest-environment node
import { describe, expect, it, vi } from 'vitest'
import { prepareReplayableBody } from './replayable-body'

const text = (bytes: unknown) => new TextDecoder().decode(bytes as Uint8Array)

function streamOf(...chunks: string[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk))
      controller.close()
    },
  })
}

describe('prepareReplayableBody', () => {
  it('returns bodies that cannot change as they are', async () => {
    for (const body of ['text', new Blob(['x']), undefined, null]) {
      const prepared = await prepareReplayableBody(body, 0)
      expect(prepared.body).toBe(body)
      expect(prepared).toMatchObject({ replayable: true, streaming: false })
    }
  })

  it('copies exactly the bytes of a buffer or view when called', async () => {
    const buffer = new Uint8Array([0, 104, 105, 0]).buffer
    const views = [
      buffer,
      new Uint8Array(buffer, 1, 2),
      new DataView(buffer, 1, 2),
      new Uint16Array(new Uint8Array([104, 105]).buffer),
    ]
    const pending = views.map((view) => prepareReplayableBody(view, 0))
    new Uint8Array(buffer).fill(120)
    const bytes = (await Promise.all(pending)).map(({ body }) => [...(body as Uint8Array)])
    expect(bytes).toEqual([
      [0, 104, 105, 0],
      [104, 105],
      [104, 105],
      [104, 105],
    ])
  })

  it("turns URLSearchParams into their text, with fetch's default type, when called", async () => {
    const params = new URLSearchParams({ a: '1' })
    const pending = prepareReplayableBody(params, 0)
    params.set('a', '2')
    expect(await pending).toEqual({
      body: 'a=1',
      replayable: true,
      streaming: false,
      defaultContentType: 'application/x-www-form-urlencoded;charset=UTF-8',
    })
  })

  it('reads a stream within the limit into bytes', async () => {
    const prepared = await prepareReplayableBody(streamOf('hello ', 'world'), 11)
    expect(prepared.replayable).toBe(true)
    expect(prepared.streaming).toBe(false)
    expect(text(prepared.body)).toBe('hello world')
  })

  it('passes a stream over the limit on whole, marked not replayable', async () => {
    const prepared = await prepareReplayableBody(streamOf('hello ', 'wor', 'ld'), 8)
    expect(prepared).toMatchObject({ replayable: false, streaming: true })
    expect(await new Response(prepared.body as ReadableStream).text()).toBe('hello world')
  })

  it('reads async iterables (Node streams) like streams', async () => {
    async function* chunks() {
      yield 'a'
      yield new Uint8Array([98])
      yield 'c'
    }
    expect(text((await prepareReplayableBody(chunks(), 10)).body)).toBe('abc')
    const over = await prepareReplayableBody(chunks(), 1)
    expect(await new Response(over.body as ReadableStream).text()).toBe('abc')
  })

  it('serialises a FormData once, with its boundary', async () => {
    const form = new FormData()
    form.append('field', 'value')
    form.append('file', new Blob(['content'], { type: 'text/plain' }), 'f.txt')
    const prepared = await prepareReplayableBody(form, 1024 * 1024)
    expect(prepared.contentType).toMatch(/^multipart\/form-data; boundary=/)
    const parsed = await new Response(prepared.body as BodyInit, {
      headers: { 'content-type': prepared.contentType ?? '' },
    }).formData()
    expect(parsed.get('field')).toBe('value')
    expect(await (parsed.get('file') as File).text()).toBe('content')
  })

  it('copies a FormData over the limit, entries as they were when called', async () => {
    const form = new FormData()
    form.append('file', new Blob(['x'.repeat(5000)]), 'big.txt')
    form.append('field', 'first')
    const pending = prepareReplayableBody(form, 1000)
    form.set('field', 'second')
    const prepared = await pending
    expect(prepared).toMatchObject({ replayable: true, streaming: false })
    const copy = prepared.body as FormData
    expect(copy).not.toBe(form)
    expect(copy.get('field')).toBe('first')
    expect((copy.get('file') as File).name).toBe('big.txt')
  })

  it('copies each chunk of a stream that reuses one buffer, within and over the limit', async () => {
    function reusing(): ReadableStream<Uint8Array> {
      const buffer = new Uint8Array(4)
      const parts = ['abcd', 'efgh', 'ijkl']
      return new ReadableStream({
        pull(controller) {
          const part = parts.shift()
          if (part === undefined) return controller.close()
          buffer.set(new TextEncoder().encode(part))
          controller.enqueue(buffer)
        },
      })
    }
    expect(text((await prepareReplayableBody(reusing(), 100)).body)).toBe('abcdefghijkl')
    const over = await prepareReplayableBody(reusing(), 5)
    expect(await new Response(over.body as ReadableStream).text()).toBe('abcdefghijkl')
  })

  it('rejects with the reason of a signal aborted before it is called, reading nothing', async () => {
    const reason = new Error('stop')
    const stream = streamOf('x')
    await expect(prepareReplayableBody(stream, 100, AbortSignal.abort(reason))).rejects.toBe(reason)
    expect(stream.locked).toBe(false)
  })

  it('cancels a stalled stream and rejects with the reason when the signal aborts', async () => {
    const controller = new AbortController()
    let cancelled: unknown
    const stream = new ReadableStream({
      cancel(why) {
        cancelled = why
      },
    })
    const pending = prepareReplayableBody(stream, 100, controller.signal)
    const reason = new Error('stop')
    controller.abort(reason)
    await expect(pending).rejects.toBe(reason)
    await Promise.resolve()
    expect(cancelled).toBe(reason)
  })

  it('stops listening to the signal once the stream is read', async () => {
    const controller = new AbortController()
    const remove = vi.spyOn(controller.signal, 'removeEventListener')
    await prepareReplayableBody(streamOf('x'), 100, controller.signal)
    expect(remove).toHaveBeenCalledWith('abort', expect.any(Function))
  })

  it('rejects a stream chunk that is neither bytes nor text', async () => {
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue({ not: 'bytes' })
        controller.close()
      },
    })
    await expect(prepareReplayableBody(stream, 100)).rejects.toBeInstanceOf(TypeError)
  })
})
