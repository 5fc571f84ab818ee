/** Builds and signs access tokens, id tokens and refresh tokens, and the token response body. */
import type { ClaimsRequest } from './claims'
import { isCaeCapable } from './claims'
import { type Context, issuer } from './context'
import { locationLifetime } from './location'
import type { ScopeGrant } from './scopes'
import {
  type ClientAuthMethod,
  type ClientState,
  isConfidential,
  type Session,
  type UserState,
} from './state'
import { signJwt } from './tokens'
import { base64urlText, createUti, randomGuid, randomToken, sha256 } from './util'

const PUBLIC_REFRESH_LIFETIME = 86_400
const CONFIDENTIAL_REFRESH_LIFETIME = 90 * 86_400

type Common = {
  origin: string
  client: ClientState
  clientAuth: ClientAuthMethod
  grant: ScopeGrant
  claims: ClaimsRequest
}

/** Entra's `azpacr`: how the client authenticated (0 public, 1 secret, 2 certificate). */
const AZPACR: Record<ClientAuthMethod, string> = { none: '0', secret: '1', certificate: '2' }

const CAE_MIN_SECONDS = 20 * 3600
const CAE_MAX_SECONDS = 28 * 3600
const WORKLOAD_SECONDS = 24 * 3600

/**
 * Access-token lifetime in seconds. CAE-capable clients get long-lived tokens because the
 * resource can revoke them: users 20 to 28 h (a seeded draw), workload identities 24 h and only
 * for Graph; `tokenLifetimes.cae` fixes both. While the IPs seen by Entra and the resource differ,
 * a CAE token lasts one hour.
 */
function lifetime(ctx: Context, claims: ClaimsRequest, kind: 'user' | 'app'): number {
  const { lifetimes, resource } = ctx.config
  if (!isCaeCapable(claims.capabilities) || (kind === 'app' && resource !== 'graph')) {
    return lifetimes.default
  }
  const fixed = lifetimes.cae ?? (kind === 'app' ? WORKLOAD_SECONDS : undefined)
  const seconds =
    fixed ??
    CAE_MIN_SECONDS + Math.floor(ctx.state.random.next() * (CAE_MAX_SECONDS - CAE_MIN_SECONDS + 1))
  return locationLifetime(ctx, seconds)
}

/** The capabilities Entra echoes in `xms_cc`: known ones only (`cp1`), once each. */
function knownCapabilities(capabilities: readonly string[]): string[] {
  return [...new Set(capabilities.filter((c) => isCaeCapable([c])))]
}

function baseClaims(ctx: Context, input: Common, issuedMs: number, seconds: number) {
  const iat = Math.floor(issuedMs / 1000)
  const payload: Record<string, unknown> = {
    aud: input.grant.resource.appId,
    iss: issuer(ctx, input.origin),
    iat,
    nbf: iat,
    exp: iat + seconds,
    azp: input.client.clientId,
    azpacr: AZPACR[input.clientAuth],
    tid: ctx.config.tenantId,
    uti: createUti(issuedMs, ctx.generation()),
    ver: '2.0',
  }
  // v2 tokens: no v1-only claims (`appid`, `amr`, `ipaddr`).
  const known = knownCapabilities(input.claims.capabilities)
  if (known.length > 0) {
    payload.xms_cc = known
    payload.xms_ssm = '1'
  }
  return payload
}

function accessTokenResponse(accessToken: string, seconds: number, grant: ScopeGrant) {
  return {
    token_type: 'Bearer',
    scope: grant.requested.length > 0 ? grant.requested.join(' ') : grant.scp.join(' '),
    expires_in: seconds,
    ext_expires_in: seconds,
    access_token: accessToken,
  }
}

export type UserIssue = Common & {
  user: UserState
  session: Session
  nonce?: string
  /** The expiry of the refresh token being redeemed: a public client's new one keeps it. */
  refreshExpiresAt?: number
}

