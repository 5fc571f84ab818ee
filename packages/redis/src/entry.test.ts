// @vitest-environment node
import { randomBytes } from 'node:crypto'
import { AccessBlockedError } from '@cae-kit/core'
import { describe, expect, it } from 'vitest'
import { aesGcm, plainText } from './cipher'
import { failureEntry, openEntry, SHARED_FAILURE_TTL_MS, tokenEntry } from './entry'
import { sha256 } from './keys'

const KEY = 'cae-kit:app:{id}:entry'
const TOKEN = 'eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJkYWVtb24ifQ.c2lnbmF0dXJl'
const now = 1_800_000_000_000

describe('tokenEntry and openEntry', () => {
  it('round-trips a token sealed with AES-256-GCM, whose stored text holds no token', () => {
    const cipher = aesGcm(randomBytes(32))
    const token = { token: TOKEN, expiresOn: now + 3_600_000, tokenType: 'Bearer' }
    const entry = tokenEntry(token, cipher, KEY, now)
    expect(entry?.ttlMs).toBe(3_600_000)
    expect(entry?.value).not.toContain(TOKEN)
    expect(entry?.value).not.toContain('eyJ')
    expect(
      entry?.value.startsWith(`1|${cipher.keyId}|t|${sha256(TOKEN)}|${now + 3_540_000}|`),
    ).toBe(true)
    expect(openEntry(entry?.value ?? '', cipher, KEY)).toEqual({ token })
  })

  it('refreshes a short-lived token halfway through its life, like the engine', () => {
    const entry = tokenEntry({ token: 't', expiresOn: now + 60_000 }, plainText, KEY, now)
    expect(entry?.value.split('|')[4]).toBe(String(now + 30_000))
  })

  it('keeps a token without expiry five minutes, and shares no token already expired', () => {
    expect(tokenEntry({ token: 't' }, plainText, KEY, now)?.ttlMs).toBe(300_000)
    expect(tokenEntry({ token: 't', expiresOn: now - 1 }, plainText, KEY, now)).toBeUndefined()
  })

  it('opens nothing sealed under another key, under another entry name, or tampered with', () => {
    const cipher = aesGcm(randomBytes(32))
    const value = tokenEntry({ token: TOKEN }, cipher, KEY, now)?.value ?? ''
    expect(openEntry(value, aesGcm(randomBytes(32)), KEY)).toBeUndefined()
    expect(openEntry(value, plainText, KEY)).toBeUndefined()
    // Copied under another partition's key: the key is the additional data, so it fails.
    expect(openEntry(value, cipher, 'cae-kit:app:{other}:entry')).toBeUndefined()
    const sealed = value.split('|')[5] ?? ''
    const flipped = Buffer.from(sealed, 'base64')
    flipped[20] = (flipped[20] ?? 0) ^ 1
    expect(
      openEntry(value.replace(sealed, flipped.toString('base64')), cipher, KEY),
    ).toBeUndefined()
  })

  it('opens nothing whose token does not match the hash the script judged it by', () => {
    const value = tokenEntry({ token: TOKEN }, plainText, KEY, now)?.value ?? ''
    expect(openEntry(value.replace(sha256(TOKEN), sha256('other')), plainText, KEY)).toBeUndefined()
    expect(openEntry('garbage', plainText, KEY)).toBeUndefined()
    expect(openEntry('1|plain|t|x|1|{not json', plainText, KEY)).toBeUndefined()
  })
})

describe('failureEntry', () => {
  it('rebuilds the same coded error class for 10 seconds', () => {
    const cipher = aesGcm(randomBytes(32))
    const failure = { code: 'ERR_CAE_ACCESS_BLOCKED', message: 'access blocked', claims: '{}' }
    const entry = failureEntry(failure, cipher, KEY)
    expect(entry.ttlMs).toBe(SHARED_FAILURE_TTL_MS)
    const opened = openEntry(entry.value, cipher, KEY)
    expect(opened && 'failure' in opened && opened.failure).toBeInstanceOf(AccessBlockedError)
    expect(opened).toMatchObject({ failure: { code: 'ERR_CAE_ACCESS_BLOCKED', claims: '{}' } })
  })

  it('opens nothing for a code that is not a cae-kit code (data read from a peer)', () => {
    const entry = failureEntry(
      { code: 'constructor', message: 'x', claims: undefined },
      plainText,
      KEY,
    )
    expect(openEntry(entry.value, plainText, KEY)).toBeUndefined()
  })
})

describe('failureEntry of a retryable failure', () => {
  it('records when it failed and lives as long as asked', () => {
    const failure = {
      code: 'ERR_CAE_TOKEN_ACQUISITION_FAILED',
      message: 'failed',
      claims: undefined,
    }
    const entry = failureEntry(failure, plainText, KEY, { at: now, ttlMs: 5_000 })
    expect(entry.ttlMs).toBe(5_000)
    expect(entry.value.startsWith(`1|plain|f||${now}|`)).toBe(true)
    expect(openEntry(entry.value, plainText, KEY)).toMatchObject({
      failure: { code: 'ERR_CAE_TOKEN_ACQUISITION_FAILED', message: 'failed' },
    })
  })
})
