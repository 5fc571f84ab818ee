/** Admin operations: one per CAE event, test faults, logs and reset. */
import type { Context } from './context'
import { CHALLENGE_VARIANTS } from './dialects'
import { type ClientState, createState, type UserState } from './state'
import { THROTTLE_LIMIT, THROTTLE_WINDOW_MS } from './throttling'
import type {
  ChallengeCause,
  EmulatorAdmin,
  EmulatorEvent,
  EmulatorEventType,
  FailTokenRequestsOptions,
  FidelityVariants,
  LeaveTrustedLocationOptions,
  ThrottleTokenRequestsOptions,
} from './types'

/** A coded TypeError for bad admin arguments (oauth4webapi style: `err.code`). */
function argumentError(code: string, message: string): TypeError {
  return Object.assign(new TypeError(message), { code })
}

function requireBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw argumentError('ERR_EMULATOR_INVALID_ARGUMENT', `"${name}" must be true or false`)
  }
  return value
}

/** Checks a variants object against the dialect; returns the fields it sets. */
function checkVariants(
  resource: keyof typeof CHALLENGE_VARIANTS,
  value: unknown,
): FidelityVariants {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw argumentError('ERR_EMULATOR_INVALID_ARGUMENT', '"variants" must be an object')
  }
  const { challenge, graphLocation, stepUpClaims } = value as Record<string, unknown>
  const names = ['default', 'random', ...CHALLENGE_VARIANTS[resource]]
  const out: FidelityVariants = {}
  if (challenge !== undefined) {
    if (typeof challenge !== 'string' || !names.includes(challenge)) {
      throw argumentError(
        'ERR_EMULATOR_INVALID_ARGUMENT',
        `"challenge" must be one of ${names.join(', ')} for the ${resource} dialect`,
      )
    }
    out.challenge = challenge
  }
  if (graphLocation !== undefined) {
    if (graphLocation !== 'invalid_token' && graphLocation !== 'insufficient_claims') {
      throw argumentError(
        'ERR_EMULATOR_INVALID_ARGUMENT',
        '"graphLocation" must be invalid_token or insufficient_claims',
      )
    }
    out.graphLocation = graphLocation
  }
  if (stepUpClaims !== undefined) {
    if (typeof stepUpClaims !== 'boolean' && stepUpClaims !== 'random') {
      throw argumentError(
        'ERR_EMULATOR_INVALID_ARGUMENT',
        '"stepUpClaims" must be a boolean or random',
      )
    }
    out.stepUpClaims = stepUpClaims
  }
  return out
}

/** Checks the throttling options; `false` switches throttling off. */
function checkThrottle(value: unknown): { limit: number; windowMs: number } | false {
  if (value === false) return false
  if (value === undefined) return { limit: THROTTLE_LIMIT, windowMs: THROTTLE_WINDOW_MS }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw argumentError('ERR_EMULATOR_INVALID_ARGUMENT', '"options" must be an object or false')
  }
  const { limit = THROTTLE_LIMIT, windowMs = THROTTLE_WINDOW_MS } = value as Record<string, unknown>
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0) {
    throw argumentError('ERR_EMULATOR_INVALID_ARGUMENT', '"limit" must be a non-negative integer')
  }
  if (typeof windowMs !== 'number' || !Number.isInteger(windowMs) || windowMs <= 0) {
    throw argumentError('ERR_EMULATOR_INVALID_ARGUMENT', '"windowMs" must be a positive integer')
  }
  return { limit, windowMs }
}

function requireCount(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw argumentError('ERR_EMULATOR_INVALID_ARGUMENT', `"${name}" must be a non-negative integer`)
  }
  return value
}

