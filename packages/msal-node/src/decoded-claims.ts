import { ClaimsDecodeError } from '@cae-kit/core'

/**
 * Returns `claims` when it is decoded JSON text of an object; throws `ERR_CAE_CLAIMS_INVALID`
 * otherwise. MSAL treats claims that are not a JSON object as "no claims" on a cache hit and
 * returns the revoked cached token (an endless challenge loop), and base64 passed by mistake
 * lands here too, so both the provider and the middle-tier helper refuse it up front.
 */
export function assertDecodedClaims(claims: string): string {
  let parsed: unknown
  try {
    parsed = JSON.parse(claims)
  } catch (cause) {
    throw new ClaimsDecodeError('claims must be decoded JSON text, not base64', { cause, claims })
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ClaimsDecodeError('claims must be a JSON object', { claims })
  }
  return claims
}
