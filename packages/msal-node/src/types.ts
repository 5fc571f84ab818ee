/**
 * Public types of @cae-kit/msal-node: the MSAL application shapes it accepts and its options.
 *
 * The application types are structural (only the methods cae-kit calls), so a
 * `ConfidentialClientApplication` fits every flow and a `PublicClientApplication` fits `silent`.
 *
 * @module
 */

import type {
  AccountInfo,
  AuthenticationResult,
  ClientCredentialRequest,
  OnBehalfOfRequest,
  SilentFlowRequest,
} from '@azure/msal-node'

/**
 * An MSAL application that can run the client credentials flow (a `ConfidentialClientApplication`).
 */
export interface MsalClientCredentialApp {
  /** MSAL's `acquireTokenByClientCredential`; called with `scopes` and, when answering a challenge, `claims`. */
  acquireTokenByClientCredential(
    request: ClientCredentialRequest,
  ): Promise<AuthenticationResult | null>
}

/** An MSAL application that can run the on-behalf-of flow (a `ConfidentialClientApplication`). */
export interface MsalOnBehalfOfApp {
  /** MSAL's `acquireTokenOnBehalfOf`; called with `oboAssertion`, `scopes` and, when answering a challenge, `claims`. */
  acquireTokenOnBehalfOf(request: OnBehalfOfRequest): Promise<AuthenticationResult | null>
}

/**
 * An MSAL application that can get a signed-in user's token silently: a
 * `ConfidentialClientApplication` (web app) or a `PublicClientApplication` (desktop, CLI).
 */
export interface MsalSilentApp {
  /** MSAL's `acquireTokenSilent`; called with `account`, `scopes` and, when answering a challenge, `claims`. */
  acquireTokenSilent(request: SilentFlowRequest): Promise<AuthenticationResult | null>
}

/** Where the provider reports problems that do not stop it (today: `CP1` missing). */
export interface MsalNodeLogger {
  /** Called once per provider, at creation, with a lowercase sentence. */
  warn(message: string): void
}

/** Options shared by every flow of {@link fromMsalNode}. */
export interface MsalNodeCommonOptions {
  /**
   * Throw `ERR_CAE_CAPABILITY_MISSING` at creation when the application's
   * `auth.clientCapabilities` does not contain `CP1` (or cannot be read), instead of warning.
   * Without `CP1` Entra never issues CAE tokens, so the API never challenges and tokens stay
   * short-lived: the provider still works, it just has nothing to do.
   * @default false
   */
  requireCapability?: boolean
  /**
   * Receives the `CP1` warning.
   * @default console
   */
  logger?: MsalNodeLogger
}

/** A daemon or service calling an API as itself: `acquireTokenByClientCredential`. */
export interface ClientCredentialsFlowOptions extends MsalNodeCommonOptions {
  flow: 'clientCredentials'
}

/**
 * A middle-tier API calling a downstream API as its caller: `acquireTokenOnBehalfOf`.
 * Create the provider, and the `createCaeFetch` around it, per incoming request (or per caller),
 * or share one whose `assertion` function and cae-kit `partitionKey` option read the same request
 * context (`AsyncLocalStorage`). Without `partitionKey` the engine would cache tokens by scopes
 * only and hand one user's token to another, so a provider over an `assertion` function is
 * `callerScoped` and the engine refuses to start without `partitionKey`. MSAL's own on-behalf-of
 * cache (keyed by the assertion) survives across them.
 */
export interface OnBehalfOfFlowOptions extends MsalNodeCommonOptions {
  flow: 'onBehalfOf'
  /** The access token the middle tier received (no `Bearer ` prefix), or a function returning it; called on every token request. */
  assertion: string | (() => string | Promise<string>)
}

/**
 * A signed-in user's token, renewed with MSAL's cache and refresh token: `acquireTokenSilent`.
 * A function returning `null` or `undefined` means nobody is signed in
 * (`ERR_CAE_INTERACTION_REQUIRED`). One provider (and cae fetch) per account, or one shared with
 * an `account` function and a cae-kit `partitionKey` (e.g. the home account id) reading the same
 * request context: without `partitionKey` the engine caches tokens by scopes only. An `account`
 * function on a confidential client (a web app) makes the provider `callerScoped`, so
 * `partitionKey` is then required; on a public client (one desktop user) it is not.
 */
export interface SilentFlowOptions extends MsalNodeCommonOptions {
  flow: 'silent'
  /** The account to get tokens for, or a function returning it; the function is called on every token request. */
  account:
    | AccountInfo
    | (() => AccountInfo | null | undefined | Promise<AccountInfo | null | undefined>)
}

/** Options of {@link fromMsalNode}, discriminated by `flow`. */
export type MsalNodeProviderOptions =
  | ClientCredentialsFlowOptions
  | OnBehalfOfFlowOptions
  | SilentFlowOptions
