/**
 * What the test page exposes on `window.cae`, for tests to drive with `page.evaluate`. Every value
 * crossing the page boundary is plain JSON.
 */

/** Compile-time configuration, injected by Vite `define` as `__CAE_TEST__`. */
export interface PageConfig {
  clientId: string
  authority: string
  /** `localhost:<port>` of the emulator, for MSAL `knownAuthorities`. */
  knownAuthority: string
  /** `http://localhost:<pagePort>/redirect.html` */
  redirectUri: string
  apiUrl: string
  scopes: string[]
}

/** One API call for {@link CaeTestApi.call}; `path` is relative to the API URL. */
export interface ApiCall {
  method: 'GET' | 'POST'
  path: string
  body?: unknown
}

/** How a call (or a replay) ended. */
export type Outcome =
  | { ok: true; status: number; data: unknown }
  | {
      ok: false
      name: string
      /** `err.code`: a cae-kit code (`ERR_CAE_*`) or an axios code. */
      code?: string
      /** `err.cause.errorCode`, the MSAL error behind a cae-kit error. */
      causeCode?: string
      status?: number
      claims?: string
    }

/** What `resumeAfterRedirect` found when this page loaded. */
export interface ResumeReport {
  redirected: boolean
  username?: string
  pending: Array<{ method: string; url: string; body?: string }>
  replays: Outcome[]
}

/** Provider options a test can switch between (functions cannot cross `page.evaluate`). */
export interface ProviderSettings {
  interaction?: 'popup' | 'redirect' | 'none'
  fallbackToRedirect?: boolean
}

export interface CaeTestApi {
  /** Resolves when MSAL is initialized and the redirect (if any) is resumed. */
  ready: Promise<ResumeReport>
  /** Signs in with a popup and makes the account active; resolves with its username. */
  signIn(): Promise<string>
  /** Rebuilds the axios instance + provider with these settings. */
  configure(settings: ProviderSettings): void
  /** Runs the calls concurrently through the cae-enabled axios instance. */
  call(calls: ApiCall[]): Promise<Outcome[]>
  /** `onInteraction` events so far: kind and whether claims were present. */
  interactions: Array<{ kind: string; claims: boolean }>
  /**
   * What polling `popup.closed` would read now for the last window the page opened (MSAL's
   * popup): `true` while a COOP sign-in page shows in it.
   */
  popupLooksClosed(): boolean
  /** Builds a provider over a second application whose capabilities are `capabilities`. */
  createProviderWithCapabilities(capabilities: string[]): Promise<void>
}

declare global {
  interface Window {
    cae: CaeTestApi
  }
}
