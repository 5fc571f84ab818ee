/**
 * Classification of MSAL errors. Matches on `errorCode` and `name` rather than `instanceof`, so it
 * works when the app bundles its own copy of MSAL (and keeps MSAL out of this bundle).
 *
 * @module
 */

// The one import of core: each importing module costs an import statement in the bundle.
import {
  AccessBlockedError,
  BodyNotReplayableError,
  CaeError,
  CaeOptionsError,
  createCaeError,
  InteractionCancelledError,
  InteractionRequiredError,
  isCaeError,
  PopupBlockedError,
} from '@cae-kit/core'

export {
  AccessBlockedError,
  BodyNotReplayableError,
  CaeError,
  CaeOptionsError,
  createCaeError,
  InteractionCancelledError,
  InteractionRequiredError,
  isCaeError,
  PopupBlockedError,
}

/** The fields of an MSAL `AuthError` this package reads. */
interface MsalErrorLike {
  name?: unknown
  errorCode?: unknown
  errorNo?: unknown
  errorMessage?: unknown
  message?: unknown
}

/**
 * MSAL error codes that mean "a user must sign in again". MSAL throws most as an
 * `InteractionRequiredAuthError` (matched by name); these also arrive as other classes:
 * `invalid_grant` as a ServerError (refresh token rejected without suberror),
 * `token_refresh_required` as a ClientAuthError (claims with an access-token-only cache policy),
 * `no_account_error` as a BrowserAuthError (nobody signed in: a prompt lets the user pick).
 */
const INTERACTION_CODES =
  /^(invalid_grant|token_refresh_required|no_account_error|no_tokens_found|refresh_token_expired|interaction_required|login_required|consent_required)$/

/**
 * AADSTS numbers no prompt can fix: user disabled (50057), locked (50053), unknown (50034), not
 * assigned (50105), blocked by Conditional Access (53003), application disabled (7000112).
 */
const BLOCKED = /AADSTS(50057|50053|50034|50105|53003|7000112)\b/

const codeOf = (error: unknown): string => `${(error as MsalErrorLike | null)?.errorCode}`

/**
 * Tells whether a silent failure can be fixed by an interactive prompt.
 *
 * @param error - What `acquireTokenSilent` rejected with.
 * @returns True for `InteractionRequiredAuthError` and the codes that mean the same.
 */
export const needsInteraction = (error: unknown): boolean =>
  (error as MsalErrorLike | null)?.name === 'InteractionRequiredAuthError' ||
  INTERACTION_CODES.test(codeOf(error))

/**
 * Tells whether an MSAL error says the account or application is blocked outright.
 *
 * @param error - Any MSAL error.
 * @returns True when its `errorNo` or message names a blocking AADSTS number.
 */
export const isAccessBlocked = (error: unknown): boolean => {
  const e = (error as MsalErrorLike | null) ?? {}
  return BLOCKED.test(`AADSTS${e.errorNo} ${e.errorMessage} ${e.message}`)
}

/** Claims an MSAL `InteractionRequiredAuthError` asks for (its `claims` field), if any. */
export const claimsOf = (error: unknown): string | undefined =>
  (error as { claims?: string } | null)?.claims || undefined

/** What an interactive failure means to cae-kit, or undefined when it is some other failure. */
export type InteractiveFailure =
  | 'ERR_CAE_POPUP_BLOCKED'
  | 'ERR_CAE_INTERACTION_CANCELLED'
  | 'ERR_CAE_ACCESS_BLOCKED'

/**
 * Classifies what `acquireTokenPopup` or `handleRedirectPromise` rejected with.
 *
 * @param error - The MSAL error.
 * @returns `ERR_CAE_POPUP_BLOCKED` for `popup_window_error` / `empty_window_error`,
 * `ERR_CAE_INTERACTION_CANCELLED` for `user_cancelled`, `ERR_CAE_ACCESS_BLOCKED` for a blocking
 * AADSTS error, otherwise undefined.
 */
export const classifyInteractive = (error: unknown): InteractiveFailure | undefined => {
  const code = codeOf(error)
  if (code === 'popup_window_error' || code === 'empty_window_error') return 'ERR_CAE_POPUP_BLOCKED'
  if (code === 'user_cancelled') return 'ERR_CAE_INTERACTION_CANCELLED'
  return isAccessBlocked(error) ? 'ERR_CAE_ACCESS_BLOCKED' : undefined
}

/**
 * Builds the coded error for an interactive outcome.
 *
 * @param code - The cae-kit code.
 * @param cause - The MSAL (or hook) error behind it.
 * @param scopes - Scopes of the token requested.
 * @param claims - Claims being answered.
 * @returns The error of that code's class ({@link PopupBlockedError}, {@link AccessBlockedError}…).
 */
export const interactionError = (
  code: InteractiveFailure | 'ERR_CAE_INTERACTION_REQUIRED',
  cause: unknown,
  scopes: readonly string[],
  claims: string | undefined,
): CaeError =>
  // The message is the code in words ('popup blocked', 'interaction cancelled', ...): no lookup table.
  createCaeError(code, code.slice(8).toLowerCase().replace('_', ' '), {
    cause,
    scopes,
    claims,
  })