/** Delegated tokens for a user session: access token, id token, rotated refresh token, client_info. */
export async function issueUserTokens(ctx: Context, input: UserIssue) {
  const keys = await ctx.keys()
  const issuedMs = ctx.tick()
  const seconds = lifetime(ctx, input.claims, 'user')
  const { user, session, client } = input
  const sub = await sha256(`${user.oid}:${client.clientId}`)
  const identity = {
    name: user.displayName,
    oid: user.oid,
    preferred_username: user.username,
    sub,
    sid: session.id,
  }
  const access: Record<string, unknown> = {
    ...baseClaims(ctx, input, issuedMs, seconds),
    ...identity,
    scp: input.grant.scp.join(' '),
  }
  if (session.acrs.size > 0) access.acrs = [...session.acrs].sort()
  const body: Record<string, unknown> = accessTokenResponse(
    await signJwt(keys, access),
    seconds,
    input.grant,
  )
  const iat = Math.floor(issuedMs / 1000)
  if (input.grant.openid) {
    const idToken: Record<string, unknown> = {
      aud: client.clientId,
      iss: issuer(ctx, input.origin),
      iat,
      nbf: iat,
      exp: iat + 3600,
      auth_time: Math.floor(session.createdAt / 1000),
      tid: ctx.config.tenantId,
      ver: '2.0',
      uti: createUti(issuedMs, ctx.generation()),
      ...identity,
    }
    if (input.nonce !== undefined) idToken.nonce = input.nonce
    body.id_token = await signJwt(keys, idToken)
  }
  if (input.grant.offlineAccess) {
    const refreshToken = `1.${randomToken(48)}`
    const confidential = isConfidential(client)
    const expiresAt = confidential
      ? issuedMs + CONFIDENTIAL_REFRESH_LIFETIME * 1000
      : (input.refreshExpiresAt ?? issuedMs + PUBLIC_REFRESH_LIFETIME * 1000)
    ctx.state.refreshTokens.set(refreshToken, {
      clientId: client.clientId,
      sessionId: session.id,
      expiresAt,
    })
    body.refresh_token = refreshToken
    // MSAL (browser) keeps SPA refresh tokens no longer than this.
    if (!confidential) body.refresh_token_expires_in = Math.floor((expiresAt - issuedMs) / 1000)
  }
  body.client_info = base64urlText(JSON.stringify({ uid: user.oid, utid: ctx.config.tenantId }))
  return body
}

/** App-only token (client credentials): `roles`, `idtyp: app`, the service principal as `oid`/`sub`. */
export async function issueAppToken(ctx: Context, input: Common) {
  const keys = await ctx.keys()
  const issuedMs = ctx.tick()
  const seconds = lifetime(ctx, input.claims, 'app')
  const access: Record<string, unknown> = {
    ...baseClaims(ctx, input, issuedMs, seconds),
    idtyp: 'app',
    oid: input.client.spOid,
    sub: input.client.spOid,
    roles: [...input.grant.resource.roles],
  }
  return accessTokenResponse(await signJwt(keys, access), seconds, input.grant)
}

/** On-behalf-of token: the user of the assertion, its auth strength, the middle tier as `azp`. */
export async function issueOboToken(
  ctx: Context,
  input: Common & { user: UserState; assertion: Record<string, unknown> },
) {
  const keys = await ctx.keys()
  const issuedMs = ctx.tick()
  const seconds = lifetime(ctx, input.claims, 'user')
  const access: Record<string, unknown> = {
    ...baseClaims(ctx, input, issuedMs, seconds),
    name: input.user.displayName,
    oid: input.user.oid,
    preferred_username: input.user.username,
    sub: await sha256(`${input.user.oid}:${input.client.clientId}`),
    sid: input.assertion.sid ?? randomGuid(),
    scp: input.grant.scp.join(' '),
  }
  if (Array.isArray(input.assertion.acrs)) access.acrs = input.assertion.acrs
  return accessTokenResponse(await signJwt(keys, access), seconds, input.grant)
}
