/**
 * Runtime configuration, served by the demo server as `/config.json` so the emulator can run on
 * any port (tests start it on a free one). Nothing here is secret: it is what a SPA ships anyway.
 */

/** The demo account, shown on the page so anyone can sign in to the local emulator. */
export interface DemoUser {
  username: string
  password: string
  /** The password the "Reset password" button sets. */
  newPassword: string
  /** The one-time code the emulator's sign-in page accepts when MFA is required. */
  mfaCode: string
}

/** What the SPA needs to know about its identity provider and API. */
export interface SpaConfig {
  /** The SPA's client id registered in the emulator. */
  clientId: string
  /** `https://localhost:<port>/<tenant>`. */
  authority: string
  /** `localhost:<port>`: MSAL needs it for an authority that is not a Microsoft cloud. */
  knownAuthorities: string[]
  /** The protected API's base URL (`GET /me`, `GET /messages`, `POST /messages`). */
  apiUrl: string
  /** Delegated scopes of the API. */
  scopes: string[]
  /** The emulator's HTTP admin base URL (`POST <adminUrl>/<op>`). */
  adminUrl: string
  /** How often the data view refreshes itself; 0 turns auto-refresh off. */
  refreshIntervalMs: number
  /**
   * Where MSAL keeps its cache: `sessionStorage` (each tab signs in on its own) or `localStorage`
   * (tabs share the sign-in, as apps with single sign-on across tabs do).
   */
  cacheLocation: 'sessionStorage' | 'localStorage'
  demoUser: DemoUser
}

/**
 * Loads and checks `/config.json`.
 *
 * @throws Error naming the missing or mistyped field, so a broken demo setup says what is wrong.
 */
export async function loadConfig(url = '/config.json'): Promise<SpaConfig> {
  const response = await fetch(url, { cache: 'no-store' })
  if (!response.ok) throw new Error(`${url} answered ${response.status}`)
  return parseConfig(await response.json())
}

function parseConfig(value: unknown): SpaConfig {
  const input = asRecord(value, 'config')
  const user = asRecord(input.demoUser, 'demoUser')
  return {
    clientId: asString(input.clientId, 'clientId'),
    authority: asString(input.authority, 'authority'),
    knownAuthorities: asStrings(input.knownAuthorities, 'knownAuthorities'),
    apiUrl: asString(input.apiUrl, 'apiUrl').replace(/\/+$/, ''),
    scopes: asStrings(input.scopes, 'scopes'),
    adminUrl: asString(input.adminUrl, 'adminUrl').replace(/\/+$/, ''),
    refreshIntervalMs:
      typeof input.refreshIntervalMs === 'number' && input.refreshIntervalMs >= 0
        ? input.refreshIntervalMs
        : 5000,
    cacheLocation: input.cacheLocation === 'localStorage' ? 'localStorage' : 'sessionStorage',
    demoUser: {
      username: asString(user.username, 'demoUser.username'),
      password: asString(user.password, 'demoUser.password'),
      newPassword: asString(user.newPassword, 'demoUser.newPassword'),
      mfaCode: asString(user.mfaCode, 'demoUser.mfaCode'),
    },
  }
}

function asRecord(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null)
    throw new Error(`config: ${name} is not an object`)
  return value as Record<string, unknown>
}

function asString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw new Error(`config: ${name} is missing`)
  return value
}

function asStrings(value: unknown, name: string): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new Error(`config: ${name} is not a list of strings`)
  }
  return value
}
