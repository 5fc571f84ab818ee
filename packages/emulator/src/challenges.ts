/** CAE evaluation of a presented token: which event, if any, the resource must challenge it for. */
import { isCaeCapable } from './claims'
import type { Context } from './context'
import type { CaeDecision } from './dialects'
import { userByOid } from './state'

/** Whether `path` is `prefix` or below it (segment boundary: `/messages` does not cover `/messagesX`). */
function covers(prefix: string, path: string): boolean {
  const p = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix
  return p === '' || path === p || path.startsWith(`${p}/`)
}

/** What evaluateToken found: a CAE decision to word as a challenge, or a plain refusal. */
export type Evaluation =
  | { type: 'challenge'; decision: CaeDecision }
  /** Auth context required from a client that cannot answer a claims challenge: a plain 403. */
  | { type: 'refuse'; decision: CaeDecision }

/** Service principal events, most severe first; each challenges CP1 app tokens issued before it. */
function servicePrincipalEvent(ctx: Context, azp: unknown, issuedMs: number) {
  const client = ctx.state.clients.get(String(azp))
  if (!client) return undefined
  const events = [
    [client.deletedAt, 'ServicePrincipalDeleted'],
    [client.disabledAt, 'ServicePrincipalDisabled'],
    [client.riskAt, 'ServicePrincipalRiskHigh'],
  ] as const
  for (const [at, cause] of events) {
    if (at !== undefined && at > issuedMs) return { kind: 'event' as const, cause, at }
  }
  return undefined
}

/**
 * Decides whether a valid token must be challenged. CAE events (critical events, service
 * principal events, network location) apply only to CP1 tokens: other tokens keep working until
 * they expire, as with Entra. App-only tokens are CAE tokens on Graph alone (workload identities).
 * Auth context applies to delegated tokens: CP1 ones get a claims challenge, others a plain
 * refusal. The forced challenge (test fault) applies to every token.
 */
export function evaluateToken(
  ctx: Context,
  payload: Record<string, unknown>,
  issuedMs: number,
  path: string,
): Evaluation | undefined {
  const { state } = ctx
  const xmsCc = Array.isArray(payload.xms_cc) ? payload.xms_cc.map(String) : []
  const isApp = payload.idtyp === 'app'
  const capable = isCaeCapable(xmsCc)
  if (capable && (!isApp || ctx.config.resource === 'graph')) {
    const sp = servicePrincipalEvent(ctx, payload.azp, issuedMs)
    if (sp) return { type: 'challenge', decision: sp }
    if (!isApp) {
      const event = userByOid(state, payload.oid)?.criticalEvent
      if (event && event.at > issuedMs) {
        return { type: 'challenge', decision: { kind: 'event', ...event } }
      }
    }
    const moved = state.locationChangedAt
    if (moved !== undefined && moved > issuedMs) {
      const decision: CaeDecision = {
        kind: 'location',
        cause: 'LocationConditionEvaluationSatisfied',
        at: moved,
        ipAddress: state.ipAddress,
      }
      return { type: 'challenge', decision }
    }
  }
  if (!isApp) {
    const acrs = Array.isArray(payload.acrs) ? payload.acrs.map(String) : []
    const rule = state.authContextRules.find(
      (r) => covers(r.pathPrefix, path) && !acrs.includes(r.authContext),
    )
    if (rule) {
      const decision: CaeDecision = {
        kind: 'authContext',
        cause: 'AuthenticationContextRequired',
        at: ctx.config.now(),
        authContext: rule.authContext,
      }
      return { type: capable ? 'challenge' : 'refuse', decision }
    }
  }
  if (state.faults.alwaysChallenge !== false) {
    const at = state.faults.alwaysChallenge
    const decision: CaeDecision = { kind: 'event', cause: 'ForcedChallenge', at }
    return { type: 'challenge', decision }
  }
  return undefined
}
