// @vitest-environment node
/**
 * What the engine does when the same challenge comes back (issue 11, defect 10), and when the
 * provider refuses for good (an access block): never a loop, never hammering the token endpoint,
 * and no outage when something new happened.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { CLAIMS, challenge, ok, scripted } from './__fixtures__/transport'
import { createCaeEngine, REANSWER_AFTER_MS } from './engine'
import { AccessBlockedError, TokenAcquisitionError } from './errors'
import { REFUSAL_MEMORY_MS } from './internal/acquire'
import type { TokenProvider, TokenRequest } from './provider'

const resources = [{ url: 'https://a.test', scopes: ['s'] }]
const url = 'https://a.test/x'

function provider(fail?: (request: TokenRequest) => Error | undefined) {
  const calls: TokenRequest[] = []
  const tokenProvider: TokenProvider = {
    async getToken(request) {
      calls.push(request)
      const error = fail?.(request)
      if (error) throw error
      return { token: `tok-${calls.length}` }
    },
  }
  return { tokenProvider, calls }
}

afterEach(() => vi.useRealTimers())

describe('a challenge the token the request carried already answered', () => {
  it('is not answered again once that token was refused for it (a client retrying the 401)', async () => {
    const { tokenProvider, calls } = provider()
    const engine = createCaeEngine({ tokenProvider, resources })
    const { transport, sent } = scripted(() => challenge())
    expect((await engine.execute({ url }, transport)).status).toBe(401)
    // Kiota's own retry of a 401 carrying claims: tok-2 was refused for these claims already.
    expect((await engine.execute({ url }, transport)).status).toBe(401)
    expect(calls.map((call) => call.claims)).toEqual([undefined, CLAIMS])
    expect(sent).toEqual(['Bearer tok-1', 'Bearer tok-2', 'Bearer tok-2'])
  })

  it(`is answered again once ${REANSWER_AFTER_MS} ms have passed since that token came`, async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const { tokenProvider, calls } = provider()
    const engine = createCaeEngine({ tokenProvider, resources })
    const { transport } = scripted(() => challenge())
    await engine.execute({ url }, transport)
    vi.setSystemTime(Date.now() + REANSWER_AFTER_MS)
    await engine.execute({ url }, transport)
    expect(calls.map((call) => call.claims)).toEqual([undefined, CLAIMS, CLAIMS])
  })

  it('is answered again when the resource had accepted that token since (a new event in the same second)', async () => {
    // Sessions revoked twice within one second: both challenges carry the same nbf, so the same
    // claims JSON; tok-2 answered the first and was accepted, then the second event refused it.
    const { tokenProvider, calls } = provider()
    const engine = createCaeEngine({ tokenProvider, resources })
    let refused = new Set(['Bearer tok-1'])
    const { transport, sent } = scripted((authorization) =>
      refused.has(authorization ?? '') ? challenge() : ok(),
    )
    expect((await engine.execute({ url }, transport)).status).toBe(200)
    expect((await engine.execute({ url }, transport)).status).toBe(200)
    refused = new Set(['Bearer tok-1', 'Bearer tok-2'])
    expect((await engine.execute({ url }, transport)).status).toBe(200)
    expect(calls.map((call) => call.claims)).toEqual([undefined, CLAIMS, CLAIMS])
    expect(sent).toEqual([
      'Bearer tok-1',
      'Bearer tok-2',
      'Bearer tok-2',
      'Bearer tok-2',
      'Bearer tok-3',
    ])
  })

  it('shares one provider call between concurrent requests refused with the token that answered', async () => {
    const { tokenProvider, calls } = provider()
    const engine = createCaeEngine({ tokenProvider, resources })
    let refused = new Set(['Bearer tok-1'])
    const { transport } = scripted((authorization) =>
      refused.has(authorization ?? '') ? challenge() : ok(),
    )
    await engine.execute({ url }, transport)
    refused = new Set(['Bearer tok-1', 'Bearer tok-2'])
    const results = await Promise.all(
      Array.from({ length: 5 }, () => engine.execute({ url }, transport)),
    )
    expect(results.map((result) => result.status)).toEqual([200, 200, 200, 200, 200])
    expect(calls.map((call) => call.claims)).toEqual([undefined, CLAIMS, CLAIMS])
  })
})

describe('a token request refused as access blocked', () => {
  const blocked = () => new AccessBlockedError('access blocked: AADSTS50057', { claims: CLAIMS })

  it(`is not repeated for the same partition, scopes and claims for ${REFUSAL_MEMORY_MS} ms`, async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] })
    const { tokenProvider, calls } = provider((request) =>
      request.claims === undefined ? undefined : blocked(),
    )
    const engine = createCaeEngine({ tokenProvider, resources })
    const { transport } = scripted(() => challenge())
    const first = await engine.execute({ url }, transport).catch((e: unknown) => e)
    const second = await engine.execute({ url }, transport).catch((e: unknown) => e)
    expect(first).toBeInstanceOf(AccessBlockedError)
    expect(second).toBe(first)
    expect(calls.map((call) => call.claims)).toEqual([undefined, CLAIMS])
    vi.advanceTimersByTime(REFUSAL_MEMORY_MS)
    await expect(engine.execute({ url }, transport)).rejects.toBeInstanceOf(AccessBlockedError)
    expect(calls.map((call) => call.claims)).toEqual([undefined, CLAIMS, CLAIMS])
  })

  it('is remembered for the first token too (a disabled service principal)', async () => {
    const { tokenProvider, calls } = provider(() => blocked())
    const engine = createCaeEngine({ tokenProvider, resources })
    const { transport, sent } = scripted(ok)
    for (let i = 0; i < 3; i++) {
      await expect(engine.execute({ url }, transport)).rejects.toBeInstanceOf(AccessBlockedError)
    }
    expect(calls).toHaveLength(1)
    expect(sent).toEqual([])
  })

  it('is not remembered for other claims, nor is any other failure', async () => {
    let failure: Error = blocked()
    const { tokenProvider, calls } = provider((request) =>
      request.claims === undefined ? undefined : failure,
    )
    const engine = createCaeEngine({ tokenProvider, resources })
    let claims = CLAIMS
    const { transport } = scripted(() => challenge(claims))
    await expect(engine.execute({ url }, transport)).rejects.toBeInstanceOf(AccessBlockedError)
    claims = '{"access_token":{"nbf":{"essential":true,"value":"2"}}}'
    failure = new Error('network down')
    await expect(engine.execute({ url }, transport)).rejects.toBeInstanceOf(TokenAcquisitionError)
    await expect(engine.execute({ url }, transport)).rejects.toBeInstanceOf(TokenAcquisitionError)
    expect(calls).toHaveLength(4)
  })
})
