/** Conditional Access as the emulator models it: MFA requirement, user risk and auth contexts. */
import type { Context } from './context'
import type { Session, UserState } from './state'

/** Conditional Access policy ids reported in `capolids` claims. */
export const MFA_POLICY_ID = 'cae0f001-0000-4000-8000-00000000000f'
export const RISK_POLICY_ID = 'cae0f002-0000-4000-8000-00000000000f'
export const AUTH_CONTEXT_POLICY_ID = 'cae0f003-0000-4000-8000-00000000000f'
export const SP_RISK_POLICY_ID = 'cae0f005-0000-4000-8000-00000000000f'

export type SecondFactorNeed = {
  reason: 'mfa' | 'risk' | 'acrs'
  policyId: string
}

/**
 * Whether the user must pass a second factor before a token can be issued from `session`
 * (undefined session = a sign-in without a session yet). An earlier MFA in the session satisfies
 * an auth-context request; a user-risk event requires an MFA done after the event.
 */
export function secondFactorNeed(
  user: UserState,
  session: Session | undefined,
  acrs: readonly string[],
): SecondFactorNeed | undefined {
  const mfaAt = session?.mfaAt
  if (user.mfaRequired && mfaAt === undefined) return { reason: 'mfa', policyId: MFA_POLICY_ID }
  if (user.riskRaisedAt !== undefined && (mfaAt === undefined || mfaAt < user.riskRaisedAt)) {
    return { reason: 'risk', policyId: RISK_POLICY_ID }
  }
  if (acrs.some((a) => !session?.acrs.has(a)) && mfaAt === undefined) {
    return { reason: 'acrs', policyId: AUTH_CONTEXT_POLICY_ID }
  }
  return undefined
}

/** Records requested auth contexts as satisfied (call only when no second factor is missing). */
export function grantAuthContexts(session: Session, acrs: readonly string[]): void {
  for (const a of acrs) session.acrs.add(a)
}

/** Records a successful second factor: remediates user risk, satisfies requested contexts. */
export function recordSecondFactor(
  user: UserState,
  session: Session,
  acrs: readonly string[],
  at: number,
): void {
  session.mfaAt = at
  delete user.riskRaisedAt
  grantAuthContexts(session, acrs)
}

/**
 * The `claims` Entra returns with `suberror: basic_action`: the blocking policy ids, plus the
 * requested auth contexts so an interactive retry with these claims asks for them again.
 */
export function stepUpClaims(need: SecondFactorNeed, acrs: readonly string[]): string {
  const accessToken: Record<string, unknown> = {
    capolids: { essential: true, values: [need.policyId] },
  }
  if (acrs.length === 1) accessToken.acrs = { essential: true, value: acrs[0] }
  if (acrs.length > 1) accessToken.acrs = { essential: true, values: [...acrs] }
  return JSON.stringify({ access_token: accessToken })
}

/** AADSTS text for a missing second factor. */
export function stepUpDescription(need: SecondFactorNeed, resource: string): string {
  if (need.reason === 'risk') {
    return `AADSTS50076: Your sign-in was blocked because of user risk; you must use multi-factor authentication to access '${resource}'.`
  }
  if (need.reason === 'acrs') {
    return `AADSTS50076: The resource '${resource}' requires an authentication context that needs multi-factor authentication.`
  }
  return `AADSTS50076: Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '${resource}'.`
}

/**
 * Whether this AADSTS50076 answer carries `claims`: captures from 2023 to 2024 carry none (the
 * default); `variants.stepUpClaims` switches it on, or draws it (`'random'`, seeded).
 */
export function sendsStepUpClaims(ctx: Context): boolean {
  const setting = ctx.state.variants.stepUpClaims
  if (setting === 'random') return ctx.state.random.next() < 0.5
  return setting === true
}

/** The optional fields of an AADSTS50076 answer: `suberror: basic_action`, and claims or not. */
export function stepUpFields(
  ctx: Context,
  need: SecondFactorNeed,
  acrs: readonly string[],
): { suberror: string; claims?: string } {
  return sendsStepUpClaims(ctx)
    ? { suberror: 'basic_action', claims: stepUpClaims(need, acrs) }
    : { suberror: 'basic_action' }
}
