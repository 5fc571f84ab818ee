/** Admin operations: one per CAE event, test faults, logs and reset. */
import type { Context } from './context'
import { createState, type UserState } from './state'
import type {
  ChallengeCause,
  EmulatorAdmin,
  EmulatorEvent,
  EmulatorEventType,
  FailTokenRequestsOptions,
} from './types'

/** A coded TypeError for bad admin arguments (oauth4webapi style: `err.code`). */
function argumentError(code: string, message: string): TypeError {
  return Object.assign(new TypeError(message), { code })
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
    leaveTrustedLocation() {
      // Never an address a token of an earlier test holds (reset() does not restart the series).
      state.ipAddress = `203.0.113.${7 + (nextIp++ % 248)}`
      const event = record('leaveTrustedLocation', { ipAddress: state.ipAddress })
      state.locationChangedAt = event.at
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
    disableServicePrincipal(clientId) {
      const client = typeof clientId === 'string' ? state.clients.get(clientId) : undefined
      if (!client) {
        throw argumentError('ERR_EMULATOR_UNKNOWN_CLIENT', `unknown client: ${String(clientId)}`)
      }
      const event = record('disableServicePrincipal', { clientId })
      client.disabledAt = event.at
      return event
    },
    reset() {
      Object.assign(state, createState(config))
      delete state.locationChangedAt
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
      if (typeof enabled !== 'boolean') {
        throw argumentError('ERR_EMULATOR_INVALID_ARGUMENT', '"enabled" must be true or false')
      }
      state.faults.alwaysChallenge = enabled === true
      return record('alwaysChallenge', { detail: { enabled: enabled === true } })
    },
    tokenRequests: () => state.tokenLog.map((r) => ({ ...r, capabilities: [...r.capabilities] })),
    apiRequests: () => state.apiLog.map((r) => ({ ...r })),
  }
}
