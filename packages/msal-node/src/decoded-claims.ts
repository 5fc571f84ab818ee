import { ClaimsDecodeError, isClaimsJson } from '@cae-kit/core'

/**
 * Returns `claims` when it is decoded JSON text of an object; throws `ERR_CAE_CLAIMS_INVALID`
 * otherwise. MSAL treats claims that are not a JSON object as "no claims" on a cache hit and
 * returns the revoked cached token (an endless challenge loop), and base64 passed by mistake
 * lands here too, so both the provider and the middle-tier helper refuse it up front.
 */
export function assertDecodedClaims(claims: string): string {
  if (!isClaimsJson(claims)) {
    throw new ClaimsDecodeError('claims must be the decoded JSON text of an object, not base64', {
      claims,
    })
  }
  return claims
}
