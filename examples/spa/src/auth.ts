/**
 * The cae-kit wiring of this SPA, the part worth copying: an MSAL application that declares the
 * `CP1` capability, and an axios instance with `attachCae` over `fromMsalBrowser`.
 */
import type { AuthenticationResult } from '@azure/msal-browser'
import { PublicClientApplication } from '@azure/msal-browser'
import { attachCae } from '@cae-kit/axios'
import type { CaeEvent } from '@cae-kit/core'
import type { InteractionEvent } from '@cae-kit/msal-browser'
import { fromMsalBrowser, resumeAfterRedirect } from '@cae-kit/msal-browser'
import type { AxiosInstance } from 'axios'
import axios from 'axios'
import type { SpaConfig } from './config'

export interface Auth {
  pca: PublicClientApplication
  /** Every request to `config.apiUrl` carries a token and survives claims challenges. */
  http: AxiosInstance
  signIn(): Promise<AuthenticationResult>
  signOut(): Promise<void>
  username(): string | undefined
}

export interface AuthHooks {
  /** cae-kit's events: challenge, token, replay, challenge-unsatisfied, error. */
  onEvent(event: CaeEvent): void
  /** The adapter is about to open a sign-in prompt for a claims challenge. */
  onInteraction(event: InteractionEvent): void
}

/**
 * Creates the MSAL application and the protected axios instance, and finishes a sign-in redirect
 * if this page load is one (`resumeAfterRedirect`, before any API call).
 */
export async function createAuth(config: SpaConfig, hooks: AuthHooks): Promise<Auth> {
  const pca = new PublicClientApplication({
    auth: {
      clientId: config.clientId,
      authority: config.authority,
      knownAuthorities: config.knownAuthorities,
      // "I can handle claims challenges": Entra (and the emulator) then issue CAE tokens.
      clientCapabilities: ['CP1'],
      // A page that runs broadcastResponseToMainFrame() (msal-browser 5 needs it for popups).
      redirectUri: new URL('/redirect.html', location.origin).href,
    },
    // sessionStorage: each tab signs in on its own; localStorage (CAE_DEMO_CACHE=localStorage):
    // the tabs share it, and one sign-in popup serves all of them.
    cache: { cacheLocation: config.cacheLocation },
  })
  await pca.initialize()

  const http = axios.create({ timeout: 60_000 })
  const resources = [{ url: config.apiUrl, scopes: config.scopes }]
  attachCae(http, {
    resources,
    tokenProvider: fromMsalBrowser(pca, {
      interaction: 'popup',
      onInteraction: hooks.onInteraction,
    }),
    onEvent: hooks.onEvent,
  })

  // Finishes a redirect sign-in (if any) and replays, once, what was waiting for it.
  const resumed = await resumeAfterRedirect(pca, {
    resources,
    replay: (request) =>
      http.request({
        method: request.method,
        url: request.url,
        headers: request.headers,
        ...(request.body === undefined ? {} : { data: request.body }),
      }),
  })
  if (resumed.result?.account) pca.setActiveAccount(resumed.result.account)
  if (!pca.getActiveAccount()) {
    const [account] = pca.getAllAccounts()
    if (account) pca.setActiveAccount(account)
  }

  return {
    pca,
    http,
    async signIn() {
      const result = await pca.loginPopup({ scopes: config.scopes, prompt: 'login' })
      pca.setActiveAccount(result.account)
      return result
    },
    async signOut() {
      // Local sign-out: forget this app's tokens (the emulator session ends with the tab).
      await pca.clearCache()
      pca.setActiveAccount(null)
    },
    username() {
      return pca.getActiveAccount()?.username
    },
  }
}
