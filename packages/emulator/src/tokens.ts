/** RS256 signing keys, JWT signing and verification (jose, WebCrypto: works in Node and browsers). */
import {
  type CryptoKey,
  calculateJwkThumbprint,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  type JSONWebKeySet,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose'

export type SigningKeys = {
  kid: string
  privateKey: CryptoKey
  /** Public keys as served by `/discovery/v2.0/keys`. */
  jwks: JSONWebKeySet
  verifyKey: ReturnType<typeof createLocalJWKSet>
}

/** Generates the emulator's signing key (one per emulator, kept across reset()). */
export async function createSigningKeys(): Promise<SigningKeys> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true })
  const jwk = await exportJWK(publicKey)
  const kid = await calculateJwkThumbprint(jwk)
  const jwks: JSONWebKeySet = {
    keys: [{ ...jwk, kid, use: 'sig', alg: 'RS256', kty: 'RSA' }],
  }
  return { kid, privateKey, jwks, verifyKey: createLocalJWKSet(jwks) }
}

/** Signs a JWT with the emulator key (`typ: JWT`, `alg: RS256`, `kid`). */
export function signJwt(keys: SigningKeys, payload: JWTPayload): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: keys.kid })
    .sign(keys.privateKey)
}

export type VerifyResult =
  | { ok: true; payload: JWTPayload & Record<string, unknown> }
  | { ok: false; description: string }

/**
 * Verifies signature, expiry, issuer (`<any origin>/<tenantId>/v2.0`) and audience. Never throws:
 * a failure comes back as an `error_description` for an `invalid_token` challenge.
 */
export async function verifyJwt(
  keys: SigningKeys,
  token: string,
  expected: { tenantId: string; audiences: string[]; nowMs: number },
): Promise<VerifyResult> {
  try {
    const { payload } = await jwtVerify(token, keys.verifyKey, {
      algorithms: ['RS256'],
      currentDate: new Date(expected.nowMs),
      clockTolerance: 300,
    })
    // The issuer's origin follows the origin the token was requested from (msw, HTTPS server):
    // only the tenant path is fixed, so that part alone is checked.
    if (typeof payload.iss !== 'string' || !payload.iss.endsWith(`/${expected.tenantId}/v2.0`)) {
      return { ok: false, description: 'The token issuer is not this tenant.' }
    }
    const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud]
    if (!aud.some((a) => typeof a === 'string' && expected.audiences.includes(a))) {
      return { ok: false, description: 'The token audience is not this resource.' }
    }
    return { ok: true, payload: payload as JWTPayload & Record<string, unknown> }
  } catch (error) {
    const code = (error as { code?: string }).code
    if (code === 'ERR_JWT_EXPIRED') return { ok: false, description: 'The token is expired.' }
    if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' || code === 'ERR_JWKS_NO_MATCHING_KEY') {
      return { ok: false, description: 'The token signature is invalid.' }
    }
    return { ok: false, description: 'The token is malformed or not yet valid.' }
  }
}
