/** Mutable directory state (users, clients, sessions, grants, faults, logs) and its seeding. */

import {
  API_APP_ID,
  DEFAULT_API_PATH,
  DEFAULT_CLIENTS,
  DEFAULT_MFA_CODE,
  DEFAULT_TENANT_DOMAIN,
  DEFAULT_TENANT_ID,
  DEFAULT_USERS,
  TRUSTED_IP_ADDRESS,
} from './defaults'
import { DEFAULT_SEED, isSeed, type SeededRandom, seededRandom } from './random'
import type {
  ApiRequestRecord,
  ChallengeCause,
  ClientAuthMethod,
  EmulatorEvent,
  EmulatorOptions,
  FidelityVariants,
  LocationEnforcement,
  ResourceDialect,
  TokenRequestRecord,
} from './types'
import { certificateDer, stableGuid } from './util'

export type UserState = {
  username: string
  password: string
  displayName: string
  oid: string
  disabled: boolean
  mfaRequired: boolean
  /** Epoch ms of the raiseUserRisk event while the risk is not remediated. */
  riskRaisedAt?: number
  /** Sessions and refresh tokens created before this epoch ms are dead. */
  tokensValidFrom: number
  /** Latest critical event: CP1 tokens issued before it are challenged. */
  criticalEvent?: { at: number; cause: ChallengeCause }
}

export type ClientState = {
  clientId: string
  clientSecret?: string
  /** PEM certificates whose keys may sign a `client_assertion`. */
  certificates: string[]
  displayName: string
  redirectUris: string[]
  /** Object id of the service principal (`oid` of app-only tokens). */
  spOid: string
  disabledAt?: number
  /** The service principal was deleted (the app is no longer in the tenant). */
  deletedAt?: number
  /** The service principal was marked high-risk. */
  riskAt?: number
}

export type { ClientAuthMethod }

/** A client that authenticates (secret or certificate): it gets confidential-client behaviour. */
export function isConfidential(client: ClientState): boolean {
  return client.clientSecret !== undefined || client.certificates.length > 0
}

/** The registered certificates of a client seed, each checked to be one PEM certificate. */
function certificatesOf(clientId: string, certificates: readonly string[] | undefined): string[] {
  return (certificates ?? []).map((pem) => {
    if (typeof pem !== 'string' || certificateDer(pem) === undefined) {
      const error = new TypeError(
        `client ${clientId}: each of "certificates" must be one PEM certificate (-----BEGIN CERTIFICATE-----)`,
      )
      throw Object.assign(error, { code: 'ERR_EMULATOR_INVALID_ARGUMENT' })
    }
    return pem
  })
}

/** A sign-in session: the browser cookie and every refresh token derived from it. */
export type Session = {
  id: string
  oid: string
  createdAt: number
  /** Epoch ms of the last successful second factor. */
  mfaAt?: number
  /** Authentication contexts satisfied in this session. */
  acrs: Set<string>
  /** The browser signed out: no more single sign-on, but its refresh tokens stay valid (Entra). */
  signedOut?: boolean
}

export type RefreshRecord = { clientId: string; sessionId: string; expiresAt: number }

export type CodeRecord = {
  clientId: string
  redirectUri: string
  codeChallenge?: string
  nonce?: string
  sessionId: string
  expiresAt: number
}

/** Validated /authorize request parameters, kept while the sign-in page is shown. */
export type AuthorizeRequest = {
  tenant: string
  clientId: string
  redirectUri: string
  responseMode: 'query' | 'fragment' | 'form_post'
  state?: string
  nonce?: string
  codeChallenge?: string
  /** Authentication contexts requested through `claims`. */
  acrs: string[]
  loginHint?: string
}

export type PendingSignIn = {
  id: string
  request: AuthorizeRequest
  expiresAt: number
  /** Set once the password was verified (or an existing session is being stepped up). */
  oid?: string
  /** Session to upgrade instead of creating a new one. */
  sessionId?: string
}

