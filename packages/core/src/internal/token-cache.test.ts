// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { createTokenCache, EXPIRY_SKEW_MS } from './token-cache'

const HOUR = 3_600_000

describe('createTokenCache', () => {
  it('serves a token until shortly before it expires', () => {
    const cache = createTokenCache()
    cache.store('s', { token: 'a', expiresOn: HOUR }, '', 0)
    expect(cache.fresh('s', HOUR - EXPIRY_SKEW_MS - 1)?.authorization).toBe('Bearer a')
    expect(cache.fresh('s', HOUR - EXPIRY_SKEW_MS)).toBeUndefined()
    expect(cache.current('s')?.authorization).toBe('Bearer a')
  })

  it('uses a short-lived token for half of its remaining life', () => {
    const cache = createTokenCache()
    cache.store('s', { token: 'a', expiresOn: 40_000 }, '', 0)
    expect(cache.fresh('s', 19_999)).toBeDefined()
    expect(cache.fresh('s', 20_000)).toBeUndefined()
  })

  it('keeps a token without expiry until it is replaced', () => {
    const cache = createTokenCache()
    cache.store('s', { token: 'a' }, '', 0)
    expect(cache.fresh('s', Number.MAX_SAFE_INTEGER)?.authorization).toBe('Bearer a')
    cache.store('s', { token: 'b', tokenType: 'PoP' }, 'c {"x":1}', 1)
    expect(cache.current('s')).toMatchObject({ authorization: 'PoP b', challengeKey: 'c {"x":1}' })
    expect(cache.current('other')).toBeUndefined()
  })
})
