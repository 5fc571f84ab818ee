// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { CLAIMS, challenge, ok, scripted } from './__fixtures__/transport'
import { createCaeEngine } from './engine'
import { AccessBlockedError } from './errors'
import type { AccessToken, TokenProvider, TokenRequest } from './provider'
import type { CaeCoordinator, CoordinatedAcquisition } from './types'

const resources = [{ url: 'https://api.test', scopes: ['s'] }]

function counting() {
  const calls: TokenRequest[] = []
  const tokenProvider: TokenProvider = {
    async getToken(request) {
      calls.push(request)
      return { token: `own-${calls.length}` }
    },
  }
  return { tokenProvider, calls }
}

/**
 * A fleet in memory: the newest token any process stored per scopes (and claims); a process takes
 * it unless it is the one its request rejected, else acquires and shares its own.
 */
function memoryFleet() {
  const shared = new Map<string, AccessToken>()
  const seen: CoordinatedAcquisition[] = []
  const keyOf = (request: CoordinatedAcquisition) =>
    `${request.partition}|${request.scopes.join(' ')}|${request.claims ?? ''}`
  const coordinator: CaeCoordinator = {
    async acquire(request, acquire) {
      seen.push(request)
      const token = shared.get(keyOf(request))
      if (token && token.token !== request.rejectedToken) return token
      const own = await acquire(request.signal)
      shared.set(keyOf(request), own)
      return own
    },
  }
  return { coordinator, shared, seen, keyOf }
}

describe('CaeOptions.coordinator', () => {
  it('takes a token another process shared, without calling the provider', async () => {
    const { tokenProvider, calls } = counting()
    const fleet = memoryFleet()
    fleet.shared.set('undefined|s|', { token: 'from-another-process' })
    const engine = createCaeEngine({ tokenProvider, resources, coordinator: fleet.coordinator })
    const { transport, sent } = scripted(ok)
    await engine.execute({ url: 'https://api.test/a' }, transport)
    expect(sent).toEqual(['Bearer from-another-process'])
    expect(calls).toHaveLength(0)
    expect(fleet.seen).toMatchObject([
      { reason: 'initial', scopes: ['s'], claims: undefined, rejectedToken: undefined },
    ])
  })

  it('says which token was rejected, and never uses it even when the coordinator returns it', async () => {
    const { tokenProvider, calls } = counting()
    const seen: CoordinatedAcquisition[] = []
    // A faulty coordinator: always returns the same shared token, rejected or not.
    const coordinator: CaeCoordinator = {
      acquire: async (request) => {
        seen.push(request)
        return { token: 'shared' }
      },
    }
    const engine = createCaeEngine({ tokenProvider, resources, coordinator })
    const { transport, sent } = scripted((authorization) =>
      authorization === 'Bearer shared' ? challenge() : ok(),
    )
    const result = await engine.execute({ url: 'https://api.test/a' }, transport)
    expect(result.status).toBe(200)
    expect(sent).toEqual(['Bearer shared', 'Bearer own-1'])
    expect(seen[1]).toMatchObject({ reason: 'challenge', claims: CLAIMS, rejectedToken: 'shared' })
    expect(calls.map((call) => call.claims)).toEqual([CLAIMS])
  })

  it("hands the coordinator the raw partition and the provider's acquisition", async () => {
    const { tokenProvider, calls } = counting()
    const fleet = memoryFleet()
    const engine = createCaeEngine({
      tokenProvider,
      resources,
      coordinator: fleet.coordinator,
      partitionKey: () => 'user:alice',
    })
    const { transport, sent } = scripted(ok)
    await engine.execute({ url: 'https://api.test/a' }, transport)
    expect(sent).toEqual(['Bearer own-1'])
    expect(calls).toHaveLength(1)
    expect(fleet.seen[0]?.partition).toBe('user:alice')
    expect(fleet.shared.get('user:alice|s|')).toEqual({ token: 'own-1' })
  })

  it('passes a CaeError from the coordinator unchanged, and wraps anything else', async () => {
    const blocked = new AccessBlockedError('access blocked')
    const trouble = new Error('redis down')
    for (const [thrown, expected] of [
      [blocked, blocked],
      [trouble, { code: 'ERR_CAE_TOKEN_ACQUISITION_FAILED', cause: trouble }],
    ] as const) {
      const { tokenProvider, calls } = counting()
      const engine = createCaeEngine({
        tokenProvider,
        resources,
        coordinator: {
          acquire: async () => {
            throw thrown
          },
        },
      })
      const error = await engine
        .execute({ url: 'https://api.test/a' }, scripted(ok).transport)
        .catch((e: unknown) => e)
      if (expected === blocked) expect(error).toBe(blocked)
      else expect(error).toMatchObject(expected)
      // A rejection is final: the engine does not call the provider behind the coordinator.
      expect(calls).toHaveLength(0)
    }
  })

  it('validates what the coordinator resolves with, like a provider result', async () => {
    const engine = createCaeEngine({
      ...counting(),
      resources,
      coordinator: { acquire: async () => ({ token: 'bad token' }) },
    })
    const error = await engine
      .execute({ url: 'https://api.test/a' }, scripted(ok).transport)
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'ERR_CAE_TOKEN_ACQUISITION_FAILED' })
    expect((error as Error).cause).toBeInstanceOf(TypeError)
  })

  it('bounds the coordinator call with acquisitionTimeoutMs and aborts its signal', async () => {
    let signal: AbortSignal | undefined
    const engine = createCaeEngine({
      ...counting(),
      resources,
      acquisitionTimeoutMs: 30,
      coordinator: {
        acquire: (request) => {
          signal = request.signal
          return new Promise(() => {})
        },
      },
    })
    const error = await engine
      .execute({ url: 'https://api.test/a' }, scripted(ok).transport)
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'ERR_CAE_TOKEN_ACQUISITION_FAILED' })
    expect((error as Error).cause).toMatchObject({ name: 'TimeoutError' })
    expect(signal?.aborted).toBe(true)
  })

  it('is called once per process per key: concurrent requests share one coordinated call', async () => {
    const fleet = memoryFleet()
    const { tokenProvider, calls } = counting()
    const engine = createCaeEngine({ tokenProvider, resources, coordinator: fleet.coordinator })
    await Promise.all(
      Array.from({ length: 5 }, () =>
        engine.execute({ url: 'https://api.test/a' }, scripted(ok).transport),
      ),
    )
    expect(fleet.seen).toHaveLength(1)
    expect(calls).toHaveLength(1)
  })
})
