/** CAE evaluation of a presented token and the WWW-Authenticate challenges Entra-protected APIs send. */
import { isCaeCapable } from './claims'
import type { Context } from './context'
import { userByOid } from './state'
import type { ChallengeCause } from './types'
import { base64Text } from './util'

export type CaeChallenge = {
  error: 'insufficient_claims' | 'invalid_token'
  cause: ChallengeCause
  description: string
  /** Claims request (JSON text) the client must satisfy. */
  claims: string
}

function caeDescription(cause: ChallengeCause): string {
  return `Continuous access evaluation resulted in challenge with result: InteractionRequired and code: ${cause}`
}

function nbfChallenge(cause: ChallengeCause, atMs: number): CaeChallenge {
  // Compact JSON with the value as a string of epoch seconds, as Graph and ARM send it.
  const claims = `{"access_token":{"nbf":{"essential":true,"value":"${Math.floor(atMs / 1000)}"}}}`
  return { error: 'insufficient_claims', cause, description: caeDescription(cause), claims }
}

/** Whether `path` is `prefix` or below it (segment boundary: `/messages` does not cover `/messagesX`). */
function covers(prefix: string, path: string): boolean {
  const p = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix
  return p === '' || path === p || path.startsWith(`${p}/`)
}

/**
 * Decides whether a valid token must be challenged. CAE events (critical events, disabled
 * service principal, network location) apply only to CP1 tokens: other tokens keep working
 * until they expire, as with Entra. Auth context applies to delegated tokens; the forced
 * challenge (test fault) to every token.
 */
export function evaluateToken(
  ctx: Context,
  payload: Record<string, unknown>,
  issuedMs: number,
  path: string,
): CaeChallenge | undefined {
  const { state } = ctx
  const xmsCc = Array.isArray(payload.xms_cc) ? payload.xms_cc.map(String) : []
  const isApp = payload.idtyp === 'app'
  if (isCaeCapable(xmsCc)) {
    const client = state.clients.get(String(payload.azp))
    if (client?.disabledAt !== undefined && client.disabledAt > issuedMs) {
      return nbfChallenge('ServicePrincipalDisabled', client.disabledAt)
    }
    if (!isApp) {
      const user = userByOid(state, payload.oid)
      const event = user?.criticalEvent
      if (event && event.at > issuedMs) return nbfChallenge(event.cause, event.at)
    }
    if (payload.ipaddr !== state.ipAddress) {
      const at = Math.floor((state.locationChangedAt ?? Math.max(issuedMs, 0)) / 1000)
      return {
        error: 'invalid_token',
        cause: 'LocationConditionEvaluationSatisfied',
        description: 'Tenant IP Policy validate failed.',
        claims: `{"access_token":{"nbf":{"essential":true,"value":"${at}"},"xms_rp_ipaddr":{"value":"${state.ipAddress}"}}}`,
      }
    }
  }
  if (!isApp) {
    const acrs = Array.isArray(payload.acrs) ? payload.acrs.map(String) : []
    const rule = state.authContextRules.find(
      (r) => covers(r.pathPrefix, path) && !acrs.includes(r.authContext),
    )
    if (rule) {
      return {
        error: 'insufficient_claims',
        cause: 'AuthenticationContextRequired',
        description: `The resource requires authentication context ${rule.authContext}.`,
        claims: `{"access_token":{"acrs":{"essential":true,"value":"${rule.authContext}"}}}`,
      }
    }
  }
  if (state.faults.alwaysChallenge) return nbfChallenge('ForcedChallenge', ctx.config.now())
  return undefined
}

/** The Bearer challenge of the API, Graph's parameter order; claims base64 (standard, padded). */
export function formatChallenge(
  ctx: Context,
  origin: string,
  error?: { error: string; description: string; claims?: string },
): string {
  const params = [
    'realm=""',
    `authorization_uri="${origin}/${ctx.config.tenantId}/oauth2/authorize"`,
    `client_id="${ctx.config.apiAppId}"`,
  ]
  if (error) {
    params.push(`error="${error.error}"`, `error_description="${error.description}"`)
    if (error.claims !== undefined) params.push(`claims="${base64Text(error.claims)}"`)
  }
  return `Bearer ${params.join(', ')}`
}
