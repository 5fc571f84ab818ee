// @vitest-environment node
import { describe, expect, it } from 'vitest'
import {
  createTokenCache,
  EXPIRY_SKEW_MS,
  isFresh,
  SWEEP_FLOOR,
  type TokenCache,
} from './token-cache'

const HOUR = 3_600_000

/** The token for `key` if it is fresh at `now`, as the engine reads it. */
function fresh(cache: TokenCache, key: string, now: number) {
  const entry = cache.current(key)
  return isFresh(entry, now) ? entry : undefined
}

describe('createTokenCache', () => {
  it('serves a token until shortly before it expires', () => {
    const cache = createTokenCache()
    cache.store('s', { token: 'a', expiresOn: HOUR }, '', 0, 0)
    expect(fresh(cache, 's', HOUR - EXPIRY_SKEW_MS - 1)?.authorization).toBe('Bearer a')
    expect(fresh(cache, 's', HOUR - EXPIRY_SKEW_MS)).toBeUndefined()
    expect(cache.current('s')?.authorization).toBe('Bearer a')
  })

  it('uses a short-lived token for half of its remaining life', () => {
    const cache = createTokenCache()
    cache.store('s', { token: 'a', expiresOn: 40_000 }, '', 0, 0)
    expect(fresh(cache, 's', 19_999)).toBeDefined()
    expect(fresh(cache, 's', 20_000)).toBeUndefined()
  })

  it('keeps a token without expiry until it is replaced', () => {
    const cache = createTokenCache()
    cache.store('s', { token: 'a' }, '', 0, 0)
    expect(fresh(cache, 's', Number.MAX_SAFE_INTEGER)?.authorization).toBe('Bearer a')
    cache.store('s', { token: 'b', tokenType: 'PoP' }, 'c {"x":1}', 1, 0)
    expect(cache.current('s')).toMatchObject({ authorization: 'PoP b', challengeKey: 'c {"x":1}' })
    expect(cache.current('other')).toBeUndefined()
  })

  it('drops the entries of expired tokens once it has grown, and keeps the others', () => {
    const cache = createTokenCache()
    cache.store('forever', { token: 'f' }, '', 0, 0)
    cache.store('live', { token: 'l', expiresOn: 3 * HOUR }, '', 0, 0)
    // One store short of the floor: nothing is swept yet.
    for (let user = 0; user < SWEEP_FLOOR - 3; user++) {
      cache.store(`gone-${user}`, { token: 'g', expiresOn: HOUR }, '', 0, 0)
    }
    expect(cache.current('gone-0')).toBeDefined()
    cache.store('new', { token: 'n', expiresOn: 3 * HOUR }, '', 2 * HOUR, 0)
    expect(cache.current('gone-0')).toBeUndefined()
    expect(cache.current(`gone-${SWEEP_FLOOR - 4}`)).toBeUndefined()
    expect(['forever', 'live', 'new'].map((key) => cache.current(key)?.authorization)).toEqual([
      'Bearer f',
      'Bearer l',
      'Bearer n',
    ])
  })

  it('keeps the newer token when an acquisition that started earlier finishes later', () => {
    const cache = createTokenCache()
    const late = cache.store('s', { token: 'new' }, 'c {}', 0, 2)
    const early = cache.store('s', { token: 'old' }, '', 1, 1)
    expect(early.authorization).toBe('Bearer old') // its own waiters still get it
    expect(late.authorization).toBe('Bearer new')
    expect(cache.current('s')).toMatchObject({ authorization: 'Bearer new', challengeKey: 'c {}' })
  })
})
