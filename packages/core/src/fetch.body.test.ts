// @vitest-environment node
import { describe, expect, it, vi } from 'vitest'
import { encodeClaims } from './claims'
import { createCaeFetch } from './fetch'
import type { PendingRequest, TokenProvider } from './provider'

const CHALLENGE = `Bearer error="insufficient_claims", claims="${encodeClaims('{"access_token":{"nbf":{"essential":true}}}')}"`
const resources = [{ url: 'https://api.test', scopes: ['s'] }]

function counting(): TokenProvider & { count: number } {
  const provider = {
    count: 0,
    async getToken() {
      provider.count++
      return { token: `tok-${provider.count}` }
    },
  }
  return provider
}

/** Challenges `tok-1`, records the bodies (and their types) it receives. */
function network() {
  const seen: { authorization: string | null; body: string; type: string | null }[] = []
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init)
    seen.push({
      authorization: request.headers.get('authorization'),
      body: await request.text(),
      type: request.headers.get('content-type'),
    })
    return request.headers.get('authorization') === 'Bearer tok-1'
      ? new Response('challenged', { status: 401, headers: { 'www-authenticate': CHALLENGE } })
      : new Response('ok')
  })
  return { fetch, seen }
}

describe('createCaeFetch bodies, snapshot when fetch is called', () => {
  it('sends the bytes a typed array held when fetch was called, as fetch does', async () => {
    const { fetch, seen } = network()
    const caeFetch = createCaeFetch({ tokenProvider: counting(), resources, fetch })
    // Control: the fetch standard copies a BufferSource when the request is built.
    const control = new TextEncoder().encode('hello')
    const request = new Request('https://api.test/upload', { method: 'POST', body: control })
    control.fill(0x78)
    expect(await request.text()).toBe('hello')
    const buffer = new TextEncoder().encode('hello')
    const pending = caeFetch('https://api.test/upload', { method: 'POST', body: buffer })
    // Native fetch copies a BufferSource when called: the caller may reuse its buffer at once.
    buffer.fill(0x78)
    await pending
    expect(seen.map((s) => s.body)).toEqual(['hello', 'hello'])
  })

  it('sends the URLSearchParams as they were when fetch was called, as fetch does', async () => {
    const { fetch, seen } = network()
    const caeFetch = createCaeFetch({ tokenProvider: counting(), resources, fetch })
    const control = new URLSearchParams({ a: '1' })
    const request = new Request('https://api.test/form', { method: 'POST', body: control })
    control.set('a', '2')
    expect(await request.text()).toBe('a=1')
    const params = new URLSearchParams({ a: '1' })
    const pending = caeFetch('https://api.test/form', { method: 'POST', body: params })
    params.set('a', '2')
    await pending
    expect(seen.map((s) => s.body)).toEqual(['a=1', 'a=1'])
  })

  it("sends URLSearchParams with fetch's form type, unless the caller set a Content-Type", async () => {
    const { fetch, seen } = network()
    const caeFetch = createCaeFetch({ tokenProvider: counting(), resources, fetch })
    await caeFetch('https://api.test/form', { method: 'POST', body: new URLSearchParams('a=1') })
    await caeFetch('https://api.test/form', {
      method: 'POST',
      body: new URLSearchParams('a=1'),
      headers: { 'Content-Type': 'text/plain' },
    })
    expect(seen.map((s) => s.type)).toEqual([
      'application/x-www-form-urlencoded;charset=UTF-8',
      'application/x-www-form-urlencoded;charset=UTF-8',
      'text/plain',
    ])
  })

  it('sends a FormData over maxReplayBodyBytes as it was when fetch was called, as fetch does', async () => {
    const { fetch, seen } = network()
    const caeFetch = createCaeFetch({
      tokenProvider: counting(),
      resources,
      fetch,
      maxReplayBodyBytes: 16,
    })
    const form = new FormData()
    form.set('field', 'first')
    const pending = caeFetch('https://api.test/form', { method: 'POST', body: form })
    form.set('field', 'second')
    await pending
    expect(seen.map((s) => s.body.includes('first'))).toEqual([true, true])
  })

  it('keeps each chunk of a stream that reuses its buffer, byte for byte', async () => {
    const { fetch, seen } = network()
    const caeFetch = createCaeFetch({ tokenProvider: counting(), resources, fetch })
    // A producer that fills one buffer per chunk (like a read loop over a reused buffer).
    const buffer = new Uint8Array(4)
    const parts = ['abcd', 'efgh']
    let index = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const part = parts[index++]
        if (part === undefined) return controller.close()
        buffer.set(new TextEncoder().encode(part))
        controller.enqueue(buffer)
      },
    })
    await caeFetch('https://api.test/upload', {
      method: 'POST',
      body,
      duplex: 'half',
    } as RequestInit)
    expect(seen.map((s) => s.body)).toEqual(['abcdefgh', 'abcdefgh'])
  })
})

