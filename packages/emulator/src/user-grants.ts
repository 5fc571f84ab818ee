/** Delegated grants: authorization_code (PKCE) and refresh_token, with the session checks Entra makes. */
import type { ClaimsRequest } from './claims'
import type { Context } from './context'
import { oauthError, type TokenOutcome } from './errors'
import { issueUserTokens } from './issue'
import { grantAuthContexts, secondFactorNeed, stepUpDescription, stepUpFields } from './policy'
import { resolveScopes } from './scopes'
import { type ClientAuthMethod, type ClientState, type Session, userByOid } from './state'
import { sha256, splitScopes } from './util'

export type GrantInput = {
  origin: string
  client: ClientState
  /** How the client authenticated this request (`azpacr` 0, 1, 2). */
  clientAuth: ClientAuthMethod
  form: URLSearchParams
  claims: ClaimsRequest
}

function invalidGrant(ctx: Context, code: number, description: string, extra = {}) {
  return oauthError(ctx, { error: 'invalid_grant', code, description, ...extra })
}

/**
 * Issues user tokens from a session after the checks every user grant shares: the account is
 * enabled, the session was not revoked, and no second factor is missing for the policies and the
 * requested auth contexts. The order matches what a client sees from Entra.
 */
async function issueFromSession(
  ctx: Context,
  input: GrantInput,
  session: Session,
  nonce?: string,
  refreshExpiresAt?: number,
): Promise<TokenOutcome> {
  const user = userByOid(ctx.state, session.oid)
  if (!user || user.disabled) {
    return invalidGrant(
      ctx,
      50057,
      'The user account is disabled. The account has been disabled by an administrator.',
      user ? { username: user.username } : {},
    )
  }
  const username = user.username
  if (session.createdAt < user.tokensValidFrom) {
    // bad_token: MSAL drops the refresh token; node raises InteractionRequiredAuthError, the
    // browser retries in a prompt=none iframe first (which then gets login_required).
    const issued = new Date(session.createdAt).toISOString()
    const validFrom = new Date(user.tokensValidFrom).toISOString()
    return invalidGrant(
      ctx,
      50173,
      `The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '${issued}' and the TokensValidFrom date (before which tokens are not valid) for this user is '${validFrom}'.`,
      { suberror: 'bad_token', username },
    )
  }
  const scopes = resolveScopes(ctx.state, splitScopes(input.form.get('scope')))
  if (!scopes.ok) {
    const { error, code, description } = scopes
    return oauthError(ctx, { error, code, description, username })
  }
  const need = secondFactorNeed(user, session, input.claims.acrs)
  if (need) {
    return invalidGrant(ctx, 50076, stepUpDescription(need, scopes.grant.resource.appId), {
      ...stepUpFields(ctx, need, input.claims.acrs),
      username,
    })
  }
  grantAuthContexts(session, input.claims.acrs)
  const body = await issueUserTokens(ctx, {
    origin: input.origin,
    client: input.client,
    clientAuth: input.clientAuth,
    grant: scopes.grant,
    claims: input.claims,
    user,
    session,
    ...(nonce === undefined ? {} : { nonce }),
    ...(refreshExpiresAt === undefined ? {} : { refreshExpiresAt }),
  })
  return { status: 200, body, username }
}

/** grant_type=authorization_code: single-use code, same client and redirect URI, PKCE S256. */
export async function redeemCode(ctx: Context, input: GrantInput): Promise<TokenOutcome> {
  const value = input.form.get('code') ?? ''
  const code = ctx.state.codes.get(value)
  // Codes are single use: deleted before any other check so a replay always fails.
  ctx.state.codes.delete(value)
  if (!code || code.expiresAt < ctx.config.now()) {
    return invalidGrant(
      ctx,
      70008,
      'The provided authorization code has expired or was already redeemed.',
    )
  }
  if (code.clientId !== input.client.clientId) {
    return invalidGrant(
      ctx,
      700005,
      'Provided Authorization Code is intended to use against other client.',
    )
  }
  if ((input.form.get('redirect_uri') ?? '') !== code.redirectUri) {
    return invalidGrant(
      ctx,
      500117,
      'The reply uri specified in the request does not match the reply uri used to request the authorization code.',
    )
  }
  if (code.codeChallenge !== undefined) {
    const verifier = input.form.get('code_verifier') ?? ''
    if (!verifier || (await sha256(verifier)) !== code.codeChallenge) {
      return invalidGrant(
        ctx,
        501481,
        'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
      )
    }
  }
  const session = ctx.state.sessions.get(code.sessionId)
  if (!session)
    return invalidGrant(ctx, 70008, 'The session of this authorization code no longer exists.')
  return issueFromSession(ctx, input, session, code.nonce)
}

/**
 * grant_type=refresh_token. Every response carries a new refresh token; like Entra, the previous
 * one stays valid until its session is revoked (strict one-time use would break concurrent
 * silent calls of one MSAL instance for different resources).
 */
export async function redeemRefreshToken(ctx: Context, input: GrantInput): Promise<TokenOutcome> {
  const record = ctx.state.refreshTokens.get(input.form.get('refresh_token') ?? '')
  if (!record)
    return invalidGrant(ctx, 9002313, 'Invalid request. The refresh token is malformed or unknown.')
  if (record.clientId !== input.client.clientId) {
    return invalidGrant(ctx, 700005, 'The refresh token was issued to a different client.')
  }
  if (record.expiresAt < ctx.config.now()) {
    return invalidGrant(ctx, 700084, 'The refresh token has expired.', { suberror: 'bad_token' })
  }
  const session = ctx.state.sessions.get(record.sessionId)
  if (!session)
    return invalidGrant(ctx, 50173, 'The session of this refresh token no longer exists.', {
      suberror: 'bad_token',
    })
  // A rotated refresh token keeps the expiry of the one presented (Entra: SPA refresh tokens end
  // 24 h after the sign-in, however often they are redeemed).
  return issueFromSession(ctx, input, session, undefined, record.expiresAt)
}
