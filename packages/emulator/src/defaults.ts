/**
 * Documented seed data of the emulator: one tenant, two users, three client registrations and
 * the CAE-enabled API. Every value is a constant so tests and examples can hard-code them.
 *
 * @module
 */

/** Tenant id of the emulated directory (`tid` in every token). */
export const DEFAULT_TENANT_ID = 'cae0cae0-7e7a-4a7e-8c0d-000000000001'

/** Verified domain of the emulated tenant; `/{domain}` works as an authority path too. */
export const DEFAULT_TENANT_DOMAIN = 'contoso.test'

/** One-time code the sign-in page accepts as the second factor (MFA, auth context, risk). */
export const DEFAULT_MFA_CODE = '123456'

/** Client id of the built-in SPA (public client; any loopback `http(s)://localhost:<port>/...` redirect URI). */
export const DEFAULT_SPA_CLIENT_ID = '5ba00000-0000-4000-8000-000000000001'

/** Client id of the built-in daemon (confidential client for client credentials). */
export const DEFAULT_DAEMON_CLIENT_ID = 'dae00000-0000-4000-8000-000000000002'
/** Secret of the built-in daemon. */
export const DEFAULT_DAEMON_CLIENT_SECRET = 'daemon-secret'

/** Client id of the built-in middle tier (confidential web API that calls the API on-behalf-of the user). */
export const DEFAULT_MIDDLE_TIER_CLIENT_ID = 'a1dd1e00-0000-4000-8000-000000000003'
/** Secret of the built-in middle tier. */
export const DEFAULT_MIDDLE_TIER_CLIENT_SECRET = 'middle-tier-secret'
/**
 * Delegated scope a SPA asks for to call the middle tier. Every registered client exposes
 * `api://<clientId>/access_as_user`, so any client can be the first hop of an on-behalf-of chain.
 */
export const DEFAULT_MIDDLE_TIER_SCOPE = `api://${DEFAULT_MIDDLE_TIER_CLIENT_ID}/access_as_user`

/** Application (client) id of the CAE-enabled API; the `aud` of its tokens and `client_id` in its challenges. */
export const API_APP_ID = 'a9100000-0000-4000-8000-000000000004'
/** Application id URI of the CAE-enabled API (scope prefix). */
export const API_IDENTIFIER_URI = 'api://cae-emulator'
/** Delegated scopes of the API (`scp`). */
export const API_DELEGATED_SCOPES: readonly string[] = [
  `${API_IDENTIFIER_URI}/Messages.ReadWrite`,
  `${API_IDENTIFIER_URI}/User.Read`,
]
/** Scope a confidential client asks for with client credentials; the token carries `roles`. */
export const API_APP_SCOPE = `${API_IDENTIFIER_URI}/.default`
/** Application permission (`roles`) granted to every confidential client. */
export const API_APP_ROLE = 'Messages.ReadWrite.All'

/** Public IP address tokens carry while the client is in the trusted location. */
export const TRUSTED_IP_ADDRESS = '198.51.100.10'

/** Path of the CAE-enabled API on the emulator's origin. @default '/api' */
export const DEFAULT_API_PATH = '/api'

/** A built-in user. Passwords are plain on purpose: this is a test identity provider. */
export type DefaultUser = {
  readonly username: string
  readonly password: string
  readonly displayName: string
  readonly oid: string
}

/** Built-in users: alice (the usual test user) and bob (a second account). */
export const DEFAULT_USERS: readonly DefaultUser[] = [
  {
    username: 'alice@contoso.test',
    password: 'alice-password',
    displayName: 'Alice Example',
    oid: 'a11ce000-0000-4000-8000-00000000000a',
  },
  {
    username: 'bob@contoso.test',
    password: 'bob-password',
    displayName: 'Bob Example',
    oid: 'b0b00000-0000-4000-8000-00000000000b',
  },
]

/** A built-in client registration. */
export type DefaultClient = {
  readonly clientId: string
  readonly clientSecret?: string
  readonly displayName: string
}

/** Built-in clients: the SPA (public), the daemon and the middle tier (confidential). */
export const DEFAULT_CLIENTS: readonly DefaultClient[] = [
  { clientId: DEFAULT_SPA_CLIENT_ID, displayName: 'CAE Emulator SPA' },
  {
    clientId: DEFAULT_DAEMON_CLIENT_ID,
    clientSecret: DEFAULT_DAEMON_CLIENT_SECRET,
    displayName: 'CAE Emulator Daemon',
  },
  {
    clientId: DEFAULT_MIDDLE_TIER_CLIENT_ID,
    clientSecret: DEFAULT_MIDDLE_TIER_CLIENT_SECRET,
    displayName: 'CAE Emulator Middle Tier',
  },
]