describe('createCaeFetch aborted while the body is read', () => {
  it('rejects with the signal reason and cancels the stream when aborted while it is read', async () => {
    const fetch = vi.fn(async () => new Response('ok'))
    const caeFetch = createCaeFetch({ tokenProvider: counting(), resources, fetch })
    const controller = new AbortController()
    let cancelled: unknown
    // A stream that yields one chunk and then stalls (a slow producer).
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('partial'))
      },
      cancel(why) {
        cancelled = why
      },
    })
    const pending = caeFetch('https://api.test/upload', {
      method: 'POST',
      body,
      duplex: 'half',
      signal: controller.signal,
    } as RequestInit)
    const reason = new Error('stop')
    controller.abort(reason)
    let outcome: unknown = 'still pending'
    pending.then(
      () => {
        outcome = 'resolved'
      },
      (error: unknown) => {
        outcome = error
      },
    )
    // No wall clock: a few macrotask turns are plenty for an abort that is observed at all.
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setTimeout(resolve, 0))
    expect(outcome).toBe(reason)
    expect(cancelled).toBe(reason)
    expect(fetch).not.toHaveBeenCalled()
  })

  it('rejects with the signal reason, reading nothing, when the signal is already aborted', async () => {
    const fetch = vi.fn(async () => new Response('ok'))
    const caeFetch = createCaeFetch({ tokenProvider: counting(), resources, fetch })
    const body = new ReadableStream<Uint8Array>()
    const reason = new Error('stop')
    const signal = AbortSignal.abort(reason)
    const init = { method: 'POST', body, duplex: 'half', signal } as RequestInit
    await expect(caeFetch('https://api.test/upload', init)).rejects.toBe(reason)
    expect(body.locked).toBe(false)
    expect(fetch).not.toHaveBeenCalled()
  })
})

describe('createCaeFetch pending requests', () => {
  /** What a provider that asks for `pendingRequests` while answering the challenge is told. */
  async function describedWhenChallenged(body: BodyInit): Promise<PendingRequest | undefined> {
    const { fetch } = network()
    let described: PendingRequest[] = []
    let calls = 0
    const tokenProvider: TokenProvider = {
      async getToken({ pendingRequests }) {
        calls++
        if (calls > 1) described = (await pendingRequests?.()) ?? []
        return { token: `tok-${calls}` }
      },
    }
    const caeFetch = createCaeFetch({ tokenProvider, resources, fetch })
    await caeFetch('https://api.test/submit', { method: 'POST', body })
    return described[0]
  }

  it('describes what were URLSearchParams with the form type they are sent with', async () => {
    expect(await describedWhenChallenged(new URLSearchParams('a=1'))).toMatchObject({
      body: 'a=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
    })
  })

  it('describes a serialised FormData with the boundary its text uses', async () => {
    const form = new FormData()
    form.append('field', 'value')
    const described = await describedWhenChallenged(form)
    const boundary = /boundary=(\S+)/.exec(described?.headers['content-type'] ?? '')?.[1]
    expect(boundary).toBeDefined()
    expect(described?.body).toContain(`--${boundary}`)
  })
})
