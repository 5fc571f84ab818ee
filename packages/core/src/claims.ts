/**
 * CAE claims challenges (Microsoft Entra ID): detection in a 401 and decoding of `claims`.
 *
 * @module
 */

import type { Challenge, ParseWwwAuthenticateOptions } from './challenge'
import { isClaimsJson } from './entra'
import { ClaimsDecodeError } from './errors'
import type { ResponseLike } from './headers'
import { decodeBase64, encodeBase64 } from './internal/base64'
import { findBearerChallenge } from './internal/bearer'

// Defined with the headers (a leaf module, which the Bearer challenge reader imports too).
export type { ResponseLike } from './headers'

/** A claims challenge found by {@link getClaimsChallenge}. */
export type ClaimsChallenge = {
  /** The decoded claims request, JSON text exactly as the server encoded it: pass it to MSAL. */
  claims: string
  /** `error` of the challenge: `'insufficient_claims'` or `'invalid_token'`. */
  error: string
  /** `error_description` of the challenge, when present. */
  errorDescription?: string
  /** The whole Bearer challenge, params included (`realm`, `authorization_uri`, raw `claims`). */
  challenge: Challenge
}

/** Options of {@link getClaimsChallenge}. */
export interface GetClaimsChallengeOptions extends ParseWwwAuthenticateOptions {
  /**
   * Accept only `error="insufficient_claims"`. By default `error="invalid_token"` with `claims`
   * counts too: Entra sends it for IP-policy (`xms_rp_ipaddr`) and ARM session-revocation
   * challenges.
   *
   * @default false
   */
  strict?: boolean
}

// Marked pure so that bundles which never decode claims drop them (tree-shaking).
const decoder = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true })
const encoder = /* @__PURE__ */ new TextEncoder()

/**
 * Decodes the `claims` parameter of a claims challenge into the JSON text of the claims request.
 *
 * Accepts standard base64 and base64url, with or without `=` padding, of UTF-8 text; a value that
 * already is a JSON object (starts with `{` once trimmed) is returned trimmed. The text must parse
 * as a JSON object (not an array, `null` or a primitive). The result is the decoded text unchanged,
 * never re-serialised, so the claims reach the token request byte for byte (a leading UTF-8 BOM
 * is dropped).
 *
 * @param value - The `claims` parameter value.
 * @returns The claims request as JSON text.
 * @throws {@link ClaimsDecodeError} (code `ERR_CAE_CLAIMS_INVALID`) when `value` is not base64,
 * base64url or raw JSON, is not UTF-8, or is not a JSON object.
 * @example
 * ```ts
 * decodeClaims('eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZX19fQ')
 * // '{"access_token":{"nbf":{"essential":true}}}'
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/claims-challenge
 */
export function decodeClaims(value: string): string {
  let text = String(value).trim()
  if (!text.startsWith('{')) {
    try {
      // Not base64 gives no bytes, which decode to '': no JSON object either.
      text = decoder.decode(decodeBase64(text))
    } catch {
      text = '' // not UTF-8
    }
  }
  if (!isClaimsJson(text))
    throw new ClaimsDecodeError('claims is not a json object, raw or in base64(url)')
  return text
}

/**
 * Encodes a claims request (JSON text) as the `claims` parameter of a challenge: standard padded
 * base64 of its UTF-8 bytes, as Entra sends it. It does not check that `claims` is JSON, so tests
 * can also build broken challenges.
 *
 * @param claims - JSON text of the claims request.
 * @returns Padded standard base64.
 * @example
 * ```ts
 * encodeClaims('{"access_token":{"acrs":{"essential":true,"value":"c1"}}}')
 * // 'eyJhY2Nlc3NfdG9rZW4iOnsiYWNycyI6eyJlc3NlbnRpYWwiOnRydWUsInZhbHVlIjoiYzEifX19'
 * ```
 */
export function encodeClaims(claims: string): string {
  return encodeBase64(encoder.encode(claims))
}

/**
 * Finds a CAE claims challenge in a response: status 401 and a Bearer challenge, in any position
 * of any `WWW-Authenticate` line, whose `claims` decodes to a JSON object (see
 * {@link decodeClaims}) and whose `error` is `insufficient_claims` or, unless `strict`,
 * `invalid_token`. The first such challenge wins. Never throws: a malformed header, bad base64
 * or non-JSON claims simply yield `undefined`, and the caller keeps the original response.
 *
 * @param response - A fetch `Response`, an axios response, or any `{ status, headers }`.
 * @param options - See {@link GetClaimsChallengeOptions}.
 * @returns The challenge with its decoded claims, or `undefined`.
 * @example
 * ```ts
 * const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } })
 * const challenge = getClaimsChallenge(res)
 * if (challenge) await pca.acquireTokenSilent({ scopes, account, claims: challenge.claims })
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/app-resilience-continuous-access-evaluation
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
export function getClaimsChallenge(
  response: ResponseLike,
  options?: GetClaimsChallengeOptions,
): ClaimsChallenge | undefined {
  return findBearerChallenge(response, options, ({ error, claims }) => {
    if (claims === undefined) return undefined
    if (error !== 'insufficient_claims' && (options?.strict === true || error !== 'invalid_token'))
      return undefined
    try {
      return { claims: decodeClaims(claims) }
    } catch {
      return undefined // claims that do not decode: no claims challenge, look further
    }
  })
}