/** The admin surface over a context; `rewind` resets the clock on reset(). */
export function createAdmin(ctx: Context, rewind: () => void): EmulatorAdmin {
  const { state, config } = ctx
  let nextIp = 0

  const record = (type: EmulatorEventType, fields: Omit<EmulatorEvent, 'at' | 'type'> = {}) => {
    const event: EmulatorEvent = { at: ctx.tick(), type, ...fields }
    state.events.push(event)
    return { ...event }
  }

  const servicePrincipal = (clientId: unknown): ClientState => {
    const client = typeof clientId === 'string' ? state.clients.get(clientId) : undefined
    if (!client) {
      throw argumentError('ERR_EMULATOR_UNKNOWN_CLIENT', `unknown client: ${String(clientId)}`)
    }
    return client
  }

  /** An admin operation that records a workload-identity event and dates the client with it. */
  const servicePrincipalEvent =
    (type: EmulatorEventType, field: 'disabledAt' | 'deletedAt' | 'riskAt') =>
    (clientId: string): EmulatorEvent => {
      const client = servicePrincipal(clientId)
      const event = record(type, { clientId })
      client[field] = event.at
      return event
    }

  const user = (username: unknown): UserState => {
    if (username === undefined || username === null || username === '')
      throw argumentError('ERR_EMULATOR_INVALID_ARGUMENT', '"username" is required')
    const found =
      typeof username === 'string' ? state.users.get(username.trim().toLowerCase()) : undefined
    if (!found)
      throw argumentError('ERR_EMULATOR_UNKNOWN_USER', `unknown user: ${String(username)}`)
    return found
  }

  // A critical event: CP1 tokens issued before it are challenged; with `revoke`, sessions and
  // refresh tokens created before it die too.
  const critical = (
    type: EmulatorEventType,
    target: UserState,
    cause: ChallengeCause,
    revoke: boolean,
  ) => {
    const event = record(type, { username: target.username })
    target.criticalEvent = { at: event.at, cause }
    if (revoke) target.tokensValidFrom = event.at
    return { event, at: event.at }
  }

  return {
    disableUser(username) {
      const target = user(username)
      target.disabled = true
      return critical('disableUser', target, 'UserAccountDisabled', true).event
    },
    resetPassword(username, password) {
      const target = user(username)
      if (typeof password !== 'string' || password.length === 0) {
        throw argumentError(
          'ERR_EMULATOR_INVALID_ARGUMENT',
          '"password" must be a non-empty string',
        )
      }
      target.password = password
      return critical('resetPassword', target, 'PasswordChanged', true).event
    },
    requireMfa(username) {
      const target = user(username)
      target.mfaRequired = true
      return critical('requireMfa', target, 'TokenCreatedWithOutdatedPolicies', false).event
    },
    revokeSessions(username) {
      const target = user(username)
      return critical('revokeSessions', target, 'TokenIssuedBeforeRevocationTimestamp', true).event
    },
    raiseUserRisk(username) {
      const target = user(username)
      const { event, at } = critical('raiseUserRisk', target, 'UserRiskHigh', false)
      target.riskRaisedAt = at
      return event
    },
    leaveTrustedLocation(options: LeaveTrustedLocationOptions = {}) {
      const enforcement = options?.enforcement ?? 'silent'
      if (enforcement !== 'silent' && enforcement !== 'block') {
        throw argumentError(
          'ERR_EMULATOR_INVALID_ARGUMENT',
          '"enforcement" must be silent or block',
        )
      }
      // A new address on every call, never one of an earlier test (reset() keeps the series).
      state.ipAddress = `203.0.113.${7 + (nextIp++ % 248)}`
      const event = record('leaveTrustedLocation', { ipAddress: state.ipAddress, enforcement })
      state.locationChangedAt = event.at
      state.locationEnforcement = enforcement
      return event
    },
    requireAuthContext(pathPrefix, authContext = 'c1') {
      if (typeof pathPrefix !== 'string') {
        throw argumentError('ERR_EMULATOR_INVALID_ARGUMENT', '"pathPrefix" must be a string')
      }
      if (!/^c([1-9]|[1-9][0-9])$/.test(authContext)) {
        throw argumentError('ERR_EMULATOR_INVALID_ARGUMENT', '"authContext" must be c1 to c99')
      }
      let prefix = pathPrefix.startsWith('/') ? pathPrefix : `/${pathPrefix}`
      // Accept both '/messages' and '/api/messages'.
      if (prefix === config.apiPath || prefix.startsWith(`${config.apiPath}/`)) {
        prefix = prefix.slice(config.apiPath.length) || '/'
      }
      state.authContextRules.push({ pathPrefix: prefix, authContext })
      return record('requireAuthContext', { pathPrefix: prefix, authContext })
    },
    disableServicePrincipal: servicePrincipalEvent('disableServicePrincipal', 'disabledAt'),
    deleteServicePrincipal: servicePrincipalEvent('deleteServicePrincipal', 'deletedAt'),
    raiseServicePrincipalRisk: servicePrincipalEvent('raiseServicePrincipalRisk', 'riskAt'),
    detectLoops(enabled) {
      state.loops = { enabled: requireBoolean('enabled', enabled), seen: new Map() }
      return record('detectLoops', { detail: { enabled } })
    },
    throttleTokenRequests(options?: ThrottleTokenRequestsOptions | false) {
      const limits = checkThrottle(options)
      if (limits) state.throttle = { ...limits, seen: new Map() }
      else delete state.throttle
      return record('throttleTokenRequests', {
        detail: limits ? { enabled: true, ...limits } : { enabled: false },
      })
    },
    useVariants(variants) {
      const set = checkVariants(config.resource, variants)
      Object.assign(state.variants, set)
      return record('useVariants', { detail: { ...set } })
    },
    blockThirdPartyCookies(enabled) {
      state.thirdPartyCookiesBlocked = requireBoolean('enabled', enabled)
      return record('blockThirdPartyCookies', { detail: { enabled } })
    },
    reset() {
      Object.assign(state, createState(config))
      delete state.locationChangedAt
      delete state.throttle
      rewind()
    },
    events: () => state.events.map((e) => ({ ...e })),
    failTokenRequests(count, options: FailTokenRequestsOptions = {}) {
      const status = options.status ?? 400
      if (!Number.isInteger(status) || status < 400 || status > 599) {
        throw argumentError('ERR_EMULATOR_INVALID_ARGUMENT', '"status" must be 400 to 599')
      }
      const error = options.error ?? 'temporarily_unavailable'
      if (typeof error !== 'string' || error === '') {
        throw argumentError('ERR_EMULATOR_INVALID_ARGUMENT', '"error" must be an OAuth error code')
      }
      state.faults.fail = { count: requireCount('count', count), status, error }
      return record('failTokenRequests', { detail: { count, status, error } })
    },
    delayTokenRequests(count, ms) {
      state.faults.delay = { count: requireCount('count', count), ms: requireCount('ms', ms) }
      return record('delayTokenRequests', { detail: { count, ms } })
    },
    alwaysChallenge(enabled) {
      state.faults.alwaysChallenge = requireBoolean('enabled', enabled) && ctx.config.now()
      return record('alwaysChallenge', { detail: { enabled } })
    },
    tokenRequests: () => state.tokenLog.map((r) => ({ ...r, capabilities: [...r.capabilities] })),
    apiRequests: () => state.apiLog.map((r) => ({ ...r })),
  }
}
