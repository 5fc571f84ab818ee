/**
 * Certificate credentials: a confidential client proves itself with a `client_assertion`, a JWT
 * signed with the private key of a certificate registered on the client (what MSAL sends for
 * `auth.clientCertificate`, and what federated and managed-identity assertions look like).
 * Checked as Entra checks it, with Entra's error codes. Platform-neutral (jose, WebCrypto).
 *
 * @module
 */

import { decodeProtectedHeader, importX509, jwtVerify } from 'jose'
import { type Context, isTenant } from './context'
import { oauthError, type TokenOutcome } from './errors'
import type { ClientState } from './state'
import { base64url, certificateDer } from './util'

/** The only `client_assertion_type` Entra accepts. */
export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

/** A registered certificate with the thumbprints an assertion header names it by. */
type Candidate = { pem: string; x5t: string; x5tS256: string }

async function candidates(client: ClientState): Promise<Candidate[]> {
  return Promise.all(
    client.certificates.map(async (pem) => {
      const der = certificateDer(pem) as Uint8Array<ArrayBuffer>
      const [sha1, sha256] = await Promise.all([
        crypto.subtle.digest('SHA-1', der),
        crypto.subtle.digest('SHA-256', der),
      ])
      return {
        pem,
        x5t: base64url(new Uint8Array(sha1)),
        x5tS256: base64url(new Uint8Array(sha256)),
      }
    }),
  )
}

type Failure = { ok: false; outcome: TokenOutcome }

/**
 * An `aud` naming this tenant's token endpoint (or issuer) on this origin, under any name the
 * tenant answers to (id, domain): MSAL takes it from the discovery document of its authority.
 */
function isThisTokenEndpoint(ctx: Context, origin: string, aud: unknown): boolean {
  if (typeof aud !== 'string' || !aud.startsWith(`${origin}/`)) return false
  const [tenant = '', ...rest] = aud.slice(origin.length + 1).split('/')
  const path = rest.join('/')
  return (path === 'oauth2/v2.0/token' || path === 'v2.0') && isTenant(ctx, tenant)
}

function invalidClient(ctx: Context, code: number, description: string): Failure {
  return {
    ok: false,
    outcome: oauthError(ctx, { error: 'invalid_client', code, description, status: 401 }),
  }
}

/**
 * Verifies `assertion` for `client`: a registered certificate (picked by `x5t#S256` or `x5t`
 * when the header names one) signed it with RS256 or PS256; `iss` and `sub` are the client id;
 * `aud` is this tenant's token endpoint (or its issuer); it is within `nbf`..`exp` (5 minutes of
 * skew). The same assertion may be presented again until it expires, as MSAL does.
 *
 * @returns `{ ok: true }`, or the Entra-shaped error: AADSTS50027 (malformed), 700027 (signature,
 *   or no such certificate), 700021 (`iss`/`sub`), 700023 (`aud`), 700024 (time range).
 */
export async function verifyClientAssertion(
  ctx: Context,
  client: ClientState,
  assertion: string,
  origin: string,
): Promise<{ ok: true } | Failure> {
  let header: ReturnType<typeof decodeProtectedHeader>
  try {
    header = decodeProtectedHeader(assertion)
  } catch {
    return invalidClient(ctx, 50027, 'Invalid JWT token. The token format is not proper.')
  }
  const alg = header.alg
  if (alg !== 'RS256' && alg !== 'PS256') {
    return invalidClient(
      ctx,
      700027,
      `Client assertion contains an invalid signature. [Reason - The algorithm '${String(alg)}' is not supported; use RS256 or PS256.]`,
    )
  }
  const registered = await candidates(client)
  const named = header['x5t#S256'] ?? header.x5t
  const keys = registered.filter(
    (c) => named === undefined || c.x5tS256 === named || c.x5t === named,
  )
  if (keys.length === 0) {
    return invalidClient(
      ctx,
      700027,
      `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${String(named ?? '')}'] Please visit the Azure Portal, Entra ID, App registrations, Certificates & secrets and upload the certificate for app id '${client.clientId}'.`,
    )
  }
  let payload: Record<string, unknown> | undefined
  for (const key of keys) {
    // A registered certificate whose key cannot verify this algorithm (an EC key) cannot match.
    const publicKey = await importX509(key.pem, alg).catch(() => undefined)
    if (publicKey === undefined) continue
    try {
      const verified = await jwtVerify(assertion, publicKey, {
        algorithms: [alg],
        currentDate: new Date(ctx.config.now()),
        clockTolerance: 300,
        requiredClaims: ['exp', 'iss', 'sub', 'aud'],
      })
      payload = verified.payload
      break
    } catch (error) {
      const code = (error as { code?: string }).code
      const claim = (error as { claim?: string }).claim
      if (
        code === 'ERR_JWT_EXPIRED' ||
        (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && claim === 'nbf')
      ) {
        return invalidClient(ctx, 700024, 'Client assertion is not within its valid time range.')
      }
      if (code !== 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') {
        return invalidClient(ctx, 50027, 'Invalid JWT token. The token format is not proper.')
      }
    }
  }
  if (payload === undefined) {
    return invalidClient(ctx, 700027, 'Client assertion contains an invalid signature.')
  }
  if (payload.iss !== client.clientId || payload.sub !== client.clientId) {
    return invalidClient(
      ctx,
      700021,
      "Client assertion application identifier doesn't match 'client_id' parameter.",
    )
  }
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud]
  if (!audiences.some((aud) => isThisTokenEndpoint(ctx, origin, aud))) {
    return invalidClient(
      ctx,
      700023,
      `Client assertion audience claim does not match Realm issuer. Expected '${origin}/${ctx.config.tenantId}/oauth2/v2.0/token'.`,
    )
  }
  return { ok: true }
}
