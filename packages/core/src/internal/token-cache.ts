/**
 * In-memory tokens, one per key (normalized scopes, within a partition when `partitionKey` is
 * set), each remembering which challenge it answered.
 *
 * @module
 */

import type { AccessToken } from '../provider'

/** Refresh this long before `expiresOn` so a token never expires in flight. */
export const EXPIRY_SKEW_MS = 60_000

/** A token as the engine keeps it. */
export interface CachedToken {
  /** The full header value, `<tokenType> <token>`. Compared by value to spot stale requests. */
  readonly authorization: string
  /** The raw access token (what a coordinator compares with `rejectedToken`). */
  readonly token: string
  /**
   * What the token was acquired for: `''` for no challenge, otherwise the challenge key (claims or
   * step-up). A request challenged with the key the current token already answered, but sent with
   * an older token, is replayed with this one without asking the provider again.
   */
  readonly challengeKey: string
  /** Epoch ms after which the token is refreshed before use; `Infinity` when expiry is unknown. */
  readonly refreshAt: number
  /** The provider's `expiresOn`, for events. */
  readonly expiresOn: number | undefined
  /** Order in which the acquisition that produced it started (see `store`). */
  readonly sequence: number
  /** When it was stored, epoch ms. */
  readonly storedAt: number
  /**
   * Set once a request sent with this token was challenged with the challenge it answered: the
   * same challenge carried by a request with this token again is a loop, not answered.
   */
  refused: boolean
}

/**
 * An `Authorization` value: a scheme (an RFC 9110 token), one space, and a header-safe token:
 * visible ASCII, no space (RFC 6750 b64token and every opaque token).
 */
const AUTHORIZATION = /^[\w!#$%&'*+.^`|~-]+ [\x21-\x7e]+$/

/** Entries below which the cache is never swept, and the least growth between sweeps. */
export const SWEEP_FLOOR = 64

/** Whether `entry` is a token that is not due for refresh at `now`. */
export function isFresh(entry: CachedToken | undefined, now: number): entry is CachedToken {
  return entry !== undefined && now < entry.refreshAt
}

/** Token store keyed by normalized scopes (within a partition). */
export interface TokenCache {
  /** The token for `scopesKey`, due for refresh or not (see {@link isFresh}). */
  current(scopesKey: string): CachedToken | undefined
  /**
   * Stores the token a provider's `result` gives for `scopesKey`, replacing the previous one, and
   * returns the entry. Throws a `TypeError` (and stores nothing) when the token or its type would
   * not make a valid `Authorization` value. `sequence` orders acquisitions by their start: a
   * token from an acquisition that started before the one held now (a slow refresh finishing
   * after a challenge was answered) is returned to its waiters but not stored. Drops the entries
   * of tokens expired at `now` once the cache has doubled since it was last swept.
   */
  store(
    scopesKey: string,
    result: AccessToken | undefined,
    challengeKey: string,
    now: number,
    sequence: number,
  ): CachedToken
}

/**
 * Creates an empty token cache.
 *
 * A token is refreshed `EXPIRY_SKEW_MS` before it expires, or halfway through its remaining life
 * when that is shorter, so a short-lived token is still used for a while instead of every request
 * asking the provider again.
 *
 * Memory: with one partition per user, keys come and go. A sweep on `store` drops the entries of
 * expired tokens whenever the cache reaches twice its size after the previous sweep plus
 * {@link SWEEP_FLOOR}, so it stays within about twice the keys holding a live token (or one
 * without expiry), at an amortized constant cost per store. Lookups never sweep: the hot path
 * stays a single `Map` read.
 */
export function createTokenCache(): TokenCache {
  const entries = new Map<string, CachedToken>()
  let sweepAt = SWEEP_FLOOR
  return {
    current: (scopesKey) => entries.get(scopesKey),
    store(scopesKey, result, challengeKey, now, sequence) {
      const { token, tokenType = 'Bearer', expiresOn: expiry } = result ?? {}
      const authorization = `${tokenType} ${token}`
      // A token that is not a valid header value would fail every request for its lifetime. The
      // message never includes the token.
      if (
        typeof token !== 'string' ||
        typeof tokenType !== 'string' ||
        !AUTHORIZATION.test(authorization)
      ) {
        throw new TypeError('token provider returned an invalid token or tokenType')
      }
      const expiresOn = typeof expiry === 'number' ? expiry : undefined
      const refreshAt = Number.isFinite(expiresOn)
        ? (expiresOn as number) -
          Math.min(EXPIRY_SKEW_MS, Math.max(0, ((expiresOn as number) - now) / 2))
        : Infinity
      const entry: CachedToken = {
        authorization,
        token,
        challengeKey,
        refreshAt,
        expiresOn,
        sequence,
        storedAt: now,
        refused: false,
      }
      if ((entries.get(scopesKey)?.sequence ?? -1) > sequence) return entry
      entries.set(scopesKey, entry)
      if (entries.size >= sweepAt) {
        // `undefined <= now` is false: a token without expiry is kept until replaced.
        for (const [key, old] of entries) if ((old.expiresOn as number) <= now) entries.delete(key)
        sweepAt = entries.size * 2 + SWEEP_FLOOR
      }
      return entry
    },
  }
}
