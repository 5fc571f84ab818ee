/** Confidential-client grants: client_credentials and on-behalf-of (jwt-bearer). */
import { type Context, tokenIssuedMs } from './context'
import { oauthError, type TokenOutcome } from './errors'
import { issueAppToken, issueOboToken } from './issue'
import { SP_RISK_POLICY_ID, secondFactorNeed, stepUpDescription, stepUpFields } from './policy'
import { resolveScopes } from './scopes'
import { isConfidential, type Session, userByOid } from './state'
import { verifyJwt } from './tokens'
import type { GrantInput } from './user-grants'
import { splitScopes } from './util'

function requireConfidential(ctx: Context, input: GrantInput): TokenOutcome | undefined {
  if (isConfidential(input.client)) return undefined
  return oauthError(ctx, {
    error: 'invalid_client',
    code: 7000218,
    description:
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  })
}

/** grant_type=client_credentials: exactly one `<resource>/.default` scope; token carries `roles`. */
export async function clientCredentials(ctx: Context, input: GrantInput): Promise<TokenOutcome> {
  const denied = requireConfidential(ctx, input)
  if (denied) return denied
  if (input.client.riskAt !== undefined) {
    // Conditional Access for workload identities: a risk-based policy blocks the sign-in.
    return oauthError(ctx, {
      error: 'invalid_grant',
      code: 53003,
      suberror: 'message_only',
      description:
        'AADSTS53003: Access has been blocked by Conditional Access policies. The service principal is at high risk.',
      claims: JSON.stringify({
        access_token: { capolids: { essential: true, values: [SP_RISK_POLICY_ID] } },
      }),
    })
  }
  const requested = splitScopes(input.form.get('scope'))
  const scopes = resolveScopes(ctx.state, requested)
  if (!scopes.ok) {
    const { error, code, description } = scopes
    return oauthError(ctx, { error, code, description })
  }
  if (requested.length !== 1 || !scopes.grant.isDefault) {
    return oauthError(ctx, {
      error: 'invalid_scope',
      code: 1002012,
      description: `The provided value for scope ${requested.join(' ')} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    })
  }
  const body = await issueAppToken(ctx, {
    origin: input.origin,
    client: input.client,
    clientAuth: input.clientAuth,
    grant: scopes.grant,
    claims: input.claims,
  })
  return { status: 200, body }
}

/**
 * On-behalf-of: the assertion must be a delegated token of this emulator whose audience is the
 * calling client. Revocation, MFA, risk and requested auth contexts are evaluated against the
 * assertion (its session's MFA, its `acrs` and issue time), so a middle tier gets `basic_action` + claims it
 * can forward to its caller as a claims challenge.
 */
export async function onBehalfOf(ctx: Context, input: GrantInput): Promise<TokenOutcome> {
  const denied = requireConfidential(ctx, input)
  if (denied) return denied
  const { form, client } = input
  if (form.get('requested_token_use') !== 'on_behalf_of') {
    return oauthError(ctx, {
      error: 'invalid_request',
      code: 90014,
      description:
        "The request body must contain the parameter 'requested_token_use' with value 'on_behalf_of'.",
    })
  }
  const verified = await verifyJwt(await ctx.keys(), form.get('assertion') ?? '', {
    tenantId: ctx.config.tenantId,
    audiences: [client.clientId, `api://${client.clientId}`],
    nowMs: ctx.config.now(),
  })
  if (!verified.ok || typeof verified.payload.scp !== 'string') {
    const description = verified.ok
      ? 'The assertion is not a delegated user token.'
      : verified.description
    return oauthError(ctx, {
      error: 'invalid_grant',
      code: 50013,
      description: `Assertion failed validation. ${description}`,
    })
  }
  const assertion = verified.payload
  const user = userByOid(ctx.state, assertion.oid)
  if (!user || user.disabled) {
    return oauthError(ctx, {
      error: 'invalid_grant',
      code: 50057,
      description: 'The user account is disabled.',
    })
  }
  const username = user.username
  const issuedMs = tokenIssuedMs(ctx, assertion)
  // tokensValidFrom is 0 until a revocation: a token from before a reset() is fine until then.
  if (user.tokensValidFrom > 0 && issuedMs < user.tokensValidFrom) {
    return oauthError(ctx, {
      error: 'invalid_grant',
      code: 50173,
      suberror: 'bad_token',
      username,
      description:
        'The provided grant has expired due to it being revoked, a fresh auth token is needed.',
    })
  }
  const scopes = resolveScopes(ctx.state, splitScopes(form.get('scope')))
  if (!scopes.ok) {
    const { error, code, description } = scopes
    return oauthError(ctx, { error, code, description, username })
  }
  // The assertion stands in for the session: its auth contexts, and the MFA its session had
  // when it was issued (v2 tokens carry no `amr`), are what the user proved.
  const session = ctx.state.sessions.get(String(assertion.sid ?? ''))
  const mfaAt = session?.mfaAt
  const proof: Session = {
    id: String(assertion.sid ?? ''),
    oid: user.oid,
    createdAt: Math.max(issuedMs, 0),
    acrs: new Set(Array.isArray(assertion.acrs) ? assertion.acrs.map(String) : []),
    ...(mfaAt !== undefined && mfaAt <= issuedMs ? { mfaAt } : {}),
  }
  const need = secondFactorNeed(user, proof, input.claims.acrs)
  if (need) {
    return oauthError(ctx, {
      error: 'invalid_grant',
      code: 50076,
      description: stepUpDescription(need, scopes.grant.resource.appId),
      ...stepUpFields(ctx, need, input.claims.acrs),
      username,
    })
  }
  // No second factor is missing, so requested contexts are satisfied by the assertion's MFA.
  const acrs = [...new Set([...proof.acrs, ...input.claims.acrs])].sort()
  const body = await issueOboToken(ctx, {
    origin: input.origin,
    client,
    clientAuth: input.clientAuth,
    grant: scopes.grant,
    claims: input.claims,
    user,
    assertion: acrs.length > 0 ? { ...assertion, acrs } : assertion,
  })
  return { status: 200, body, username }
}
