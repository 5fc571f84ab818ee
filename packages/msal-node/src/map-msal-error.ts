import { AccessBlockedError, InteractionRequiredError } from '@cae-kit/core'

/** The fields of an MSAL `AuthError` (and subclasses) this module reads; all optional. */
interface MsalErrorFields {
  name?: unknown
  errorCode?: unknown
  subError?: unknown
  errorMessage?: unknown
  errorNo?: unknown
  claims?: unknown
  message?: unknown
}

/**
 * Entra error numbers (AADSTS…) meaning the user or application may not get a token at all, so
 * neither a retry nor a sign-in with the same identity can help.
 */
const BLOCKED_ERROR_NUMBERS = new Set([
  '50034', // user account does not exist (deleted)
  '50053', // account locked, or sign-in from a blocked IP
  '50057', // user account disabled
  '53003', // blocked by Conditional Access
  '7000112', // application (service principal) disabled
])

/** OAuth `error` values meaning the client itself is not allowed to get tokens. */
const BLOCKED_ERROR_CODES = new Set(['unauthorized_client'])

/**
 * MSAL `errorCode` values (server or MSAL-defined) that only a user can resolve. `invalid_grant`
 * is here because msal-node raises a plain `ServerError invalid_grant` (no sub-error, no claims)
 * for a revoked refresh token or an expired on-behalf-of assertion.
 */
const INTERACTION_ERROR_CODES = new Set([
  'invalid_grant',
  'interaction_required',
  'login_required',
  'consent_required',
  'bad_token',
  'ui_not_allowed',
  'interrupted_user',
  'no_tokens_found',
  'refresh_token_expired',
  'no_account_in_silent_request',
  'no_account_found',
])

/** What is being acquired when MSAL fails; copied onto the error. */
export interface FailedRequest {
  scopes: readonly string[]
  claims: string | undefined
}

/**
 * Turns an MSAL failure that no retry can fix into a coded {@link InteractionRequiredError}:
 * `ERR_CAE_ACCESS_BLOCKED` for a disabled, deleted or blocked user or application,
 * `ERR_CAE_INTERACTION_REQUIRED` when a user must sign in again. Anything else (network, 5xx,
 * `invalid_client`) is returned unchanged so the engine reports it as a token acquisition failure.
 *
 * The claims are MSAL's `err.claims` when it has some (what a middle tier must send up to its
 * client), else the claims of the request that failed.
 */
export function mapMsalError(error: unknown, request: FailedRequest): unknown {
  if (typeof error !== 'object' || error === null) return error
  const fields = error as MsalErrorFields
  const errorCode = asString(fields.errorCode)
  const isInteractionError = asString(fields.name) === 'InteractionRequiredAuthError'
  if (errorCode === undefined && !isInteractionError) return error

  const errorNumber = readErrorNumber(fields)
  const blocked =
    (errorNumber !== undefined && BLOCKED_ERROR_NUMBERS.has(errorNumber)) ||
    (errorCode !== undefined && BLOCKED_ERROR_CODES.has(errorCode))
  const interaction =
    isInteractionError || (errorCode !== undefined && INTERACTION_ERROR_CODES.has(errorCode))
  if (!blocked && !interaction) return error

  const msalClaims = asString(fields.claims)
  const claims = msalClaims !== undefined && msalClaims.trim() !== '' ? msalClaims : request.claims
  const reason = [errorCode, errorNumber && `AADSTS${errorNumber}`].filter(Boolean).join(' ')
  const scopes = request.scopes.join(' ')
  return blocked
    ? new AccessBlockedError(`access blocked for scopes ${scopes}: ${reason}`, {
        cause: error,
        claims,
        scopes: [...request.scopes],
      })
    : new InteractionRequiredError(`user interaction required for scopes ${scopes}: ${reason}`, {
        cause: error,
        claims,
        scopes: [...request.scopes],
      })
}

/** Entra's error number: MSAL's `errorNo` (first of `error_codes`), else `AADSTS<n>` in the text. */
function readErrorNumber(fields: MsalErrorFields): string | undefined {
  const errorNo = fields.errorNo
  if (typeof errorNo === 'number' || (typeof errorNo === 'string' && /^\d+$/.test(errorNo))) {
    return String(errorNo)
  }
  for (const text of [fields.errorMessage, fields.message]) {
    const match = typeof text === 'string' ? /AADSTS(\d+)/.exec(text) : null
    if (match?.[1] !== undefined) return match[1]
  }
  return undefined
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}
