/**
 * Public types of the emulator: options, seeds, admin operations and the request logs.
 *
 * @module
 */

/** A user to seed. Merged with the built-in users (same username replaces the default). */
export type UserSeed = {
  /** Sign-in name (UPN), compared case-insensitively. */
  username: string
  /** Password accepted by the sign-in page. */
  password: string
  /** `name` claim. @default the part of the username before `@` */
  displayName?: string
  /** Object id (`oid`). @default a stable id derived from the username */
  oid?: string
  /** The user must pass MFA (code {@link EmulatorOptions.mfaCode}) at sign-in. @default false */
  mfaRequired?: boolean
  /** The account starts disabled. @default false */
  disabled?: boolean
}

/**
 * A client (app) registration. Merged with the built-in clients (same id replaces the default).
 * A client with a secret is confidential: it may use client credentials and on-behalf-of and gets
 * the API's application permission. Every client also exposes `api://<clientId>/access_as_user`.
 */
export type ClientRegistration = {
  /** Application (client) id. */
  clientId: string
  /** Client secret; makes the client confidential. @default undefined (public client) */
  clientSecret?: string
  /**
   * PEM X.509 certificates whose private keys may sign a `client_assertion` (RS256 or PS256, as
   * msal-node's `auth.clientCertificate` or `auth.clientAssertion` send it); makes the client
   * confidential. `generateClientCertificate()` makes one for tests. @default []
   */
  certificates?: string[]
  /**
   * Accepted redirect URIs (exact match). Loopback URIs (`localhost`, `127.0.0.1`, `[::1]`, any port)
   * are always accepted. @default []
   */
  redirectUris?: string[]
  /** Name shown on the sign-in page. @default the client id */
  displayName?: string
}

/** Options of {@link createEmulator}. */
export type EmulatorOptions = {
  /** Tenant id. @default DEFAULT_TENANT_ID */
  tenantId?: string
  /** Extra users (merged with the built-in ones). @default [] */
  users?: UserSeed[]
  /** Extra client registrations (merged with the built-in ones). @default [] */
  clients?: ClientRegistration[]
  /** Second-factor code the sign-in page accepts. @default '123456' */
  mfaCode?: string
  /** Path of the CAE-enabled API. @default '/api' */
  apiPath?: string
  /** Access-token lifetimes in seconds: `cae` for CP1 clients, `default` for the others. @default { default: 3600, cae: 86400 } */
  tokenLifetimes?: { default?: number; cae?: number }
  /** Extra origins allowed by CORS besides loopback origins and redirect-URI origins. @default [] */
  corsOrigins?: string[]
  /** Clock in epoch milliseconds (tests may inject one). @default Date.now */
  now?: () => number
  /**
   * Which real resource the API plays: its `WWW-Authenticate` forms, 401 bodies and the events it
   * raises (see the fidelity table of the README). @default 'graph'
   */
  resource?: ResourceDialect
  /**
   * Seed of everything the emulator draws at random: CAE token lifetimes (20 to 28 h) and, with
   * `variants: { challenge: 'random' }`, header variants. Same seed, same run; `seed` on the
   * emulator says which one was used. @default 1
   */
  seed?: number
  /** Captured forms other than the most common one (the default). @default {} */
  variants?: FidelityVariants
  /**
   * `'blocked'`: the browser withholds the session cookie from third-party frames (Safari, Chrome
   * incognito), so silent `prompt=none` sign-in finds no session. @default 'allowed'
   */
  thirdPartyCookies?: 'allowed' | 'blocked'
}

/** The real resources whose challenge dialects the emulator's API speaks. */
export type ResourceDialect = 'graph' | 'arm' | 'keyvault'

/**
 * Captured forms the emulator can send instead of the most common one. Every field is optional;
 * an absent field keeps the default form.
 */
export type FidelityVariants = {
  /**
   * Header form of the API's challenges: a variant name of the dialect (see
   * {@link CHALLENGE_VARIANTS}), `'default'` (the most common captured form), or `'random'` (a
   * seeded pick per challenge, recorded in `apiRequests()[i].variant`).
   */
  challenge?: string
  /**
   * Graph's challenge for a location change, which no capture shows: `'invalid_token'` (with
   * `xms_rp_ipaddr`, ARM's captured form; the default) or `'insufficient_claims'`.
   */
  graphLocation?: 'invalid_token' | 'insufficient_claims'
  /**
   * Whether AADSTS50076 (`basic_action`) from `/token` carries `claims` with the policy ids.
   * Captures from 2023 to 2024 carry none (the default, `false`); `'random'` draws per answer.
   */
  stepUpClaims?: boolean | 'random'
}

/** Options of {@link EmulatorAdmin.leaveTrustedLocation}. */
export type LeaveTrustedLocationOptions = {
  /**
   * `'silent'`: only the IP seen by the resource and by Entra differ; Entra issues a one-hour
   * token that suspends IP checks. `'block'`: the client left the allowed network; Entra refuses
   * every token (AADSTS53003), interactive sign-in included. @default 'silent'
   */
  enforcement?: LocationEnforcement
}

