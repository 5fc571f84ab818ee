// @vitest-environment node
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { encodeClaims } from './claims'
import { createCaeFetch } from './fetch'

interface Seen {
  server: 'a' | 'b'
  method: string
  path: string
  authorization: string | undefined
  cookie: string | undefined
  proxyAuthorization: string | undefined
  body: string
}
const seen: Seen[] = []
let a: Server
let b: Server
let originA = ''
let originB = ''
/** Tokens the resource refuses with a claims challenge. */
const revoked = new Set<string>()

const challenge = `Bearer realm="", error="insufficient_claims", claims="${encodeClaims(
  '{"access_token":{"nbf":{"essential":true,"value":"1"}}}',
)}"`

function listen(name: 'a' | 'b', route: (req: IncomingMessage, body: string) => Reply) {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString()
      seen.push({
        server: name,
        method: req.method ?? '',
        path: req.url ?? '',
        authorization: req.headers.authorization,
        cookie: req.headers.cookie,
        proxyAuthorization: req.headers['proxy-authorization'],
        body,
      })
      const reply = route(req, body)
      res.writeHead(reply.status, reply.headers ?? {})
      res.end(reply.body ?? '')
    })
  })
  return new Promise<Server>((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

interface Reply {
  status: number
  headers?: Record<string, string>
  body?: string
}

beforeAll(async () => {
  a = await listen('a', (req) => {
    const path = req.url ?? '/'
    if (path === '/api/cross') return { status: 307, headers: { location: `${originB}/echo` } }
    if (path === '/api/orders') return { status: 303, headers: { location: '/api/orders/1' } }
    if (path === '/api/move') return { status: 308, headers: { location: 'moved' } }
    if (path === '/api/slow') return { status: 307, headers: { location: '/api/hang' } }
    if (path === '/api/hang') return { status: 200, body: 'late' }
    if (path === '/api/data') return { status: 302, headers: { location: 'data:text/plain,hi' } }
    if (revoked.has(req.headers.authorization ?? '')) {
      return { status: 401, headers: { 'www-authenticate': challenge } }
    }
    return { status: 200, body: 'hello' }
  })
  b = await listen('b', () => ({ status: 200, body: 'b' }))
  originA = `http://127.0.0.1:${(a.address() as AddressInfo).port}`
  originB = `http://localhost:${(b.address() as AddressInfo).port}`
})
afterAll(async () => {
  await new Promise<void>((resolve) => a.close(() => resolve()))
  await new Promise<void>((resolve) => b.close(() => resolve()))
})
beforeEach(() => {
  seen.length = 0
  revoked.clear()
})

function counting() {
  let count = 0
  return {
    get count() {
      return count
    },
    getToken: async () => ({ token: `tok-${++count}` }),
  }
}

function prefixFetch(provider = counting()) {
  return createCaeFetch({
    tokenProvider: provider,
    resources: [{ url: `${originA}/api`, scopes: ['api://a/.default'] }],
  })
}

describe('redirects cae-kit follows itself (path-prefixed resource)', () => {
  it('drops Cookie and Proxy-Authorization on a cross-origin redirect, as fetch does', async () => {
    const headers = { cookie: 'session=s3cret', 'proxy-authorization': 'Basic cHJveHk6cHc=' }
    // Baseline: Node's own fetch following the same redirect.
    await fetch(`${originA}/api/cross`, { headers })
    const bare = seen.find((s) => s.server === 'b')
    expect(bare?.cookie).toBeUndefined()
    expect(bare?.proxyAuthorization).toBeUndefined()
    seen.length = 0
    const response = await prefixFetch()(`${originA}/api/cross`, { headers })
    expect(response.status).toBe(200)
    const hop = seen.find((s) => s.server === 'b')
    expect(hop?.authorization).toBeUndefined()
    expect(hop?.cookie).toBeUndefined()
    expect(hop?.proxyAuthorization).toBeUndefined()
  })

  it("keeps a Request input's integrity when it follows redirects itself", async () => {
    const integrity = 'sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='
    // Baseline: fetch rejects a response whose bytes do not match the integrity metadata.
    await expect(fetch(new Request(`${originA}/api/me`, { integrity }))).rejects.toThrow(TypeError)
    await expect(prefixFetch()(new Request(`${originA}/api/me`, { integrity }))).rejects.toThrow(
      TypeError,
    )
  })

  it('does not follow a redirect to a non-HTTP(S) URL, as fetch does not', async () => {
    await expect(fetch(`${originA}/api/data`)).rejects.toThrow(TypeError)
    await expect(prefixFetch()(`${originA}/api/data`)).rejects.toThrow(TypeError)
  })

  it('answers a challenge after a 303 by replaying the challenged GET, not re-sending the POST', async () => {
    const provider = counting()
    const caeFetch = prefixFetch(provider)
    await caeFetch(`${originA}/api/warm`)
    revoked.add('Bearer tok-1')
    seen.length = 0
    const response = await caeFetch(`${originA}/api/orders`, { method: 'POST', body: 'order' })
    expect(response.status).toBe(200)
    // The POST succeeded (303): only the GET it redirected to was challenged.
    expect(seen.filter((s) => s.method === 'POST')).toHaveLength(1)
  })
})

describe('challenges and aborts across redirects', () => {
  it('answers a challenge from a 308 target inside the resource by replaying that hop with its body', async () => {
    const provider = counting()
    const caeFetch = prefixFetch(provider)
    await caeFetch(`${originA}/api/warm`)
    revoked.add('Bearer tok-1')
    seen.length = 0
    const request = new Request(`${originA}/api/move`, { method: 'PUT', body: 'payload' })
    const response = await caeFetch(request)
    expect(response.status).toBe(200)
    expect(response.redirected).toBe(true)
    expect(response.url).toBe(`${originA}/api/moved`)
    expect(seen.map((s) => [s.method, s.path, s.authorization, s.body])).toEqual([
      ['PUT', '/api/move', 'Bearer tok-1', 'payload'],
      ['PUT', '/api/moved', 'Bearer tok-1', 'payload'],
      ['PUT', '/api/moved', 'Bearer tok-2', 'payload'],
    ])
  })

  it('passes an aborted signal to the next hop', async () => {
    const controller = new AbortController()
    const send: typeof fetch = async (input, init) => {
      const response = await fetch(input, init)
      if (response.status === 307) controller.abort(new Error('stop'))
      return response
    }
    const caeFetch = createCaeFetch({
      fetch: send,
      tokenProvider: counting(),
      resources: [{ url: `${originA}/api`, scopes: ['s'] }],
    })
    await expect(caeFetch(`${originA}/api/slow`, { signal: controller.signal })).rejects.toThrow(
      'stop',
    )
  })
})
