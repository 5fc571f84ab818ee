/**
 * The shared outcome of one acquisition as stored in Redis:
 *
 *     1|<keyId>|t|<sha256 of the token>|<refreshAt ms>|<sealed payload>   a token
 *     1|<keyId>|e||0|<sealed payload>                                     a shared failure
 *     1|<keyId>|f||<failed at ms>|<sealed payload>                        a failure for the
 *                                                                         acquisitions it overlapped
 *
 * The fields before the payload are what the Lua script judges an entry by (which key sealed it,
 * whether it is the token a process wants replaced, whether it is still fresh) without
 * decrypting it. They hold no token: a SHA-256 of one, as MSAL.NET's
 * `WithAccessTokenSha256ToRefresh` compares.
 *
 * @module
 */

import { type AccessToken, createCaeError, isCaeErrorCode } from '@cae-kit/core'
import type { Cipher } from './cipher'
import { sha256 } from './keys'

/** Refresh a shared token this long before it expires (core's skew). */
export const EXPIRY_SKEW_MS = 60_000
/** How long a shared token without `expiresOn` is kept. */
export const UNKNOWN_EXPIRY_TTL_MS = 5 * 60_000
/** How long a non-retryable failure is shared: the other processes fail without calling Entra. */
export const SHARED_FAILURE_TTL_MS = 10_000
/** refreshAt of a token without expiry: never due. */
const NEVER = 9_007_199_254_740_991

/** A failure shared between processes: a code, a message without a token, the claims. */
export interface SharedFailure {
  code: string
  message: string
  claims: string | undefined
}

/** An entry ready to store: its value and how long Redis keeps it. */
export interface StoredEntry {
  value: string
  ttlMs: number
}

/** When a token is refreshed: like core, `EXPIRY_SKEW_MS` early, or halfway for a short one. */
function refreshAt(expiresOn: number | undefined, now: number): number {
  if (expiresOn === undefined) return NEVER
  return Math.floor(expiresOn - Math.min(EXPIRY_SKEW_MS, (expiresOn - now) / 2))
}

/** The entry of `token`, or undefined when it is expired already (nothing to share). */
export function tokenEntry(
  token: AccessToken,
  cipher: Cipher,
  key: string,
  now: number,
): StoredEntry | undefined {
  const { expiresOn } = token
  const ttlMs =
    typeof expiresOn === 'number' && Number.isFinite(expiresOn)
      ? Math.floor(expiresOn - now)
      : UNKNOWN_EXPIRY_TTL_MS
  if (ttlMs <= 0) return undefined
  const payload = JSON.stringify({ t: token.token, e: token.expiresOn, y: token.tokenType })
  const fields = [cipher.keyId, 't', sha256(token.token), refreshAt(token.expiresOn, now)]
  return { value: `1|${fields.join('|')}|${cipher.seal(payload, key)}`, ttlMs }
}

/**
 * The entry of a failure. Without `overlapped`, a non-retryable one, shared with every
 * acquisition for {@link SHARED_FAILURE_TTL_MS}. With it, a retryable one, kept `ttlMs` and
 * shared only with the acquisitions that started before it (they waited for that attempt, as the
 * requests waiting on one in-process acquisition share its failure); a later acquisition tries
 * again.
 */
export function failureEntry(
  failure: SharedFailure,
  cipher: Cipher,
  key: string,
  overlapped?: { at: number; ttlMs: number },
): StoredEntry {
  const payload = JSON.stringify({ c: failure.code, m: failure.message, l: failure.claims })
  const sealed = cipher.seal(payload, key)
  if (overlapped === undefined) {
    return { value: `1|${cipher.keyId}|e||0|${sealed}`, ttlMs: SHARED_FAILURE_TTL_MS }
  }
  return { value: `1|${cipher.keyId}|f||${overlapped.at}|${sealed}`, ttlMs: overlapped.ttlMs }
}

/** What an entry holds, once opened. */
export type OpenedEntry = { token: AccessToken } | { failure: Error }

/**
 * Opens a stored entry. Undefined when it is not one this process can use (another key,
 * tampered, malformed): the caller then acquires as if there were none.
 */
export function openEntry(value: string, cipher: Cipher, key: string): OpenedEntry | undefined {
  const parts = value.split('|')
  if (parts.length < 6 || parts[0] !== '1' || parts[1] !== cipher.keyId) return undefined
  const plaintext = cipher.open(parts.slice(5).join('|'), key)
  if (plaintext === undefined) return undefined
  let payload: Record<string, unknown>
  try {
    payload = JSON.parse(plaintext)
  } catch {
    return undefined
  }
  if (parts[2] === 't' && typeof payload.t === 'string' && sha256(payload.t) === parts[3]) {
    const token: AccessToken = { token: payload.t }
    if (typeof payload.e === 'number') token.expiresOn = payload.e
    if (typeof payload.y === 'string') token.tokenType = payload.y
    return { token }
  }
  const failed = parts[2] === 'e' || parts[2] === 'f'
  if (failed && isCaeErrorCode(payload.c) && typeof payload.m === 'string') {
    const claims = typeof payload.l === 'string' ? payload.l : undefined
    return { failure: createCaeError(payload.c, payload.m, { claims }) }
  }
  return undefined
}