export type Faults = {
  fail?: { count: number; status: number; error: string }
  delay?: { count: number; ms: number }
  /**
   * When `alwaysChallenge` was switched on (ms since the epoch), or false. Every forced challenge
   * carries that moment, as a real event has one time: claims do not change from one second to the next.
   */
  alwaysChallenge: false | number
}

/**
 * The throttling switch: limits, and arrival times (epoch ms) by client id while on. Defined here
 * with the rest of the state: `throttling.ts` reads the context, which must not import it back.
 */
export type ThrottleState = {
  limit: number
  windowMs: number
  seen: Map<string, number[]>
}

export type Message = { id: string; from: string; body: unknown; receivedAt: string }

export type State = {
  users: Map<string, UserState>
  clients: Map<string, ClientState>
  sessions: Map<string, Session>
  refreshTokens: Map<string, RefreshRecord>
  codes: Map<string, CodeRecord>
  pending: Map<string, PendingSignIn>
  ipAddress: string
  locationChangedAt?: number
  /** How Conditional Access treats the current location (after leaveTrustedLocation). */
  locationEnforcement: LocationEnforcement
  /** Identical user-flow token requests: times (epoch ms) by fingerprint, while enabled. */
  loops: { enabled: boolean; seen: Map<string, number[]> }
  /** Client-credential throttling while switched on (see throttleTokenRequests). */
  throttle?: ThrottleState
  /** The captured variants in use. */
  variants: FidelityVariants
  /** Silent prompt=none sign-in sees no session cookie (Safari, Chrome incognito). */
  thirdPartyCookiesBlocked: boolean
  /** Draws lifetimes and random variants; restarts from the seed on reset(). */
  random: SeededRandom
  authContextRules: Array<{ pathPrefix: string; authContext: string }>
  faults: Faults
  tokenLog: TokenRequestRecord[]
  apiLog: ApiRequestRecord[]
  events: EmulatorEvent[]
  messages: Message[]
}

/** Resolved configuration (options with defaults applied). */
export type Config = {
  tenantId: string
  tenantDomain: string
  mfaCode: string
  apiPath: string
  apiAppId: string
  /** `cae` undefined: user tokens of CAE clients last a seeded 20 to 28 h, app tokens 24 h. */
  lifetimes: { default: number; cae?: number }
  resource: ResourceDialect
  seed: number
  variants: FidelityVariants
  thirdPartyCookiesBlocked: boolean
  corsOrigins: string[]
  now: () => number
  userSeeds: UserState[]
  clientSeeds: ClientState[]
}

/** Applies defaults to the options; user and client seeds are merged over the built-in ones. */
export function resolveConfig(options: EmulatorOptions = {}): Config {
  const users = new Map<string, UserState>()
  for (const seed of [...DEFAULT_USERS, ...(options.users ?? [])]) {
    const username = seed.username.toLowerCase()
    users.set(username, {
      username,
      password: seed.password,
      displayName: seed.displayName ?? username.split('@')[0] ?? username,
      oid: seed.oid ?? stableGuid(`user:${username}`),
      disabled: 'disabled' in seed ? (seed.disabled ?? false) : false,
      mfaRequired: 'mfaRequired' in seed ? (seed.mfaRequired ?? false) : false,
      tokensValidFrom: 0,
    })
  }
  const clients = new Map<string, ClientState>()
  for (const seed of [...DEFAULT_CLIENTS, ...(options.clients ?? [])]) {
    const client: ClientState = {
      clientId: seed.clientId,
      displayName: seed.displayName ?? seed.clientId,
      redirectUris: 'redirectUris' in seed ? [...(seed.redirectUris ?? [])] : [],
      spOid: stableGuid(`sp:${seed.clientId}`),
      certificates: 'certificates' in seed ? certificatesOf(seed.clientId, seed.certificates) : [],
    }
    if (seed.clientSecret !== undefined) client.clientSecret = seed.clientSecret
    clients.set(seed.clientId, client)
  }
  const apiPath = `/${(options.apiPath ?? DEFAULT_API_PATH).replace(/^\/+|\/+$/g, '')}`
  return {
    tenantId: options.tenantId ?? DEFAULT_TENANT_ID,
    tenantDomain: DEFAULT_TENANT_DOMAIN,
    mfaCode: options.mfaCode ?? DEFAULT_MFA_CODE,
    apiPath,
    apiAppId: API_APP_ID,
    lifetimes: {
      default: options.tokenLifetimes?.default ?? 3600,
      ...(options.tokenLifetimes?.cae === undefined ? {} : { cae: options.tokenLifetimes.cae }),
    },
    resource: resourceOption(options.resource),
    seed: seedOption(options.seed),
    variants: { ...options.variants },
    thirdPartyCookiesBlocked: options.thirdPartyCookies === 'blocked',
    corsOrigins: options.corsOrigins ?? [],
    now: options.now ?? Date.now,
    userSeeds: [...users.values()],
    clientSeeds: [...clients.values()],
  }
}

