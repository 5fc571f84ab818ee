/**
 * The token provider contract: the one thing cae-kit needs from an identity library.
 *
 * @module
 */

/** RFC 9470 step-up requirements taken from an `insufficient_user_authentication` challenge. */
export interface StepUpRequest {
  /** Acceptable authentication context class references, in order of preference. */
  acrValues?: string[]
  /** Maximum age, in seconds, of the user's last active authentication. */
  maxAge?: number
}

/**
 * A request waiting on a token, described so it can be stored and re-issued later (for example
 * across a full-page sign-in redirect). Never carries the `Authorization` header.
 */
export interface PendingRequest {
  /** HTTP method, upper case. */
  method: string
  /** Absolute URL. */
  url: string
  /** Request headers without `Authorization`, names lowercased. */
  headers: Record<string, string>
  /** The body as text, when it is text (or JSON, form-urlencoded) and small enough to store. */
  body?: string
  /** True when the request had a body that could not be described (binary, stream, too large). */
  bodyOmitted?: boolean
}

/** What cae-kit asks a {@link TokenProvider} for. */
export interface TokenRequest {
  /** Scopes of the protected resource, as configured. */
  scopes: string[]
  /**
   * Decoded claims request (JSON text, never base64) from a claims challenge. Present only when
   * answering a challenge; pass it to MSAL's `claims` as is.
   */
  claims?: string
  /** Step-up requirements from an RFC 9470 challenge. */
  stepUp?: StepUpRequest
  /** Aborts the acquisition; a provider should stop waiting and reject with `signal.reason`. */
  signal?: AbortSignal
  /**
   * Describes the requests currently waiting on this token. Providers that leave the page (a
   * sign-in redirect) call it to persist what must be replayed afterwards; others ignore it.
   */
  pendingRequests?: () => Promise<PendingRequest[]>
  /**
   * Call it when an interactive prompt opens (a popup, a redirect about to leave the page): the
   * engine's acquisition bound (`acquisitionTimeoutMs`) and the waiting requests' own timeouts
   * are suspended until the returned function is called (call it when the prompt closes,
   * whatever its outcome; calling it again does nothing). Providers without prompts ignore it.
   */
  interactionStarted?: () => () => void
}

/** A token as returned by a {@link TokenProvider}. */
export interface AccessToken {
  /** The access token itself; sent as `Authorization: <tokenType> <token>`. */
  token: string
  /** When the token expires, in epoch milliseconds. Unknown expiry means "use until challenged". */
  expiresOn?: number
  /**
   * The `Authorization` scheme.
   * @default "Bearer"
   */
  tokenType?: string
}

/**
 * Anything that can produce an access token for scopes, optionally satisfying a claims request.
 * `fromMsalBrowser`, `fromMsalNode` and `fromTokenCredential` build one; any object with this
 * shape works.
 *
 * @example
 * ```ts
 * const tokenProvider: TokenProvider = {
 *   async getToken({ scopes, claims }) {
 *     const result = await cca.acquireTokenByClientCredential({ scopes, claims })
 *     return { token: result!.accessToken, expiresOn: result!.expiresOn?.getTime() }
 *   },
 * }
 * ```
 */
export interface TokenProvider {
  /** Returns a token for `request.scopes`; with `claims`, one that satisfies them. */
  getToken(request: TokenRequest): Promise<AccessToken>
  /**
   * `true` when `getToken` answers for whoever is calling at that moment (it reads an on-behalf-of
   * assertion from the request context, say), so two calls with the same scopes may be for two
   * users. cae-kit then refuses to share tokens by scopes alone: `createCaeFetch`, `attachCae`
   * and `createCaeEngine` require `partitionKey` and throw `CaeOptionsError`
   * (`ERR_CAE_INVALID_OPTIONS`) without it. `fromMsalNode` sets it for the on-behalf-of flow with
   * an `assertion` function; set it on a provider of your own that reads its caller the same way.
   * @default false
   */
  readonly callerScoped?: boolean | undefined
}
