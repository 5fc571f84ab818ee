// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest'
import { encodeClaims } from './claims'
import { createCaeFetch } from './fetch'
import type { TokenProvider } from './provider'

const CHALLENGE = `Bearer error="insufficient_claims", claims="${encodeClaims('{"access_token":{"nbf":{"essential":true,"value":"1"}}}')}"`
const resources = [{ url: 'https://api.test', scopes: ['s'] }]

afterEach(() => {
  vi.useRealTimers()
})

/**
 * A slow request is sent with tok-1 and held; meanwhile a fast request is challenged and answered
 * (tok-2 now answers the claims). Then `elapseMs` pass before the slow request's challenge comes
 * back. Returns the provider calls and the Authorization values /slow was sent with.
 */
async function lateChallenge(elapseMs: number): Promise<{ calls: number; slow: string[] }> {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(1_000_000_000_000)
  let calls = 0
  const provider: TokenProvider = {
    async getToken() {
      calls++
      // Short-lived tokens: each lives two minutes.
      return { token: `tok-${calls}`, expiresOn: Date.now() + 120_000 }
    },
  }
  const slow: string[] = []
  let releaseSlow: (() => void) | undefined
  let held: (() => void) | undefined
  const slowHeld = new Promise<void>((resolve) => {
    held = resolve
  })
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init)
    const authorization = request.headers.get('authorization') ?? ''
    if (request.url.endsWith('/slow')) slow.push(authorization)
    if (request.url.endsWith('/slow') && authorization === 'Bearer tok-1') {
      await new Promise<void>((resolve) => {
        releaseSlow = resolve
        held?.()
      })
    }
    return authorization === 'Bearer tok-1'
      ? new Response('challenged', { status: 401, headers: { 'www-authenticate': CHALLENGE } })
      : new Response('ok')
  })
  const caeFetch = createCaeFetch({ tokenProvider: provider, resources, fetch })
  const pending = caeFetch('https://api.test/slow')
  await slowHeld
  expect((await caeFetch('https://api.test/fast')).status).toBe(200)
  expect(calls).toBe(2)
  vi.setSystemTime(Date.now() + elapseMs)
  releaseSlow?.()
  expect((await pending).status).toBe(200)
  return { calls, slow }
}

describe('stale-token replay', () => {
  it('replays a late challenge with the held token that answers it while that token is fresh', async () => {
    expect(await lateChallenge(1_000)).toEqual({
      calls: 2,
      slow: ['Bearer tok-1', 'Bearer tok-2'],
    })
  })

  it('acquires a new token for a late challenge once the held token is due for refresh', async () => {
    // tok-2 expires (and nobody refreshes it) before the slow request's challenge comes back.
    expect(await lateChallenge(10 * 60_000)).toEqual({
      calls: 3,
      slow: ['Bearer tok-1', 'Bearer tok-3'],
    })
  })
})
