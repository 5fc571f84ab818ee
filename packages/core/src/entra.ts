/**
 * What Microsoft Entra ID's token errors mean to cae-kit, in one place. `fromTokenCredential`,
 * `@cae-kit/msal-node` and `@cae-kit/msal-browser` all classify a failed token request here, so
 * one Entra event gives one cae-kit code whichever provider asked: a disabled service principal is
 * `ERR_CAE_ACCESS_BLOCKED` through `@azure/identity` as through MSAL.
 *
 * Errors are read by their fields and text, never by `instanceof`: the app may bundle its own copy
 * of MSAL or `@azure/identity`, and cae-kit depends on neither.
 *
 * @module
 */

import { AccessBlockedError, InteractionRequiredError, isCaeError } from './errors'

/**
 * AADSTS numbers meaning that this user or application may not get a token at all: neither a
 * retry nor a sign-in with the same identity helps, an administrator must act. One regular
 * expression rather than a set: this table is in every browser bundle (msal-browser), keep it small.
 *
 * - 50034 UserAccountNotFound: the user does not exist in the directory (deleted)
 * - 50053 IdsLocked: the account is locked, or sign-in comes from a blocked (malicious) IP
 * - 50057 UserDisabled: the user account is disabled
 * - 50105 EntitlementGrantsNotFound: the user is not assigned to the application
 * - 53003 BlockedByConditionalAccess: a Conditional Access policy refuses the token
 * - 700016 the application is not in the directory: its service principal was deleted
 * - 7000112 UnauthorizedClientApplicationDisabled: the service principal is disabled
 *
 * The OAuth error `unauthorized_client` (RFC 6749 §5.2; Entra sends it for a disabled or deleted
 * service principal) means the same.
 *
 * @see https://learn.microsoft.com/entra/identity-platform/reference-error-codes
 */
const BLOCKED = /AADSTS(?:50034|50053|50057|50105|53003|700016|7000112)\b/

/**
 * Error codes meaning that a user must sign in (again). The OAuth and OpenID Connect ones
 * (`interaction_required`, `login_required`, `consent_required`: OpenID Connect Core §3.1.2.6)
 * and `invalid_grant`, which Entra sends without sub-error for a revoked refresh token or an
 * expired on-behalf-of assertion; then MSAL's own codes and sub-errors for the same situation
 * (`bad_token`, `token_refresh_required` with claims and an access-token-only cache policy,
 * `no_account_error` when nobody is signed in...).
 */
const INTERACTION =
  /^(?:interaction_required|login_required|consent_required|invalid_grant|bad_token|token_refresh_required|no_account_error|no_tokens_found|refresh_token_expired|ui_not_allowed|interrupted_user|no_account_in_silent_request|no_account_found)$/

/** The fields read here: MSAL's `AuthError`, `@azure/identity`'s errors, Entra's error body. */
interface EntraErrorFields {
  name?: unknown
  /** MSAL: the OAuth `error` or MSAL's own code. */
  errorCode?: unknown
  /** MSAL: the first of Entra's `error_codes`. */
  errorNo?: unknown
  /** MSAL: the `error_description`. */
  errorMessage?: unknown
  /** `@azure/identity` `AuthenticationError`: the parsed error response. */
  errorResponse?: { error?: unknown; errorDescription?: unknown; errorCodes?: unknown }
  /** Entra's response body itself, or an error spreading it (oauth4webapi `ResponseBodyError`). */
  error?: unknown
  error_description?: unknown
  error_codes?: unknown
  /** MSAL: claims the token endpoint asked for (`''` when none). */
  claims?: unknown
  message?: unknown
}

/** What a failed token request means to cae-kit: no token for this identity, or a sign-in. */
export type EntraErrorOutcome = 'ERR_CAE_ACCESS_BLOCKED' | 'ERR_CAE_INTERACTION_REQUIRED'

/**
 * Classifies a failed token request from MSAL (node or browser), `@azure/identity` or any error
 * carrying Entra's response. Blocked wins over interaction: a disabled user's `invalid_grant` is
 * no reason to prompt. Never throws.
 *
 * @param error - What the token request rejected with.
 * @returns `ERR_CAE_ACCESS_BLOCKED` when an AADSTS number says that the user or application may
 *   not get a token (disabled, deleted, locked, not assigned, blocked by Conditional Access) or the
 *   OAuth error is `unauthorized_client`; `ERR_CAE_INTERACTION_REQUIRED` for MSAL's
 *   `InteractionRequiredAuthError` and the codes that mean a user must sign in; otherwise
 *   `undefined` (network, throttling, `invalid_client`: the engine reports a token acquisition
 *   failure).
 * @example
 * ```ts
 * classifyEntraError(serverError) // 'ERR_CAE_ACCESS_BLOCKED' for AADSTS7000112
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/reference-error-codes
 */
