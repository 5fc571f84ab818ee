import {
  classifyEntraError,
  encodeClaims,
  formatWwwAuthenticate,
  isCaeError,
  isClaimsJson,
} from '@cae-kit/core'
import { assertDecodedClaims } from './decoded-claims'

/** Parameters of the challenge a middle tier sends to its own client. */
export interface ClaimsChallengeResponseOptions {
  /**
   * `authorization_uri`: where the client signs in, e.g.
   * `https://login.microsoftonline.com/<tenant>/oauth2/v2.0/authorize`. Clients never follow it
   * blindly (cae-kit ignores it); it is informative. Omitted when not given.
   */
  authorizationUri?: string
  /** `client_id`: the application (client) id of this middle-tier API. Omitted when not given. */
  clientId?: string
  /**
   * `realm`.
   * @default ""
   */
  realm?: string
  /** `error_description`, plain text. Omitted when not given. */
  errorDescription?: string
}

/**
 * A 401 that asks the caller to get a new token with claims. Also a valid `ResponseInit`:
 * `new Response(null, challenge)` builds a web `Response` from it.
 */
export interface ClaimsChallengeResponse {
  status: 401
  headers: { 'www-authenticate': string }
}

/** How deep `cause` chains are searched; a cycle or an absurd chain stops here. */
const MAX_CAUSE_DEPTH = 8

/**
 * Turns a failed on-behalf-of token request (or decoded claims) into the 401 a middle-tier API
 * must send its own client, so the client gets a token satisfying the claims and retries. The
 * header has Entra's shape: `Bearer realm="", authorization_uri="…", client_id="…",
 * error="insufficient_claims", claims="<base64>"`.
 *
 * Accepts any error: a cae-kit `ERR_CAE_INTERACTION_REQUIRED` error with claims (what
 * `fromMsalNode` rejects with, its claims being MSAL's or else the downstream challenge's), found
 * also in a `cause` chain, or an MSAL `InteractionRequiredAuthError` with claims. Every value is
 * a quoted-string, as Entra writes it.
 *
 * @param source - The error caught around the downstream call, or decoded claims (JSON text).
 * @param options - Parameters of the challenge; see {@link ClaimsChallengeResponseOptions}.
 * @returns `{ status: 401, headers: { 'www-authenticate' } }`, or `undefined` when `source` carries
 *   no claims to send up (not a challenge: let your error handling answer, e.g. 403 for
 *   `ERR_CAE_ACCESS_BLOCKED`).
 * @throws `ClaimsDecodeError` (`ERR_CAE_CLAIMS_INVALID`) when `source` is a string that is not
 *   a JSON object (base64 must be decoded first); `CaeOptionsError` (`ERR_CAE_INVALID_OPTIONS`)
 *   when an option holds a control character (CR, LF…) or a character above U+00FF.
 * @example
 * ```ts
 * app.get('/profile', async (req, res, next) => {
 *   try {
 *     res.json(await (await oboFetchFor(req)('https://graph.microsoft.com/v1.0/me')).json())
 *   } catch (err) {
 *     const challenge = toClaimsChallengeResponse(err, { clientId: API_CLIENT_ID })
 *     if (!challenge) return next(err)
 *     res.status(challenge.status).set(challenge.headers).json({ error: 'insufficient_claims' })
 *   }
 * })
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/claims-challenge
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
export function toClaimsChallengeResponse(
  source: unknown,
  options: ClaimsChallengeResponseOptions = {},
): ClaimsChallengeResponse | undefined {
  const claims = typeof source === 'string' ? assertDecodedClaims(source) : findClaims(source)
  if (claims === undefined) return undefined
  const params: Record<string, string> = { realm: options.realm ?? '' }
  if (options.authorizationUri !== undefined) params.authorization_uri = options.authorizationUri
  if (options.clientId !== undefined) params.client_id = options.clientId
  params.error = 'insufficient_claims'
  if (options.errorDescription !== undefined) params.error_description = options.errorDescription
  params.claims = encodeClaims(claims)
  // Core quotes every value, as Entra writes it (clients that look for `claims="` by string
  // search, as Microsoft's samples do, keep working), and refuses CR, LF and other controls.
  const header = formatWwwAuthenticate([{ scheme: 'Bearer', params }])
  return { status: 401, headers: { 'www-authenticate': header } }
}

/**
 * The claims to send up, from the first error in the `cause` chain that must go to a user. The
 * first cae-kit error other than a `TokenAcquisitionError` (a wrapper of what the provider threw)
 * decides: only `ERR_CAE_INTERACTION_REQUIRED` goes up (an access block
 * carries MSAL's claims in its cause, but no sign-in lifts it). A bare MSAL error with claims is
 * classified the way the provider would classify it.
 */
function findClaims(error: unknown): string | undefined {
  let current = error
  for (let depth = 0; depth < MAX_CAUSE_DEPTH; depth++) {
    if (typeof current !== 'object' || current === null) return undefined
    const claims = usableClaims((current as { claims?: unknown }).claims)
    // TokenAcquisitionError only wraps what a provider threw: its cause decides.
    if (isCaeError(current) && current.code !== 'ERR_CAE_TOKEN_ACQUISITION_FAILED') {
      return current.code === 'ERR_CAE_INTERACTION_REQUIRED' ? claims : undefined
    }
    if (
      (current as { name?: unknown }).name === 'InteractionRequiredAuthError' &&
      claims !== undefined
    ) {
      return classifyEntraError(current) === 'ERR_CAE_INTERACTION_REQUIRED' ? claims : undefined
    }
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

/** Claims that MSAL could use: a JSON object as text (MSAL puts `""` when there are none). */
function usableClaims(value: unknown): string | undefined {
  return isClaimsJson(value) ? value : undefined
}
