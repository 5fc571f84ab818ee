// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest'
import { CLAIMS, challenge, ok, type Reply, scripted } from './__fixtures__/transport'
import { createCaeEngine } from './engine'
import type { CaeEvent } from './events'
import type { TokenProvider, TokenRequest } from './provider'
import type { UnsatisfiedReplay } from './types'

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

const resources = [{ url: 'https://a.test', scopes: ['s'] }]

afterEach(() => vi.useRealTimers())

describe('engine.execute', () => {
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
    const { transport, sent } = scripted(ok)
    for (const url of ['https://a.test/', 'https://b.test/', 'https://c.test/']) {
      await engine.execute({ url }, transport)
    }
    expect(sent).toEqual(['Bearer tok-1', 'Bearer tok-1', 'Bearer tok-2'])
    expect(calls.map((call) => call.scopes)).toEqual([['x', 'y'], ['z']])
  })

  it('sends before execute returns when a token is cached (no promise on the hot path)', async () => {
    const engine = createCaeEngine({ ...provider(), resources })
    const { transport, sent } = scripted(ok)
    await engine.execute({ url: 'https://a.test/x' }, transport)
    void engine.execute({ url: 'https://a.test/x' }, transport)
    expect(sent).toEqual(['Bearer tok-1', 'Bearer tok-1'])
  })

  it('sends a request outside the resources once, untouched, without asking for a token', async () => {
    const { tokenProvider, calls } = provider()
    const engine = createCaeEngine({
      tokenProvider,
      resources: [{ url: 'https://a.test/v1', scopes: ['s'] }],
    })
    const { transport, sent } = scripted(() => challenge())
    const result = await engine.execute({ url: 'https://a.test/v2' }, transport)
    expect(result.status).toBe(401)
    expect(sent).toEqual([undefined])
    expect(calls).toHaveLength(0)
    expect(engine.protects('https://a.test/v1/x')).toBe(true)
    expect(engine.protects('https://a.test/v10')).toBe(false)
  })

  it('answers a challenge once, replays once, and resolves with the replay', async () => {
    const { tokenProvider, calls } = provider()
    const engine = createCaeEngine({ tokenProvider, resources })
    const replays: boolean[] = []
    const { transport, sent } = scripted((authorization, attempt) => {
      replays.push(attempt.replay)
      return authorization === 'Bearer tok-1' ? challenge() : ok()
    })
    const result = await engine.execute({ url: 'https://a.test/x' }, transport)
    expect(result.status).toBe(200)
    expect(sent).toEqual(['Bearer tok-1', 'Bearer tok-2'])
    expect(replays).toEqual([false, true])
    expect(calls.map((call) => call.claims)).toEqual([undefined, CLAIMS])
  })

  it('replays once and surfaces the second challenge through the transport', async () => {
    const events: CaeEvent[] = []
    const engine = createCaeEngine({
      ...provider(),
      resources,
      onEvent: (event) => events.push(event),
    })
    const reports: UnsatisfiedReplay<Reply>[] = []
    const { transport, sent } = scripted(() => challenge(), {
      unsatisfied: (report) => {
        reports.push(report)
        return { status: 499, headers: {} }
      },
    })
    const result = await engine.execute({ url: 'https://a.test/x' }, transport)
    expect(result.status).toBe(499)
    expect(sent).toHaveLength(2)
    expect(reports).toEqual([
      {
        code: 'ERR_CAE_CHALLENGE_AFTER_REPLAY',
        claims: CLAIMS,
        stepUp: undefined,
        scopes: ['s'],
        result: challenge(),
        rejection: undefined,
      },
    ])
    expect(events.map((event) => event.type)).toEqual([
      'token',
      'challenge',
      'token',
      'replay',
      'challenge-unsatisfied',
    ])
  })

  it('answers the challenge a rejection carries, and rethrows a rejection that carries none', async () => {
    const engine = createCaeEngine({ ...provider(), resources })
    const failure = (result: Reply) => Object.assign(new Error('http error'), { result })
    const { transport, sent } = scripted(
      (authorization) => {
        if (authorization === 'Bearer tok-1') throw failure(challenge())
        return ok()
      },
      { resultOf: (error) => (error as { result?: Reply }).result },
    )
    expect((await engine.execute({ url: 'https://a.test/x' }, transport)).status).toBe(200)
    expect(sent).toEqual(['Bearer tok-1', 'Bearer tok-2'])
    const broken = new Error('network down')
    const down = scripted(
      () => {
        throw broken
      },
      { resultOf: () => undefined },
    )
    await expect(engine.execute({ url: 'https://a.test/x' }, down.transport)).rejects.toBe(broken)
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
    const engine = createCaeEngine({ tokenProvider, resources })
    // The early request is sent with tok-1 and held until its challenge is released.
    let release: (reply: Reply) => void = () => {}
    const early = scripted((authorization) =>
      authorization === 'Bearer tok-1'
        ? new Promise<Reply>((resolve) => {
            release = resolve
          })
        : ok(),
    )
    const sentEarly = engine.execute({ url: 'https://a.test/x' }, early.transport)
    pending.shift()?.('tok-1')
    await vi.waitFor(() => expect(early.sent).toEqual(['Bearer tok-1']))
    vi.setSystemTime(3_600_000) // tok-1 is due for refresh
    const later = scripted(ok)
    const refresh = engine.execute({ url: 'https://a.test/x' }, later.transport) // a slow refresh
    release(challenge())
    await vi.waitFor(() => expect(calls).toHaveLength(3))
    pending[1]?.('tok-answer') // the challenge is answered first...
    await sentEarly
    pending[0]?.('tok-refresh') // ...then the refresh that started before it ends
    await refresh
    expect(later.sent).toEqual(['Bearer tok-refresh'])
    const next = scripted(ok)
    await engine.execute({ url: 'https://a.test/x' }, next.transport)
    expect(next.sent).toEqual(['Bearer tok-answer'])
    expect(early.sent).toEqual(['Bearer tok-1', 'Bearer tok-answer'])
  })

  it('ignores a challenge from a final URL outside the resource', async () => {
    const { tokenProvider, calls } = provider()
    const engine = createCaeEngine({
      tokenProvider,
      resources: [{ url: 'https://a.test/v1', scopes: ['s'] }],
    })
    for (const url of ['https://other.test/x', 'https://a.test/v2']) {
      const { transport } = scripted(() => ({ ...challenge(), url }))
      expect((await engine.execute({ url: 'https://a.test/v1/x' }, transport)).status).toBe(401)
    }
    expect(calls).toHaveLength(1)
    const inside = scripted((authorization) =>
      authorization === 'Bearer tok-1' ? { ...challenge(), url: 'https://a.test/v1/y' } : ok(),
    )
    expect((await engine.execute({ url: 'https://a.test/v1/x' }, inside.transport)).status).toBe(
      200,
    )
  })

  it('reports why each token was acquired', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const { tokenProvider } = provider({ expiresOn: Date.now() + 3_600_000 })
    const events: CaeEvent[] = []
    const engine = createCaeEngine({
      tokenProvider,
      resources,
      onEvent: (event) => events.push(event),
    })
    await engine.execute({ url: 'https://a.test/x' }, scripted(ok).transport)
    vi.setSystemTime(Date.now() + 3_600_000)
    const { transport } = scripted((_, attempt) => (attempt.replay ? ok() : challenge()))
    await engine.execute({ url: 'https://a.test/x', method: 'post' }, transport)
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
      resources,
    })
    const one = scripted(ok, {
      describe: () => ({
        headers: new Headers({ authorization: 'Bearer old', 'content-type': 'application/json' }),
        body: '{"a":1}',
      }),
    })
    await Promise.all([
      engine.execute({ url: 'https://a.test/one', method: 'post' }, one.transport),
      engine.execute({ url: 'https://a.test/two' }, scripted(ok).transport),
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
      resources,
    })
    const error = await engine
      .execute({ url: 'https://a.test' }, scripted(ok).transport)
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'ERR_CAE_TOKEN_ACQUISITION_FAILED', scopes: ['s'] })
    expect((error as Error).cause).toBeInstanceOf(TypeError)
  })

  it('answers the challenge before rejecting a body it cannot replay', async () => {
    const { tokenProvider, calls } = provider()
    const engine = createCaeEngine({ tokenProvider, resources })
    const request = { kind: 'upload' }
    const { transport, sent } = scripted(() => challenge(), {
      keepBody: async () => false,
      request,
    })
    const error = await engine
      .execute({ url: 'https://a.test/upload', method: 'PUT' }, transport)
      .catch((e: unknown) => e)
    expect(error).toMatchObject({
      code: 'ERR_CAE_BODY_NOT_REPLAYABLE',
      claims: CLAIMS,
      scopes: ['s'],
    })
    expect((error as { response: unknown }).response).toEqual(challenge())
    expect((error as { request: unknown }).request).toBe(request)
    expect(sent).toHaveLength(1)
    expect(calls.map((call) => call.claims)).toEqual([undefined, CLAIMS])
    const next = scripted(ok)
    await engine.execute({ url: 'https://a.test/next' }, next.transport)
    expect(next.sent).toEqual(['Bearer tok-2'])
  })

  it('keeps a body it is given and hands the same kept body to both sends', async () => {
    const engine = createCaeEngine({ ...provider(), resources })
    const bodies: unknown[] = []
    const { transport } = scripted(
      (_, attempt) => {
        bodies.push(attempt.body?.body)
        return attempt.replay ? ok() : challenge()
      },
      { body: new URLSearchParams({ a: '1' }) },
    )
    await engine.execute({ url: 'https://a.test/form', method: 'POST' }, transport)
    expect(bodies).toEqual(['a=1', 'a=1'])
  })

  it('warns when the provider returns a token that has already expired', async () => {
    const warn = vi.fn()
    const engine = createCaeEngine({
      ...provider({ expiresOn: 1_000 }),
      resources,
      logger: { warn },
    })
    const { transport, sent } = scripted(ok)
    await engine.execute({ url: 'https://a.test' }, transport)
    expect(sent).toEqual(['Bearer tok-1'])
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('expired'))
  })
})
