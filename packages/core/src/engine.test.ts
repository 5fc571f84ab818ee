// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest'
import { encodeClaims } from './claims'
import { createCaeEngine } from './engine'
import type { CaeEvent } from './events'
import type { TokenProvider, TokenRequest } from './provider'

const CLAIMS = '{"access_token":{"nbf":{"essential":true,"value":"1"}}}'
const challenged = (claims = CLAIMS) => ({
  status: 401,
  headers: {
    'www-authenticate': `Bearer error="insufficient_claims", claims="${encodeClaims(claims)}"`,
  },
})

function provider(overrides: Partial<{ expiresOn: number; token: string }> = {}) {
  const calls: TokenRequest[] = []
  const tokenProvider: TokenProvider = {
    async getToken(request) {
      calls.push(request)
      return {
        token: overrides.token ?? `tok-${calls.length}`,
        ...(overrides.expiresOn !== undefined && { expiresOn: overrides.expiresOn }),
      }
    },
  }
  return { tokenProvider, calls }
}

afterEach(() => vi.useRealTimers())

describe('createCaeEngine', () => {
  it('gives each set of scopes its own token and shares it between resources with equal scopes', async () => {
    const { tokenProvider, calls } = provider()
    const engine = createCaeEngine({
      tokenProvider,
      resources: [
        { url: 'https://a.test', scopes: ['x', 'y'] },
        { url: 'https://b.test', scopes: ['y', 'x'] },
        { url: 'https://c.test', scopes: ['z'] },
      ],
    })
    const a = await engine.begin({ url: 'https://a.test/' })?.authorize()
    const b = await engine.begin({ url: 'https://b.test/' })?.authorize()
    const c = await engine.begin({ url: 'https://c.test/' })?.authorize()
    expect([a, b, c]).toEqual(['Bearer tok-1', 'Bearer tok-1', 'Bearer tok-2'])
    expect(calls.map((call) => call.scopes)).toEqual([['x', 'y'], ['z']])
  })

  it('keeps the token that answered a challenge when a refresh that started earlier ends later', async () => {
    vi.useFakeTimers({ now: 0, toFake: ['Date'] })
    const pending: ((token: string) => void)[] = []
    const calls: TokenRequest[] = []
    const tokenProvider: TokenProvider = {
      getToken: (request) =>
        new Promise((resolve) => {
          calls.push(request)
          pending.push((token) => resolve({ token, expiresOn: Date.now() + 3_600_000 }))
        }),
    }
    const engine = createCaeEngine({
      tokenProvider,
      resources: [{ url: 'https://a.test', scopes: ['s'] }],
    })
    const begin = () => engine.begin({ url: 'https://a.test/x' })
    const sentEarly = begin()
    const first = sentEarly?.authorize()
    pending.shift()?.('tok-1')
    await first
    vi.setSystemTime(3_600_000) // tok-1 is due for refresh
    const refresh = begin()?.authorize() // a slow refresh without claims starts
    const answered = sentEarly?.answer(sentEarly.detect(challenged()) as never, { response: {} })
    pending[1]?.('tok-answer') // the challenge is answered first...
    expect(await answered).toBe('Bearer tok-answer')
    pending[0]?.('tok-refresh') // ...then the refresh that started before it ends
    expect(await refresh).toBe('Bearer tok-refresh')
    expect(await begin()?.authorize()).toBe('Bearer tok-answer')
    expect(calls).toHaveLength(3)
  })

  it('returns no exchange for a URL outside the resources', () => {
    const engine = createCaeEngine({
      ...provider(),
      resources: [{ url: 'https://a.test/v1', scopes: ['s'] }],
    })
    expect(engine.begin({ url: 'https://a.test/v2' })).toBeUndefined()
    expect(engine.begin({ url: 'https://a.test/v1/x' })).toBeDefined()
  })

  it('ignores a challenge from a final URL outside the resource', () => {
    const engine = createCaeEngine({
      ...provider(),
      resources: [{ url: 'https://a.test/v1', scopes: ['s'] }],
    })
    const exchange = engine.begin({ url: 'https://a.test/v1/x' })
    expect(exchange?.detect(challenged(), 'https://other.test/x')).toBeUndefined()
    expect(exchange?.detect(challenged(), 'https://a.test/v2')).toBeUndefined()
    expect(exchange?.detect(challenged(), 'https://a.test/v1/y')).toMatchObject({
      kind: 'claims',
      claims: CLAIMS,
    })
    expect(exchange?.detect({ status: 200, headers: challenged().headers })).toBeUndefined()
  })

  it('reports why each token was acquired', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const { tokenProvider } = provider({ expiresOn: Date.now() + 3_600_000 })
    const events: CaeEvent[] = []
    const engine = createCaeEngine({
      tokenProvider,
      resources: [{ url: 'https://a.test', scopes: ['s'] }],
      onEvent: (event) => events.push(event),
    })
    const first = engine.begin({ url: 'https://a.test/x' })
    await first?.authorize()
    vi.setSystemTime(Date.now() + 3_600_000)
    const later = engine.begin({ url: 'https://a.test/x', method: 'post' })
    await later?.authorize()
    const challenge = later?.detect(challenged())
    if (challenge === undefined) throw new Error('no challenge detected')
    await later?.answer(challenge, { response: challenged() })
    expect(events.flatMap((e) => (e.type === 'token' ? [[e.reason, e.method]] : []))).toEqual([
      ['initial', 'GET'],
      ['expired', 'POST'],
      ['challenge', 'POST'],
    ])
  })

  it('describes the waiting requests to the provider, without Authorization', async () => {
    let described: unknown
    const engine = createCaeEngine({
      tokenProvider: {
        async getToken({ pendingRequests }) {
          described = await pendingRequests?.()
          return { token: 't' }
        },
      },
      resources: [{ url: 'https://a.test', scopes: ['s'] }],
    })
    const describe = () => ({
      headers: new Headers({ authorization: 'Bearer old', 'content-type': 'application/json' }),
      body: '{"a":1}',
    })
    await Promise.all([
      engine.begin({ url: 'https://a.test/one', method: 'post' })?.authorize(describe),
      engine.begin({ url: 'https://a.test/two' })?.authorize(),
    ])
    expect(described).toEqual([
      {
        method: 'POST',
        url: 'https://a.test/one',
        headers: { 'content-type': 'application/json' },
        body: '{"a":1}',
      },
    ])
  })

  it('rejects with TokenAcquisitionError when the provider resolves without a token', async () => {
    const engine = createCaeEngine({
      tokenProvider: { getToken: async () => ({}) as never },
      resources: [{ url: 'https://a.test', scopes: ['s'] }],
    })
    const error = await Promise.resolve(engine.begin({ url: 'https://a.test' })?.authorize()).catch(
      (e: unknown) => e,
    )
    expect(error).toMatchObject({ code: 'ERR_CAE_TOKEN_ACQUISITION_FAILED', scopes: ['s'] })
    expect((error as Error).cause).toBeInstanceOf(TypeError)
  })

  it('answers the challenge before rejecting a body it cannot replay', async () => {
    const { tokenProvider, calls } = provider()
    const engine = createCaeEngine({
      tokenProvider,
      resources: [{ url: 'https://a.test', scopes: ['s'] }],
    })
    const exchange = engine.begin({ url: 'https://a.test/upload', method: 'PUT' })
    await exchange?.authorize()
    const response = challenged()
    const challenge = exchange?.detect(response)
    if (challenge === undefined) throw new Error('no challenge detected')
    const error = await exchange
      ?.answer(challenge, { response, replayable: false })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({
      code: 'ERR_CAE_BODY_NOT_REPLAYABLE',
      claims: CLAIMS,
      scopes: ['s'],
    })
    expect((error as { response: unknown }).response).toBe(response)
    expect(calls.map((call) => call.claims)).toEqual([undefined, CLAIMS])
    expect(await engine.begin({ url: 'https://a.test/next' })?.authorize()).toBe('Bearer tok-2')
  })

  it('warns when the provider returns a token that has already expired', async () => {
    const warn = vi.fn()
    const engine = createCaeEngine({
      ...provider({ expiresOn: 1_000 }),
      resources: [{ url: 'https://a.test', scopes: ['s'] }],
      logger: { warn },
    })
    expect(await engine.begin({ url: 'https://a.test' })?.authorize()).toBe('Bearer tok-1')
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('expired'))
  })
})
