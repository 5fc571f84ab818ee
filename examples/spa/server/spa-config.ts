/** Builds the SPA's `/config.json` from a running emulator. */
import type { ClientRegistration, RunningEmulator } from '@cae-kit/emulator'
import { DEFAULT_SPA_CLIENT_ID, DEFAULT_USERS } from '@cae-kit/emulator'

/** The password the SPA's "Reset password" button sets (shown on the page). */
export const DEMO_NEW_PASSWORD = 'alice-new-password'

/**
 * The configuration the SPA loads at start-up (see `src/config.ts`): the emulator's authority,
 * the built-in SPA client, the API and its delegated scopes, the admin URL and the demo account.
 *
 * @param idp - The running emulator.
 * @param refreshIntervalMs - Auto-refresh period of the data view; 0 turns it off.
 */
export function spaConfigFor(
  idp: Pick<
    RunningEmulator,
    'url' | 'authority' | 'knownAuthority' | 'apiUrl' | 'apiScopes' | 'mfaCode'
  >,
  refreshIntervalMs = 5000,
) {
  const alice = DEFAULT_USERS[0]
  if (!alice) throw new Error('the emulator has no default user')
  return {
    clientId: DEFAULT_SPA_CLIENT_ID,
    authority: idp.authority,
    knownAuthorities: [idp.knownAuthority],
    apiUrl: idp.apiUrl,
    scopes: [...idp.apiScopes.delegated],
    adminUrl: `${idp.url}/admin`,
    refreshIntervalMs,
    demoUser: {
      username: alice.username,
      password: alice.password,
      newPassword: DEMO_NEW_PASSWORD,
      mfaCode: idp.mfaCode,
    },
  }
}

/**
 * The SPA client registered with the SPA's redirect URI, as in an Entra app registration: its
 * origin may then call the emulator's `/admin/*` operations (the admin panel) and read them.
 *
 * @param spaUrl - Where the SPA is served, `http://localhost:<port>`.
 */
export const spaClientFor = (spaUrl: string): ClientRegistration => ({
  clientId: DEFAULT_SPA_CLIENT_ID,
  displayName: 'CAE Emulator SPA',
  redirectUris: [`${spaUrl}/redirect.html`],
})
