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
  classifyEntraError,
  createCaeError,
  InteractionCancelledError,
  InteractionRequiredError,
  isCaeError,
  isClaimsJson,
  PopupBlockedError,
} from '@cae-kit/core'

export {
  AccessBlockedError,
  BodyNotReplayableError,
  CaeError,
  CaeOptionsError,
  classifyEntraError,
  createCaeError,
  InteractionCancelledError,
  InteractionRequiredError,
  isCaeError,
  PopupBlockedError,
}

/** Claims an MSAL `InteractionRequiredAuthError` asks for (its `claims` field), if any. */
export const claimsOf = (error: unknown): string | undefined => {
  const claims = (error as { claims?: unknown } | null)?.claims
  // MSAL puts '' when there are none; anything but a JSON object would make MSAL skip the claims.
  return isClaimsJson(claims) ? claims : undefined
}

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
 * `ERR_CAE_INTERACTION_CANCELLED` for `user_cancelled` and `timed_out` (a popup closed on a sign-in
 * page MSAL could not watch), `ERR_CAE_ACCESS_BLOCKED` for a blocking
 * AADSTS error, otherwise undefined.
 */
export const classifyInteractive = (error: unknown): InteractiveFailure | undefined => {
  const code = (error as { errorCode?: unknown } | null)?.errorCode
  if (code === 'popup_window_error' || code === 'empty_window_error') return 'ERR_CAE_POPUP_BLOCKED'
  // timed_out: MSAL 5 never learns that a popup on a COOP sign-in page was closed; it gives up
  // waiting for the redirect bridge after `popupBridgeTimeout` (60 s).
  if (code === 'user_cancelled' || code === 'timed_out') return 'ERR_CAE_INTERACTION_CANCELLED'
  // A blocking AADSTS error (core's Entra table, shared with `@cae-kit/msal-node`).
  return classifyEntraError(error) === 'ERR_CAE_ACCESS_BLOCKED'
    ? 'ERR_CAE_ACCESS_BLOCKED'
    : undefined
}

/** The codes an interactive outcome can take. */
type InteractionCode = InteractiveFailure | 'ERR_CAE_INTERACTION_REQUIRED'

// The four classes an interactive outcome can take. Not core's `createCaeError`: its table of
// every cae-kit class would ride along in each app bundle.
const CLASSES = {
  ERR_CAE_ACCESS_BLOCKED: AccessBlockedError,
  ERR_CAE_INTERACTION_CANCELLED: InteractionCancelledError,
  ERR_CAE_INTERACTION_REQUIRED: InteractionRequiredError,
  ERR_CAE_POPUP_BLOCKED: PopupBlockedError,
}

/**
 * Builds the coded error for an interactive outcome, or gives `cause` back unchanged when there is
 * no outcome (what {@link classifyInteractive} returns for an MSAL error that means nothing to
 * cae-kit, or for a cae-kit error).
 *
 * @param code - The cae-kit code, if any.
 * @param cause - The MSAL (or hook) error behind it.
 * @param scopes - Scopes of the token requested.
 * @param claims - Claims being answered.
 * @returns The error of that code's class ({@link PopupBlockedError}, {@link AccessBlockedError}…),
 * otherwise `cause`.
 */
export const interactionError = <C extends InteractionCode | undefined>(
  code: C,
  cause: unknown,
  scopes: readonly string[],
  claims: string | undefined,
): C extends InteractionCode ? CaeError : unknown =>
  // The message is the code in words ('popup blocked', 'interaction cancelled', ...): no lookup table.
  (code
    ? new CLASSES[code as InteractionCode](code.slice(8).toLowerCase().replace('_', ' '), {
        cause,
        scopes,
        claims,
      })
    : cause) as C extends InteractionCode ? CaeError : unknown
