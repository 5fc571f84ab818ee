// @vitest-environment node
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { encodeClaims } from './claims'
import { createCaeFetch } from './fetch'
import type { TokenProvider } from './provider'

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

/** A fetch standing in for the network: challenges `tok-1`, records what it receives. */
function network() {
  const seen: { url: string; authorization: string | null; body: string }[] = []
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init)
    seen.push({
      url: request.url,
      authorization: request.headers.get('authorization'),
      body: await request.text(),
    })
    return request.headers.get('authorization') === 'Bearer tok-1'
      ? new Response('challenged', { status: 401, headers: { 'www-authenticate': CHALLENGE } })
      : new Response('ok')
  })
  return { fetch, seen }
}

afterEach(() => vi.unstubAllGlobals())

describe('createCaeFetch', () => {
  it('looks up the global fetch on every call, so msw or polyfills installed later are used', async () => {
    const caeFetch = createCaeFetch({ tokenProvider: counting(), resources })
    const before = vi.fn(async () => new Response('before'))
    const after = vi.fn(async () => new Response('after'))
    vi.stubGlobal('fetch', before)
    expect(await (await caeFetch('https://elsewhere.test')).text()).toBe('before')
    vi.stubGlobal('fetch', after)
    expect(await (await caeFetch('https://elsewhere.test')).text()).toBe('after')
  })

  it('hands requests outside the resources to fetch as they are, body unread', async () => {
    const fetch = vi.fn(async () => new Response('ok'))
    const caeFetch = createCaeFetch({ tokenProvider: counting(), resources, fetch })
    const body = new ReadableStream()
    const init = { method: 'POST', body, duplex: 'half' } as RequestInit
    await caeFetch('https://elsewhere.test/upload', init)
    expect(fetch).toHaveBeenCalledWith('https://elsewhere.test/upload', init)
    expect(body.locked).toBe(false)
  })

  it("adds the token without touching the caller's init or reading a bodyless request", async () => {
    const { fetch, seen } = network()
    const caeFetch = createCaeFetch({ tokenProvider: counting(), resources, fetch })
    const init = { headers: { accept: 'application/json' } }
    await caeFetch('https://api.test/me', init)
    expect(init).toEqual({ headers: { accept: 'application/json' } })
    const sent = fetch.mock.calls[0]?.[1]
    expect(sent?.body).toBeUndefined()
    expect(new Headers(sent?.headers).get('accept')).toBe('application/json')
    expect(seen[0]?.authorization).toBe('Bearer tok-1')
  })

  it("replays a Request with its body and leaves the caller's Request headers alone", async () => {
    const { fetch, seen } = network()
    const caeFetch = createCaeFetch({ tokenProvider: counting(), resources, fetch })
    const request = new Request('https://api.test/messages', { method: 'POST', body: 'hello' })
    const response = await caeFetch(request)
    expect(response.status).toBe(200)
    expect(seen).toEqual([
      { url: 'https://api.test/messages', authorization: 'Bearer tok-1', body: 'hello' },
      { url: 'https://api.test/messages', authorization: 'Bearer tok-2', body: 'hello' },
    ])
    expect(request.headers.has('authorization')).toBe(false)
  })

  it('applies init over a Request as fetch does', async () => {
    const { fetch, seen } = network()
    const caeFetch = createCaeFetch({ tokenProvider: counting(), resources, fetch })
    await caeFetch(new Request('https://api.test/a', { method: 'POST', body: 'old' }), {
      body: 'new',
    })
    expect(seen.map((s) => s.body)).toEqual(['new', 'new'])
  })

  it("treats the caller's Authorization in a Request as an opt-out", async () => {
    const { fetch, seen } = network()
    const provider = counting()
    const caeFetch = createCaeFetch({ tokenProvider: provider, resources, fetch })
    await caeFetch(
      new Request('https://api.test/a', { headers: { Authorization: 'Bearer tok-1' } }),
    )
    expect(seen).toHaveLength(1)
    expect(provider.count).toBe(0)
  })

  it('never multiplies replays through nested cae fetches', async () => {
    const always = vi.fn(
      async () => new Response('no', { status: 401, headers: { 'www-authenticate': CHALLENGE } }),
    )
    const inner = createCaeFetch({ tokenProvider: counting(), resources, fetch: always })
    const outer = createCaeFetch({ tokenProvider: counting(), resources, fetch: inner })
    const response = await outer('https://api.test/me')
    expect(response.status).toBe(401)
    expect(always).toHaveBeenCalledTimes(2)
  })

  it('rejects, never throws synchronously, when a Request and init cannot be combined', async () => {
    const fetch = vi.fn(async () => new Response('ok'))
    const caeFetch = createCaeFetch({ tokenProvider: counting(), resources, fetch })
    // fetch(getRequest, { body }) rejects; code using .catch() relies on that.
    let result: Promise<Response> | undefined
    expect(() => {
      result = caeFetch(new Request('https://elsewhere.test/a'), { body: 'x' })
    }).not.toThrow()
    await expect(result).rejects.toBeInstanceOf(TypeError)
    expect(fetch).not.toHaveBeenCalled()
  })

  it('rejects, never throws synchronously, for headers: null on a protected request', async () => {
    const fetch = vi.fn(async () => new Response('ok'))
    const caeFetch = createCaeFetch({ tokenProvider: counting(), resources, fetch })
    let result: Promise<Response> | undefined
    expect(() => {
      result = caeFetch('https://api.test/a', { headers: null as unknown as HeadersInit })
    }).not.toThrow()
    await expect(result).rejects.toBeInstanceOf(TypeError)
    expect(fetch).not.toHaveBeenCalled()
  })
})

describe('createCaeFetch over real sockets', () => {
  const servers: Server[] = []
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))))
  })

  async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
    const server = createServer(handler)
    servers.push(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }

  it('keeps the token away from another origin after a redirect and passes its challenge through', async () => {
    const landed: (string | undefined)[] = []
    const other = await listen((req, res) => {
      landed.push(req.headers.authorization)
      res.writeHead(401, { 'www-authenticate': CHALLENGE }).end()
    })
    const api = await listen((_req, res) => {
      res.writeHead(302, { location: `${other}/landing` }).end()
    })
    const provider = counting()
    const caeFetch = createCaeFetch({
      tokenProvider: provider,
      resources: [{ url: api, scopes: ['s'] }],
    })
    const response = await caeFetch(`${api}/moved`)
    expect(response.status).toBe(401)
    expect(response.url).toBe(`${other}/landing`)
    expect(landed).toEqual([undefined])
    expect(provider.count).toBe(1)
  })
})
