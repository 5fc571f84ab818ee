// @vitest-environment node
import { Agent, createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { encodeClaims } from '@cae-kit/core'
import axios, { isCancel } from 'axios'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { counting } from '../test/challenging-api'
import { attachCae } from './attach'

const CHALLENGE = `Bearer error="insufficient_claims", claims="${encodeClaims(
  '{"access_token":{"nbf":{"essential":true}}}',
)}"`

const seen: { authorization: string | undefined; body: string }[] = []
const revoked = new Set<string>()
let server: Server
let origin = ''

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      seen.push({
        authorization: req.headers.authorization,
        body: Buffer.concat(chunks).toString(),
      })
      if (revoked.has(req.headers.authorization ?? '')) {
        res.writeHead(401, { 'www-authenticate': CHALLENGE, 'content-type': 'text/plain' })
        res.end('challenged')
        return
      }
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.end('ok')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => {
  server.closeAllConnections()
  return new Promise<void>((resolve) => server.close(() => resolve()))
})
beforeEach(() => {
  seen.length = 0
  revoked.clear()
})

const resources = () => [{ url: origin, scopes: ['api://test/.default'] }]

/** Settles with what `promise` settled with, or 'hung' if it has not settled after `ms`. */
function orHang<T>(promise: Promise<T>, ms = 3000): Promise<T | string | unknown> {
  return Promise.race([
    promise.then(
      (value) => value,
      (error: unknown) => error,
    ),
    new Promise((resolve) => setTimeout(resolve, ms, 'hung')),
  ])
}

describe('streams, signals and timeouts: never a hang or a leak', () => {
  it('aborts the wait for a token with a signal set by an interceptor that runs after it', async () => {
    const instance = axios.create()
    const controller = new AbortController()
    // Registered first, so axios runs it after attachCae's interceptor (reverse order).
    instance.interceptors.request.use((config) => {
      config.signal = controller.signal
      return config
    })
    attachCae(instance, {
      tokenProvider: { getToken: () => new Promise(() => {}) }, // e.g. a sign-in never finished
      resources: resources(),
    })
    const pending = instance.get(`${origin}/me`)
    setTimeout(() => controller.abort(), 50)
    const outcome = await orHang(pending)
    expect(outcome).not.toBe('hung')
    expect(isCancel(outcome)).toBe(true)
  })

  it('frees the connection of a challenged 401 with responseType stream', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    const instance = axios.create({ httpAgent: agent, responseType: 'stream' })
    attachCae(instance, { tokenProvider: counting(), resources: resources() })
    const warm = await instance.get(`${origin}/warm`)
    ;(warm.data as Readable).resume()
    await new Promise((resolve) => (warm.data as Readable).on('end', resolve))
    revoked.add('Bearer tok-1')
    const outcome = await orHang(instance.get(`${origin}/me`))
    agent.destroy()
    expect(outcome).not.toBe('hung')
    expect((outcome as { status?: number }).status).toBe(200)
  })

  it('sends a paused Readable, as axios does', async () => {
    const bare = Readable.from([Buffer.from('hello')])
    bare.pause()
    expect((await orHang(axios.post(`${origin}/up`, bare))) as { status?: number }).toMatchObject({
      status: 200,
    })
    const instance = axios.create()
    attachCae(instance, { tokenProvider: counting(), resources: resources() })
    const stream = Readable.from([Buffer.from('hello')])
    stream.pause()
    const outcome = await orHang(instance.post(`${origin}/up`, stream))
    expect(outcome).not.toBe('hung')
    expect((outcome as { status?: number }).status).toBe(200)
  })

  it('keeps an error listener on an over-limit stream while the token is awaited', async () => {
    let release: () => void = () => {}
    const instance = axios.create()
    attachCae(instance, {
      tokenProvider: {
        getToken: () =>
          new Promise((resolve) => {
            release = () => resolve({ token: 'tok' })
          }),
      },
      resources: resources(),
      maxReplayBodyBytes: 4,
    })
    const stream = new Readable({ read() {} })
    stream.push(Buffer.from('more than four bytes'))
    stream.push(null)
    const pending = instance.post(`${origin}/up`, stream).catch((e: unknown) => e)
    // Let cae-kit read past the limit and put the bytes back.
    await new Promise((resolve) => setTimeout(resolve, 50))
    // The source fails (a proxied client went away) while the token is being acquired: the
    // request must fail, the process must not (no uncaught exception).
    let uncaught = false
    try {
      stream.emit('error', new Error('source failed'))
    } catch {
      uncaught = true
    }
    release()
    await pending
    expect(uncaught).toBe(false)
  })

  it('stops reading a stalled request stream when the signal aborts, as axios does', async () => {
    const stalled = () => {
      const stream = new Readable({ read() {} })
      stream.push(Buffer.from('partial')) // a producer that stalls (a slow or stuck upload)
      return stream
    }
    const bareController = new AbortController()
    const bare = axios.post(`${origin}/up`, stalled(), { signal: bareController.signal })
    setTimeout(() => bareController.abort(), 50)
    expect(isCancel(await orHang(bare))).toBe(true)
    const instance = axios.create()
    attachCae(instance, { tokenProvider: counting(), resources: resources() })
    const controller = new AbortController()
    const pending = instance.post(`${origin}/up`, stalled(), { signal: controller.signal })
    setTimeout(() => controller.abort(), 50)
    const outcome = await orHang(pending)
    expect(outcome).not.toBe('hung')
    expect(isCancel(outcome)).toBe(true)
  })

  it('times out a stalled request stream, as axios does', async () => {
    const stalled = () => {
      const stream = new Readable({ read() {} })
      stream.push(Buffer.from('partial'))
      return stream
    }
    const bare = await orHang(axios.post(`${origin}/up`, stalled(), { timeout: 100 }))
    expect((bare as { code?: string }).code).toBe('ECONNABORTED')
    const instance = axios.create({ timeout: 100 })
    attachCae(instance, { tokenProvider: counting(), resources: resources() })
    const outcome = await orHang(instance.post(`${origin}/up`, stalled()))
    expect(outcome).not.toBe('hung')
    expect((outcome as { code?: string }).code).toBe('ECONNABORTED')
  })
})
