// @vitest-environment node
import { randomBytes } from 'node:crypto'
import { CaeOptionsError } from '@cae-kit/core'
import { describe, expect, it } from 'vitest'
import { DEFAULT_LOCK_TTL_MS, DEFAULT_WAIT_TIMEOUT_MS, resolveCoordinatorOptions } from './options'

const KEY = randomBytes(32)

describe('resolveCoordinatorOptions', () => {
  it('applies the documented defaults and stores plain text without a key', () => {
    expect(resolveCoordinatorOptions({ namespace: 'app-1' })).toMatchObject({
      namespace: 'app-1',
      lockTtlMs: DEFAULT_LOCK_TTL_MS,
      waitTimeoutMs: DEFAULT_WAIT_TIMEOUT_MS,
      cipher: { keyId: 'plain' },
    })
    expect(DEFAULT_WAIT_TIMEOUT_MS).toBeGreaterThan(DEFAULT_LOCK_TTL_MS)
  })

  it('takes a 32-byte key as a Uint8Array or as base64, naming it by the same id', () => {
    const raw = resolveCoordinatorOptions({ namespace: 'a', encryptionKey: new Uint8Array(KEY) })
    const text = resolveCoordinatorOptions({
      namespace: 'a',
      encryptionKey: KEY.toString('base64'),
    })
    expect(raw.cipher.keyId).toMatch(/^[0-9a-f]{16}$/)
    expect(text.cipher.keyId).toBe(raw.cipher.keyId)
  })

  it.each([
    ['16 bytes', new Uint8Array(16)],
    ['33 bytes', new Uint8Array(33)],
    ['base64 of 31 bytes', randomBytes(31).toString('base64')],
    ['text that is not base64', 'not base64 at all!'],
    ['hex of 32 bytes', KEY.toString('hex')],
    ['a number', 42 as unknown as string],
  ])('refuses an encryption key of %s with a setup error that does not echo it', (_, key) => {
    const error = (() => {
      try {
        resolveCoordinatorOptions({ namespace: 'a', encryptionKey: key })
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(CaeOptionsError)
    expect(error).toMatchObject({ code: 'ERR_CAE_INVALID_OPTIONS' })
    if (typeof key === 'string') expect((error as Error).message).not.toContain(key)
  })

  it.each(['', 'has space', 'a{b', 'a}b', 'star*', 'q?', '[x]', 'back\\slash', 'x'.repeat(201)])(
    'refuses the namespace %j (it would break a hash tag, a pattern or a key)',
    (namespace) => {
      expect(() => resolveCoordinatorOptions({ namespace })).toThrow(CaeOptionsError)
    },
  )

  it.each([
    ['lockTtlMs', 0],
    ['lockTtlMs', -1],
    ['lockTtlMs', 1.5],
    ['waitTimeoutMs', Number.NaN],
    ['waitTimeoutMs', '100'],
    ['onFallback', 'console.warn'],
    ['onFallback', null],
  ])('refuses %s = %j', (name, value) => {
    expect(() => resolveCoordinatorOptions({ namespace: 'a', [name]: value })).toThrow(
      expect.objectContaining({
        code: 'ERR_CAE_INVALID_OPTIONS',
        message: expect.stringContaining(name),
      }),
    )
  })

  it('refuses a missing options object with a setup error, not a TypeError', () => {
    expect(() => resolveCoordinatorOptions(undefined as never)).toThrow(CaeOptionsError)
  })
})
