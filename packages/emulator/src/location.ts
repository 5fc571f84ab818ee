/**
 * Network location as Conditional Access evaluates it after `leaveTrustedLocation()`: either the
 * IP seen by the resource and by Entra differ (Entra issues one-hour tokens that suspend IP
 * checks) or the client left the allowed network (every token refused with AADSTS53003).
 *
 * @see https://learn.microsoft.com/entra/identity/conditional-access/concept-continuous-access-evaluation
 */
import type { Context } from './context'
import { authorizeErrorParams, oauthError, type TokenOutcome } from './errors'

/** Id of the location policy in `capolids`. */
export const LOCATION_POLICY_ID = 'cae0f004-0000-4000-8000-00000000000f'

/** Lifetime, in seconds, of tokens Entra issues while the IPs seen by Entra and the resource differ. */
export const SPLIT_IP_TOKEN_LIFETIME = 3600

const BLOCKED_TEXT =
  'AADSTS53003: Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.'

/** Whether the client is outside the allowed network under a blocking policy. */
export function isLocationBlocked(ctx: Context): boolean {
  return ctx.state.locationChangedAt !== undefined && ctx.state.locationEnforcement === 'block'
}

/**
 * The lifetime of a CAE token issued now: while only the IPs differ (silent enforcement), at most
 * one hour.
 */
export function locationLifetime(ctx: Context, seconds: number): number {
  const split =
    ctx.state.locationChangedAt !== undefined && ctx.state.locationEnforcement === 'silent'
  return split ? Math.min(seconds, SPLIT_IP_TOKEN_LIFETIME) : seconds
}

/** `/token`'s refusal: `invalid_grant` AADSTS53003, `suberror: message_only`, `capolids` claims. */
export function locationRefusal(ctx: Context): TokenOutcome {
  return oauthError(ctx, {
    error: 'invalid_grant',
    code: 53003,
    description: BLOCKED_TEXT,
    suberror: 'message_only',
    claims: JSON.stringify({
      access_token: { capolids: { essential: true, values: [LOCATION_POLICY_ID] } },
    }),
  })
}

/** The authorize error for a blocked location (silent requests and the sign-in page's return). */
export function locationAuthorizeError(prompt: string): Record<string, string> {
  const error = prompt === 'none' ? 'interaction_required' : 'access_denied'
  return { ...authorizeErrorParams(error, 53003, BLOCKED_TEXT), suberror: 'message_only' }
}
