// @vitest-environment node
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createCaeFetch } from './fetch'

/** What the server saw, one entry per request, in order. */
const seen: { method: string; path: string; authorization: string | undefined; body: string }[] = []
let server: Server
let origin = ''

/** Routes: `/…/go-<status>-<target path, slashes as ~>` redirects; anything else answers 200. */
function route(req: IncomingMessage, body: string) {
  const path = req.url ?? '/'
  seen.push({ method: req.method ?? '', path, authorization: req.headers.authorization, body })
  const redirect = /\/go-(\d{3})-(.*)$/.exec(path)
  if (redirect) return { status: Number(redirect[1]), location: redirect[2]?.replaceAll('~', '/') }
  if (path.startsWith('/loop')) return { status: 302, location: path }
  return { status: 200 }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const { status, location } = route(req, Buffer.concat(chunks).toString())
      res.writeHead(status, location === undefined ? {} : { location })
      res.end(status === 200 ? 'ok' : '')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))
beforeEach(() => {
  seen.length = 0
})

const tokenProvider = { getToken: async () => ({ token: 'secret' }) }

function caeFetch(...paths: string[]) {
  const resources = paths.map((path, i) => ({ url: `${origin}${path}`, scopes: [`s${i}`] }))
  return createCaeFetch({ tokenProvider, resources })
}

describe('redirects of a resource narrower than its origin', () => {
  it('never sends the token to a same-origin path outside the path prefix', async () => {
    const response = await caeFetch('/v1')(`${origin}/v1/go-302-~public~landing`)
    expect(response.status).toBe(200)
    expect(response.redirected).toBe(true)
    expect(response.url).toBe(`${origin}/public/landing`)
    expect(seen.map((r) => [r.path, r.authorization])).toEqual([
      ['/v1/go-302-~public~landing', 'Bearer secret'],
      ['/public/landing', undefined],
    ])
  })

  it('never sends one resource token to another resource on the same origin', async () => {
    const response = await caeFetch('/a', '/b')(`${origin}/a/go-307-~b~x`, {
      method: 'POST',
      body: 'hello',
    })
    expect(response.status).toBe(200)
    expect(seen.map((r) => [r.method, r.path, r.authorization, r.body])).toEqual([
      ['POST', '/a/go-307-~b~x', 'Bearer secret', 'hello'],
      ['POST', '/b/x', undefined, 'hello'],
    ])
  })

  it('keeps the token on a redirect that stays inside the resource', async () => {
    await caeFetch('/v1')(`${origin}/v1/go-301-~v1~moved`)
    expect(seen.map((r) => r.authorization)).toEqual(['Bearer secret', 'Bearer secret'])
  })

  it('turns a POST into a bodiless GET on 303, as fetch does', async () => {
    await caeFetch('/v1')(`${origin}/v1/go-303-~v1~result`, {
      method: 'POST',
      body: 'form',
      headers: { 'content-type': 'text/plain' },
    })
    expect(seen.map((r) => [r.method, r.body])).toEqual([
      ['POST', 'form'],
      ['GET', ''],
    ])
  })

  it('rejects with a TypeError after 20 redirects, as fetch does', async () => {
    await expect(caeFetch('/loop')(`${origin}/loop`)).rejects.toBeInstanceOf(TypeError)
    expect(seen).toHaveLength(21)
  })

  it("leaves redirect: 'manual' to the caller", async () => {
    const response = await caeFetch('/v1')(`${origin}/v1/go-302-~public`, { redirect: 'manual' })
    expect(response.status).toBe(302)
    expect(seen).toHaveLength(1)
  })

  it('follows redirects of a Request input too', async () => {
    await caeFetch('/v1')(new Request(`${origin}/v1/go-302-~public~landing`))
    expect(seen.map((r) => r.authorization)).toEqual(['Bearer secret', undefined])
  })
})