/** How Conditional Access treats the client after a location change. */
export type LocationEnforcement = 'silent' | 'block'

/** Scopes of the CAE-enabled API. */
export type ApiScopes = {
  /** `api://cae-emulator/.default`: client credentials, token carries `roles`. */
  app: string
  /** Delegated scopes: token carries `scp`. */
  delegated: string[]
}

/** A seeded user as exposed on the emulator (current password). */
export type UserInfo = {
  username: string
  password: string
  displayName: string
  oid: string
}

/** A registered client as exposed on the emulator. */
export type ClientInfo = {
  clientId: string
  clientSecret?: string
  /** Registered PEM certificates (for `client_assertion`). */
  certificates: string[]
  displayName: string
  /** `confidential` when the client has a secret or a certificate. */
  kind: 'public' | 'confidential'
  redirectUris: string[]
}

/** Why the API challenged a token (also the `code` in `error_description`). */
export type ChallengeCause =
  | 'UserAccountDisabled'
  | 'PasswordChanged'
  | 'TokenIssuedBeforeRevocationTimestamp'
  | 'TokenCreatedWithOutdatedPolicies'
  | 'UserRiskHigh'
  | 'ServicePrincipalDisabled'
  | 'ServicePrincipalDeleted'
  | 'ServicePrincipalRiskHigh'
  | 'LocationConditionEvaluationSatisfied'
  | 'AuthenticationContextRequired'
  | 'ForcedChallenge'

/** One call to the token endpoint, in arrival order. */
export type TokenRequestRecord = {
  /** Epoch milliseconds. */
  at: number
  grantType: string
  clientId: string
  /** Space-separated scopes as sent. */
  scope: string
  /** The `claims` parameter (JSON text) when sent. */
  claims?: string
  /** The `xms_cc` client capabilities found in `claims`. */
  capabilities: string[]
  ok: boolean
  status: number
  /** OAuth error code when `ok` is false. */
  error?: string
  /** First AADSTS code when `ok` is false. */
  errorCode?: number
  /** The user the token was (or would have been) issued for. */
  username?: string
  /** How the client proved itself, once it did. */
  clientAuth?: ClientAuthMethod
}

/** How a client authenticated a token request: not at all (public), secret, or certificate. */
export type ClientAuthMethod = 'none' | 'secret' | 'certificate'

/** One call to the CAE-enabled API, in arrival order. */
export type ApiRequestRecord = {
  /** Epoch milliseconds. */
  at: number
  method: string
  /** Path below the API root, e.g. `/messages`. */
  path: string
  status: number
  /** Request body text (POST/PUT/PATCH). */
  body?: string
  /** The `WWW-Authenticate` value of a 401/403. */
  challenge?: string
  /** Decoded `claims` of a claims challenge (JSON text). */
  claims?: string
  /** Why the token was challenged. */
  cause?: ChallengeCause
  /** Which header variant of the resource dialect answered (challenges only). */
  variant?: string
  /** `azp` of the presented token. */
  clientId?: string
  /** `preferred_username` of the presented (delegated) token. */
  username?: string
}

/** Names of the admin operations (the HTTP route is the kebab-case form). */
export type EmulatorEventType =
  | 'disableUser'
  | 'resetPassword'
  | 'requireMfa'
  | 'revokeSessions'
  | 'raiseUserRisk'
  | 'leaveTrustedLocation'
  | 'requireAuthContext'
  | 'disableServicePrincipal'
  | 'deleteServicePrincipal'
  | 'raiseServicePrincipalRisk'
  | 'detectLoops'
  | 'throttleTokenRequests'
  | 'useVariants'
  | 'blockThirdPartyCookies'
  | 'failTokenRequests'
  | 'delayTokenRequests'
  | 'alwaysChallenge'

/** One admin operation, as recorded by {@link EmulatorAdmin.events}. */
export type EmulatorEvent = {
  /** Epoch milliseconds. */
  at: number
  type: EmulatorEventType
  username?: string
  clientId?: string
  /** New public IP address (leaveTrustedLocation). */
  ipAddress?: string
  /** How Conditional Access treats the new location (leaveTrustedLocation). */
  enforcement?: LocationEnforcement
  pathPrefix?: string
  authContext?: string
  detail?: Record<string, unknown>
}

/** Options of {@link EmulatorAdmin.throttleTokenRequests}. */
export type ThrottleTokenRequestsOptions = {
  /** Client-credential requests allowed per client id within `windowMs`. @default 4 */
  limit?: number
  /** The sliding window in milliseconds. @default 10_000 */
  windowMs?: number
}

/** Options of {@link EmulatorAdmin.failTokenRequests}. */
export type FailTokenRequestsOptions = {
  /** HTTP status. @default 400 */
  status?: number
  /** OAuth `error`. @default 'temporarily_unavailable' */
  error?: string
}

/**
 * Admin operations: one per CAE event, test faults and logs. Every user or client argument must
 * exist, otherwise the call throws a `TypeError` whose `code` is `ERR_EMULATOR_UNKNOWN_USER` or
 * `ERR_EMULATOR_UNKNOWN_CLIENT`.
 */
