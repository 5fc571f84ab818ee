// @vitest-environment node
import { Readable } from 'node:stream'
import axios, { type InternalAxiosRequestConfig, isAxiosError, isCancel } from 'axios'
import { HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { counting, revocation } from '../test/challenging-api'
import { attachCae } from './attach'

const seen: { path: string; authorization: string | null }[] = []
/** Tokens the API rejects with a claims challenge. */
const revoked = new Set<string>()

const server = setupServer(
  http.all(
    'https://api.test/v1/go',
    () =>
      new HttpResponse(null, {
        status: 302,
        headers: { location: 'https://api.test/public/landing' },
      }),
  ),
  http.all('https://api.test/*', async ({ request }) => {
    const authorization = request.headers.get('authorization')
    seen.push({ path: new URL(request.url).pathname, authorization })
    await request.arrayBuffer()
    if (authorization && revoked.has(authorization)) {
      // Each revocation is its own event, with its own claims (as with Entra).
      return new HttpResponse('challenged', {
        status: 401,
        headers: { 'www-authenticate': revocation([...revoked].indexOf(authorization) + 1) },
      })
    }
    return HttpResponse.text('ok')
  }),
)
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => {
  seen.length = 0
  revoked.clear()
})
afterAll(() => server.close())

const resources = [{ url: 'https://api.test/v1', scopes: ['api://test/.default'] }]

describe('attachCae', () => {
  it('removes its interceptors when detached', async () => {
    const instance = axios.create()
    const detach = attachCae(instance, { tokenProvider: counting(), resources })
    await instance.get('https://api.test/v1/me')
    detach()
    detach()
    await instance.get('https://api.test/v1/me')
    expect(seen.map((s) => s.authorization)).toEqual(['Bearer tok-1', null])
  })

  it('matches baseURL + url as axios joins them', async () => {
    const instance = axios.create({ baseURL: 'https://api.test/v1/' })
    attachCae(instance, { tokenProvider: counting(), resources })
    await instance.get('/me')
    await instance.get('https://api.test/v2/me')
    const strict = axios.create({ baseURL: 'https://api.test/v1', allowAbsoluteUrls: false })
    attachCae(strict, { tokenProvider: counting(), resources })
    await strict.get('me')
    expect(seen).toEqual([
      { path: '/v1/me', authorization: 'Bearer tok-1' },
      { path: '/v2/me', authorization: null },
      { path: '/v1/me', authorization: 'Bearer tok-1' },
    ])
  })

  it('drops the token on a redirect leaving the resource within the same origin', async () => {
    const instance = axios.create()
    attachCae(instance, { tokenProvider: counting(), resources })
    await instance.get('https://api.test/v1/go')
    expect(seen).toEqual([{ path: '/public/landing', authorization: null }])
  })

  it('answers a 401 that validateStatus lets through, and resolves a second one', async () => {
    const instance = axios.create({ validateStatus: () => true })
    const provider = counting()
    attachCae(instance, { tokenProvider: provider, resources })
    await instance.get('https://api.test/v1/me')
    revoked.add('Bearer tok-1')
    expect((await instance.get('https://api.test/v1/me')).status).toBe(200)
    revoked.add('Bearer tok-2')
    revoked.add('Bearer tok-3')
    expect((await instance.get('https://api.test/v1/me')).status).toBe(401)
    expect(provider.count).toBe(3)
  })

  it('treats basic auth as the caller opting out', async () => {
    const instance = axios.create()
    const provider = counting()
    attachCae(instance, { tokenProvider: provider, resources })
    await instance.get('https://api.test/v1/me', { auth: { username: 'u', password: 'p' } })
    expect(provider.count).toBe(0)
    expect(seen[0]?.authorization).toMatch(/^Basic /)
  })

  it('authorizes a request whose auth is null (axios sends no Basic for it)', async () => {
    const instance = axios.create({ auth: { username: 'u', password: 'p' } })
    attachCae(instance, { tokenProvider: counting(), resources })
    await instance.get('https://api.test/v1/me', { auth: null as never })
    expect(seen[0]?.authorization).toBe('Bearer tok-1')
  })

  it('sends a stream it cannot read ahead as it is, and reports it when challenged', async () => {
    const instance = axios.create()
    attachCae(instance, { tokenProvider: counting(), resources })
    await instance.get('https://api.test/v1/me')
    revoked.add('Bearer tok-1')
    const stream = Readable.from([Buffer.from('data')])
    Object.defineProperty(stream, 'unshift', { value: undefined })
    const error = await instance.post('https://api.test/v1/upload', stream).catch((e: unknown) => e)
    expect(isAxiosError(error)).toBe(false)
    expect(error).toMatchObject({ code: 'ERR_CAE_BODY_NOT_REPLAYABLE' })
    expect(seen.map((s) => s.path)).toEqual(['/v1/me', '/v1/upload'])
  })

  it('authorizes and replays through asynchronous interceptors added before and after it', async () => {
    const instance = axios.create()
    const tag = (name: string) => async (config: InternalAxiosRequestConfig) => {
      await new Promise((resolve) => setTimeout(resolve, 1))
      config.headers.set(name, '1')
      return config
    }
    instance.interceptors.request.use(tag('x-before'))
    const provider = counting()
    attachCae(instance, { tokenProvider: provider, resources })
    instance.interceptors.request.use(tag('x-after'))
    // The first token is not cached: it is acquired within the send, which is then challenged.
    revoked.add('Bearer tok-1')
    const response = await instance.post('https://api.test/v1/me', { a: 1 })
    expect(response.data).toBe('ok')
    expect(response.config.headers.get('x-before')).toBe('1')
    expect(response.config.headers.get('x-after')).toBe('1')
    expect(seen.map((s) => s.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-2'])
    expect(provider.count).toBe(2)
  })

  it('rejects as canceled, leaving nothing unhandled, when aborted before the first token', async () => {
    const instance = axios.create()
    const provider = counting()
    attachCae(instance, { tokenProvider: provider, resources })
    const controller = new AbortController()
    controller.abort(new Error('stop'))
    const error = await instance
      .get('https://api.test/v1/me', { signal: controller.signal })
      .catch((e: unknown) => e)
    expect(isCancel(error)).toBe(true)
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(seen).toEqual([])
  })
  it('keeps partitions apart and sends nothing when partitionKey throws', async () => {
    const instance = axios.create()
    const provider = counting()
    let user: string | undefined = 'alice'
    attachCae(instance, {
      tokenProvider: provider,
      resources,
      partitionKey: () => {
        if (user === undefined) throw new Error('no caller')
        return user
      },
    })
    await instance.get('https://api.test/v1/a')
    user = 'bob'
    await instance.get('https://api.test/v1/b')
    user = undefined
    const error = await instance.get('https://api.test/v1/c').catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'ERR_CAE_INVALID_OPTIONS' })
    expect(seen).toEqual([
      { path: '/v1/a', authorization: 'Bearer tok-1' },
      { path: '/v1/b', authorization: 'Bearer tok-2' },
    ])
  })
})
