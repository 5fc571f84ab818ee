// @vitest-environment node
import { AsyncLocalStorage } from 'node:async_hooks'
import { describe, expect, it } from 'vitest'
import { challenge, ok, scripted } from './__fixtures__/transport'
import { createCaeEngine } from './engine'
import type { CaeEvent } from './events'
import { createCaeFetch } from './fetch'
import type { AccessToken, TokenProvider, TokenRequest } from './provider'

const CLAIMS = '{"access_token":{"nbf":{"essential":true,"value":"1"}}}'
const resources = [{ url: 'https://api.test', scopes: ['s'] }]

/**
 * A middle tier's setup: the caller lives in an AsyncLocalStorage, the provider reads it (as an
 * on-behalf-of assertion would be read) and so does `partitionKey`. Tokens name their user.
 */
function middleTier(options: { hold?: boolean } = {}) {
  const caller = new AsyncLocalStorage<string>()
  const calls: { user: string | undefined; request: TokenRequest }[] = []
  const held: (() => void)[] = []
  const tokenProvider: TokenProvider = {
    async getToken(request) {
      const user = caller.getStore()
      calls.push({ user, request })
      if (options.hold) await new Promise<void>((resolve) => held.push(resolve))
      return { token: `${user}-${calls.filter((call) => call.user === user).length}` }
    },
  }
  const engine = createCaeEngine({
    tokenProvider,
    resources,
    partitionKey: () => caller.getStore() as string,
  })
  const as = <T>(user: string, run: () => T): T => caller.run(user, run)
  /** Sends one request as `user` and returns the Authorization it was sent with. */
  const authorize = (user: string) =>
    as(user, async () => {
      const { transport, sent } = scripted(ok)
      await engine.execute({ url: 'https://api.test/me' }, transport)
      return sent[0]
    })
  return { engine, calls, held, as, authorize }
}

/** Lets pending promise callbacks run until `condition` holds (no timers involved). */
async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 100 && !condition(); turn++) await Promise.resolve()
  if (!condition()) throw new Error('the provider was not called as expected')
}

describe('partitionKey', () => {
  it('gives two partitions with the same scopes separate tokens and separate provider calls', async () => {
    const { calls, authorize } = middleTier()
    expect(await authorize('alice')).toBe('Bearer alice-1')
    expect(await authorize('bob')).toBe('Bearer bob-1')
    expect(await authorize('alice')).toBe('Bearer alice-1')
    expect(await authorize('bob')).toBe('Bearer bob-1')
    expect(calls.map((call) => call.user)).toEqual(['alice', 'bob'])
  })

  it('never lets concurrent first acquisitions in two partitions share a flight', async () => {
    const { calls, held, authorize } = middleTier({ hold: true })
    const alice = authorize('alice')
    const bob = authorize('bob')
    await until(() => calls.length === 2)
    for (const release of held) release()
    expect(await Promise.all([alice, bob])).toEqual(['Bearer alice-1', 'Bearer bob-1'])
    expect(calls.map((call) => call.user)).toEqual(['alice', 'bob'])
  })

  it('still shares one flight between concurrent requests of the same partition', async () => {
    const { calls, held, authorize } = middleTier({ hold: true })
    const first = authorize('alice')
    const second = authorize('alice')
    await until(() => calls.length === 1)
    for (const release of held) release()
    expect(await Promise.all([first, second])).toEqual(['Bearer alice-1', 'Bearer alice-1'])
    expect(calls).toHaveLength(1)
  })

  it("answers a challenge in one partition without refreshing or reusing another's token", async () => {
    const { calls, as, authorize, engine } = middleTier()
    const answer = (user: string) =>
      as(user, async () => {
        const { transport, sent } = scripted((_, attempt) => (attempt.replay ? ok() : challenge()))
        await engine.execute({ url: 'https://api.test/me' }, transport)
        return sent[1]
      })
    expect(await authorize('bob')).toBe('Bearer bob-1')
    expect(await answer('alice')).toBe('Bearer alice-2')
    expect(await authorize('bob')).toBe('Bearer bob-1')
    // Same challenge in bob's partition: his own provider call, never alice's fresh token.
    expect(await answer('bob')).toBe('Bearer bob-2')
    expect(calls.map((call) => [call.user, call.request.claims])).toEqual([
      ['bob', undefined],
      ['alice', undefined],
      ['alice', CLAIMS],
      ['bob', CLAIMS],
    ])
  })

  it('rejects with ERR_CAE_INVALID_OPTIONS before any provider call when it throws or returns no string', async () => {
    const events: CaeEvent[] = []
    const thrown = new Error('outside a request')
    const keys = [
      () => {
        throw thrown
      },
      () => undefined as unknown as string,
    ]
    for (const partitionKey of keys) {
      let called = 0
      const engine = createCaeEngine({
        tokenProvider: { getToken: async () => ({ token: `t${++called}` }) },
        resources,
        partitionKey,
        onEvent: (event) => events.push(event),
      })
      const error = await engine
        .execute({ url: 'https://api.test/me' }, scripted(ok).transport)
        .catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'ERR_CAE_INVALID_OPTIONS' })
      expect(called).toBe(0)
    }
    expect(events.map((event) => event.type)).toEqual(['error', 'error'])
    expect((events[0] as { error: Error }).error.cause).toBe(thrown)
  })

  it('calls it once per protected request with the URL and upper-case method, never for others', async () => {
    const seen: { url: string; method: string }[] = []
    const sent: (string | null)[] = []
    const caeFetch = createCaeFetch({
      tokenProvider: { getToken: async (): Promise<AccessToken> => ({ token: 't' }) },
      resources,
      partitionKey: (request) => {
        seen.push(request)
        if (request.method === 'DELETE') throw new Error('no caller')
        return 'p'
      },
      fetch: async (input, init) => {
        sent.push(new Request(input, init).headers.get('authorization'))
        return new Response('ok')
      },
    })
    await caeFetch('https://api.test/a?x=1', { method: 'post', body: 'b' })
    await caeFetch('https://elsewhere.test/b')
    const error = await caeFetch('https://api.test/c', { method: 'DELETE' }).catch((e) => e)
    expect(error).toMatchObject({ code: 'ERR_CAE_INVALID_OPTIONS' })
    expect(seen).toEqual([
      { url: 'https://api.test/a?x=1', method: 'POST' },
      { url: 'https://api.test/c', method: 'DELETE' },
    ])
    expect(sent).toEqual(['Bearer t', null])
  })
})