function invalidOption(message: string): TypeError {
  return Object.assign(new TypeError(message), { code: 'ERR_EMULATOR_INVALID_ARGUMENT' })
}

function resourceOption(value: unknown): ResourceDialect {
  if (value === undefined) return 'graph'
  if (value === 'graph' || value === 'arm' || value === 'keyvault') return value
  throw invalidOption(`"resource" must be 'graph', 'arm' or 'keyvault', not ${String(value)}`)
}

function seedOption(value: unknown): number {
  if (value === undefined) return DEFAULT_SEED
  if (isSeed(value)) return value
  throw invalidOption('"seed" must be an integer from 0 to 4294967295')
}

/** A fresh state from the seeds (deep copies: admin operations never mutate the seeds). */
export function createState(config: Config): State {
  return {
    users: new Map(config.userSeeds.map((u) => [u.username, { ...u }])),
    clients: new Map(
      config.clientSeeds.map((c) => [c.clientId, { ...c, redirectUris: [...c.redirectUris] }]),
    ),
    sessions: new Map(),
    refreshTokens: new Map(),
    codes: new Map(),
    pending: new Map(),
    ipAddress: TRUSTED_IP_ADDRESS,
    locationEnforcement: 'silent',
    loops: { enabled: false, seen: new Map() },
    variants: { ...config.variants },
    thirdPartyCookiesBlocked: config.thirdPartyCookiesBlocked,
    random: seededRandom(config.seed),
    authContextRules: [],
    faults: { alwaysChallenge: false },
    tokenLog: [],
    apiLog: [],
    events: [],
    messages: [
      {
        id: 'm-1',
        from: 'system',
        body: { subject: 'Welcome to the CAE emulator' },
        receivedAt: new Date(0).toISOString(),
      },
    ],
  }
}

/** The user with this object id. */
export function userByOid(state: State, oid: unknown): UserState | undefined {
  for (const user of state.users.values()) if (user.oid === oid) return user
  return undefined
}

/**
 * A browser session that is still alive: it exists, the browser did not sign out, its user is
 * enabled and it was not revoked.
 */
export function liveSession(state: State, sessionId: string | undefined): Session | undefined {
  const session = sessionId ? state.sessions.get(sessionId) : undefined
  if (!session || session.signedOut) return undefined
  const user = userByOid(state, session.oid)
  if (!user || user.disabled || session.createdAt < user.tokensValidFrom) return undefined
  return session
}

/**
 * A strictly increasing millisecond clock over `now`. Revocations and issuances are compared with
 * `<`, so two of them must never share a timestamp (a fast test revokes in the same millisecond).
 * `rewind()` (on reset) lets a test's fake clock start over, and starts a new generation: times
 * of different generations cannot be compared, so a token of an earlier one counts as issued
 * before every event of the current one.
 */
export function createTicker(now: () => number): {
  tick(): number
  rewind(): void
  generation(): number
} {
  let last = 0
  let generation = 0
  return {
    tick() {
      last = Math.max(now(), last + 1)
      return last
    },
    rewind() {
      last = 0
      generation = (generation + 1) % 256
    },
    generation: () => generation,
  }
}
