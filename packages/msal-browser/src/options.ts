/**
 * Option and hook types of {@link fromMsalBrowser}.
 *
 * @module
 */

import type {
  AccountInfo,
  IPublicClientApplication,
  PopupRequest,
  RedirectRequest,
} from '@azure/msal-browser'

/**
 * The part of an MSAL `PublicClientApplication` the provider uses. A real
 * `PublicClientApplication` (or `IPublicClientApplication`) fits.
 */
export type MsalBrowserClient = Pick<
  IPublicClientApplication,
  | 'acquireTokenSilent'
  | 'acquireTokenPopup'
  | 'acquireTokenRedirect'
  | 'getActiveAccount'
  | 'getAllAccounts'
> & {
  /** MSAL's configuration (marked internal by MSAL); read for `clientId` and `clientCapabilities`. */
  getConfiguration?: () => { auth: { clientId: string; clientCapabilities?: string[] } }
}

/** What {@link MsalBrowserOptions.onInteraction} is told before a prompt. */
export interface InteractionEvent {
  /** The prompt about to open. */
  kind: 'popup' | 'redirect'
  /** Scopes of the token requested. */
  scopes: string[]
  /** Decoded claims (JSON text) the prompt must satisfy, when answering a claims challenge. */
  claims: string | undefined
  /** The account signing in again, when known. */
  account: AccountInfo | undefined
}

/** Fields passed through to `acquireTokenPopup` / `acquireTokenRedirect` (e.g. `redirectUri`). */
export type InteractiveRequestFields = Omit<
  PopupRequest & RedirectRequest,
  'scopes' | 'claims' | 'account' | 'state'
>

/** Options of {@link fromMsalBrowser}. */
export interface MsalBrowserOptions {
  /**
   * How to reach the user when the claims need one: a popup, a full-page redirect (the waiting
   * requests survive it; see `resumeAfterRedirect`), or never (`ERR_CAE_INTERACTION_REQUIRED`).
   * @default 'popup'
   */
  interaction?: 'popup' | 'redirect' | 'none'
  /**
   * When the browser blocks the popup, redirect instead of rejecting with `ERR_CAE_POPUP_BLOCKED`.
   * @default false
   */
  fallbackToRedirect?: boolean
  /**
   * The account whose tokens are requested, or a function returning it (called per request). A
   * nullish result falls back to the default.
   * @default the active account, else the only signed-in account
   */
  account?:
    | AccountInfo
    | (() => AccountInfo | null | undefined | Promise<AccountInfo | null | undefined>)
  /**
   * Called before each prompt opens. Show a "please sign in again" message here; return a promise
   * that resolves when the user clicks a button so the popup opens inside that user gesture.
   * Throwing (or rejecting) cancels: the token request rejects with `ERR_CAE_INTERACTION_CANCELLED`.
   * @default undefined
   */
  onInteraction?: (event: InteractionEvent) => void | Promise<void>
  /**
   * Extra MSAL request fields for prompts (`redirectUri`, `prompt`, `popupWindowAttributes`,
   * `redirectStartPage`...). `scopes`, `claims`, `account` and `state` are set by the provider.
   * @default {}
   */
  interactiveRequest?: InteractiveRequestFields
  /**
   * Throw `ERR_CAE_CAPABILITY_MISSING` at creation when the application's `clientCapabilities`
   * lacks `CP1` (Entra then never sends claims challenges) instead of a console warning.
   * @default false
   */
  requireCapability?: boolean
}
