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
}

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
  pathPrefix?: string
  authContext?: string
  detail?: Record<string, unknown>
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
  /** Moves the client to an untrusted public IP; CP1 tokens from the old IP get `invalid_token`. */
  leaveTrustedLocation(): EmulatorEvent
  /** Requires authentication context `authContext` on API paths starting with `pathPrefix`. */
  requireAuthContext(pathPrefix: string, authContext?: string): EmulatorEvent
  /** Disables a client's service principal: no tokens (AADSTS7000112), its CP1 tokens are challenged. */
  disableServicePrincipal(clientId: string): EmulatorEvent
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
}
