// @vitest-environment node
import { describe, expect, it } from 'vitest'
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
  it('returns re-readable bodies as they are', async () => {
    const blob = new Blob(['x'])
    for (const body of [
      'text',
      blob,
      new URLSearchParams('a=1'),
      new ArrayBuffer(2),
      new Uint8Array(2),
      undefined,
    ]) {
      expect(await prepareReplayableBody(body, 0)).toEqual({
        body,
        replayable: true,
        streaming: false,
      })
    }
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

  it('leaves a FormData over the limit to the client', async () => {
    const form = new FormData()
    form.append('file', new Blob(['x'.repeat(5000)]))
    expect(await prepareReplayableBody(form, 1000)).toEqual({
      body: form,
      replayable: true,
      streaming: false,
    })
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