export function classifyEntraError(error: unknown): EntraErrorOutcome | undefined {
  // Fields of a primitive read as undefined: only null and undefined need keeping out.
  if (error == null || isCaeError(error)) return undefined
  const code = readErrorCode(error)
  if (BLOCKED.test(readErrorText(error)) || code === 'unauthorized_client') {
    return 'ERR_CAE_ACCESS_BLOCKED'
  }
  return (error as EntraErrorFields).name === 'InteractionRequiredAuthError' ||
    INTERACTION.test(`${code}`)
    ? 'ERR_CAE_INTERACTION_REQUIRED'
    : undefined
}

/** What was being acquired when a token request failed; copied onto the cae-kit error. */
export interface EntraErrorContext {
  /** The scopes requested. */
  scopes: readonly string[]
  /** The decoded claims being answered, if any. */
  claims?: string | undefined
}

/**
 * Turns a failed token request into the cae-kit error of its outcome (see
 * {@link classifyEntraError}): an {@link AccessBlockedError} or an {@link InteractionRequiredError}
 * with `cause` the original error. Its `claims` are those the token endpoint named (MSAL's
 * `err.claims`, e.g. a Conditional Access policy), else the context's. Anything else, cae-kit
 * errors included, is returned unchanged: the engine then wraps it into a `TokenAcquisitionError`.
 * The message names the OAuth error and AADSTS number, never a token or the error's own text.
 *
 * @param error - What the token request rejected with.
 * @param context - The scopes and claims that were being acquired.
 * @returns The cae-kit error, or `error` itself.
 * @example
 * ```ts
 * const provider: TokenProvider = {
 *   async getToken({ scopes, claims }) {
 *     try { return await acquire(scopes, claims) } catch (error) { throw mapEntraError(error, { scopes, claims }) }
 *   },
 * }
 * ```
 */
export function mapEntraError(error: unknown, context: EntraErrorContext): unknown {
  const outcome = classifyEntraError(error)
  if (outcome === undefined) return error
  const fields = error as EntraErrorFields
  const claims = isClaimsJson(fields.claims) ? fields.claims : context.claims
  const number = /AADSTS\d+/.exec(readErrorText(fields))?.[0]
  const reason = [readErrorCode(fields), number].filter(Boolean).join(' ')
  const scopes = context.scopes.join(' ')
  const options = { cause: error, claims, scopes: [...context.scopes] }
  return outcome === 'ERR_CAE_ACCESS_BLOCKED'
    ? new AccessBlockedError(`access blocked for scopes ${scopes}: ${reason}`, options)
    : new InteractionRequiredError(
        `user interaction required for scopes ${scopes}: ${reason}`,
        options,
      )
}

/**
 * Tells whether `value` is a JSON object: not an array, `null` or a primitive.
 *
 * @param value - Anything, e.g. what `JSON.parse` returned.
 */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Tells whether `text` is the JSON text of a claims request (a JSON object). MSAL treats claims
 * that are not one as "no claims", and returns the revoked cached token: check before passing
 * claims on. Never throws.
 *
 * @param text - Decoded claims, or anything (MSAL puts `''` in `err.claims` when there are none).
 * @returns True for a string holding a JSON object.
 * @example
 * ```ts
 * isClaimsJson('{"access_token":{"nbf":{"essential":true}}}') // true
 * isClaimsJson('eyJhY2Nlc3NfdG9rZW4iOnt9fQ') // false: base64, decode it first
 * ```
 */
export function isClaimsJson(text: unknown): text is string {
  try {
    // JSON text starting with `{` (after whitespace) is an object if it parses at all.
    return typeof text === 'string' && /^\s*\{/.test(text) && JSON.parse(text) !== undefined
  } catch {
    return false
  }
}

/**
 * The OAuth error or MSAL code: MSAL's `errorCode`, `@azure/identity`'s `errorResponse.error`, the
 * response's own `error`, or the `code: ` MSAL and `@azure/identity` put before their message.
 */
function readErrorCode(fields: EntraErrorFields): string | undefined {
  const code = [fields.errorCode, fields.errorResponse?.error, fields.error].find(
    (value) => typeof value === 'string' && value !== '',
  ) as string | undefined
  return code ?? /^([a-z_]+):/.exec(`${fields.message}`)?.[1]
}

/**
 * Where Entra's error numbers are, as one text: `errorNo`, `errorResponse.errorCodes` and
 * `error_codes` written `AADSTS<n>` as in the descriptions, then the descriptions and the message.
 * Anything that is not a number reads `AADSTS` alone, `AADSTSnull` or the like: it matches nothing.
 */
function readErrorText(fields: EntraErrorFields): string {
  const response = fields.errorResponse
  const numbers = [fields.errorNo, response?.errorCodes, fields.error_codes].flat()
  return [
    `AADSTS${numbers.join(' AADSTS')}`,
    fields.errorMessage,
    response?.errorDescription,
    fields.error_description,
    fields.message,
  ].join(' ')
}