export type EmulatorAdmin = {
  /** Disables the account: sessions and refresh tokens die, sign-in fails (AADSTS50057). */
  disableUser(username: string): EmulatorEvent
  /** Sets a new password and revokes sessions and refresh tokens (AADSTS50173). */
  resetPassword(username: string, password: string): EmulatorEvent
  /** Requires MFA from now on: refresh fails with `basic_action` until the user signs in with the code. */
  requireMfa(username: string): EmulatorEvent
  /** Revokes all sessions and refresh tokens (Revoke-MgUserSignInSession). */
  revokeSessions(username: string): EmulatorEvent
  /** Marks the user high-risk: refresh fails with `basic_action` until the user passes MFA. */
  raiseUserRisk(username: string): EmulatorEvent
  /**
   * Moves the client to a new public IP (a new one on every call): CAE tokens issued before are
   * challenged. Then, by `enforcement`, `/token` answers with a one-hour token (`'silent'`, the
   * default) or refuses every request with AADSTS53003 (`'block'`) until `reset()`.
   */
  leaveTrustedLocation(options?: LeaveTrustedLocationOptions): EmulatorEvent
  /** Requires authentication context `authContext` on API paths starting with `pathPrefix`. */
  requireAuthContext(pathPrefix: string, authContext?: string): EmulatorEvent
  /** Disables a client's service principal: no tokens (AADSTS7000112), its CP1 tokens are challenged. */
  disableServicePrincipal(clientId: string): EmulatorEvent
  /** Deletes a client's service principal: no tokens (AADSTS700016), its CP1 app tokens are challenged (Graph). */
  deleteServicePrincipal(clientId: string): EmulatorEvent
  /** Marks a service principal high-risk: client credentials refused (AADSTS53003), CP1 app tokens challenged (Graph). */
  raiseServicePrincipalRisk(clientId: string): EmulatorEvent
  /**
   * Loop detection: while enabled, the sixth identical user-flow token request (same grant, client,
   * user, scopes and claims) within 20 s is refused with `invalid_grant` AADSTS50196.
   */
  detectLoops(enabled: boolean): EmulatorEvent
  /**
   * Client-credential throttling: while on, a client id that makes more than `limit` requests
   * with `grant_type=client_credentials` in any `windowMs` window (sliding; refused requests count
   * too) gets `429` with `Retry-After: 60` and `temporarily_unavailable` AADSTS90055. msal-node then
   * refuses the identical request itself for 60 s. `false` switches it off; `reset()` too.
   */
  throttleTokenRequests(options?: ThrottleTokenRequestsOptions | false): EmulatorEvent
  /** Switches captured variants (see {@link FidelityVariants}); fields left out keep their value. */
  useVariants(variants: FidelityVariants): EmulatorEvent
  /** While enabled, silent `prompt=none` sign-in finds no session (third-party cookies blocked). */
  blockThirdPartyCookies(enabled: boolean): EmulatorEvent
  /** Restores the seeds, forgets sessions, refresh tokens, logs, faults and events; keeps signing keys. */
  reset(): void
  /** Admin operations performed since the last reset, oldest first. */
  events(): EmulatorEvent[]
  /** Fails the next `count` token requests with an OAuth error. */
  failTokenRequests(count: number, options?: FailTokenRequestsOptions): EmulatorEvent
  /** Delays the next `count` token requests by `ms` milliseconds. */
  delayTokenRequests(count: number, ms: number): EmulatorEvent
  /** Challenges every authenticated API request (CP1 or not) while enabled. */
  alwaysChallenge(enabled: boolean): EmulatorEvent
  /** Token endpoint calls since the last reset, oldest first. */
  tokenRequests(): TokenRequestRecord[]
  /** API calls since the last reset, oldest first. */
  apiRequests(): ApiRequestRecord[]
}

/** URLs of an emulator reached at a given origin. */
export type EmulatorUrls = {
  /** The origin, e.g. `https://localhost:8443`. */
  url: string
  /** `url + '/' + tenantId`: MSAL `authority`. */
  authority: string
  /** Base URL of the CAE-enabled API, e.g. `https://localhost:8443/api`. */
  apiUrl: string
  /** MSAL `knownAuthorities` entry (`host:port`). */
  knownAuthority: string
}

/** An in-memory emulator: a fetch-style handler plus admin operations. */
export type Emulator = {
  /** Answers one request; issuer and endpoints follow the request's origin. Never rejects. */
  handle(request: Request): Promise<Response>
  admin: EmulatorAdmin
  tenantId: string
  apiPath: string
  apiScopes: ApiScopes
  /** Second-factor code accepted by the sign-in page. */
  mfaCode: string
  /** Current users (passwords follow resetPassword). */
  readonly users: UserInfo[]
  /** Registered clients. */
  readonly clients: ClientInfo[]
  /** URLs for an origin, e.g. `urls('https://login.test')`. */
  urls(origin: string): EmulatorUrls
  /** Resolves once the signing key exists (handle() waits for it by itself). */
  ready(): Promise<void>
  /** The resource dialect of the API. */
  resource: ResourceDialect
  /** The seed of this emulator's random draws: pass it as `seed` to replay a run. */
  seed: number
}
