/** GET /{tenant}/oauth2/v2.0/authorize and /logout: validation, SSO, prompt=none, the sign-in page. */
import {
  isRedirectAllowed,
  respond,
  respondWithCode,
  returnTarget,
  sessionCookie,
  sessionCookieName,
} from './authorize-response'
import { parseClaimsRequest } from './claims'
import type { Context } from './context'
import { authorizeErrorParams } from './errors'
import { isLocationBlocked, locationAuthorizeError } from './location'
import { grantAuthContexts, secondFactorNeed, stepUpDescription } from './policy'
import { resolveScopes } from './scopes'
import { showSignIn } from './sign-in'
import { renderError, renderSignedOut } from './sign-in-page'
import { type AuthorizeRequest, isConfidential, liveSession, userByOid } from './state'
import { html, readCookie, redirect, splitScopes } from './util'

const INTERACTIVE_PROMPTS = new Set(['login', 'select_account', 'consent', 'create'])

function readMode(value: string | null): AuthorizeRequest['responseMode'] {
  return value === 'fragment' || value === 'form_post' ? value : 'query'
}

/** Handles an authorize request: errors before the redirect URI is trusted are shown, later ones are returned. */
export function handleAuthorize(
  ctx: Context,
  request: Request,
  origin: string,
  tenant: string,
  url: URL,
): Response {
  const p = url.searchParams
  const clientId = p.get('client_id') ?? ''
  const client = ctx.state.clients.get(clientId)
  if (!client || client.deletedAt !== undefined) {
    const message = `AADSTS700016: Application with identifier '${clientId}' was not found in the directory '${ctx.config.tenantDomain}'.`
    return html(renderError('Sorry, but we are having trouble signing you in.', message), 400)
  }
  const redirectUri = p.get('redirect_uri') ?? ''
  if (!isRedirectAllowed(client, redirectUri)) {
    const message = `AADSTS50011: The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'.`
    return html(renderError('Sorry, but we are having trouble signing you in.', message), 400)
  }
  const authRequest: AuthorizeRequest = {
    tenant,
    clientId,
    redirectUri,
    responseMode: readMode(p.get('response_mode')),
    acrs: [],
  }
  for (const [key, name] of [
    ['state', 'state'],
    ['nonce', 'nonce'],
    ['login_hint', 'loginHint'],
  ] as const) {
    const value = p.get(key)
    if (value !== null) authRequest[name] = value
  }
  const prompt = p.get('prompt') ?? ''
  const fail = (error: string, code: number, description: string) =>
    respond(authRequest, authorizeErrorParams(error, code, description))

  if (client.disabledAt !== undefined) {
    const params = authorizeErrorParams(
      'unauthorized_client',
      7000112,
      `Application '${clientId}'(${client.displayName}) is disabled.`,
    )
    if (prompt === 'none') return respond(authRequest, params)
    const target = returnTarget(authRequest, params)
    return html(
      renderError('This application is disabled', String(params.error_description), target),
      400,
    )
  }
  if (p.get('response_type') !== 'code') {
    return fail('unsupported_response_type', 70005, "The response_type must be 'code'.")
  }
  const scopes = resolveScopes(ctx.state, splitScopes(p.get('scope')))
  if (!scopes.ok) return fail(scopes.error, scopes.code, scopes.description)
  const challenge = p.get('code_challenge')
  const method = p.get('code_challenge_method')
  if (challenge) {
    if (method !== 'S256') {
      return fail('invalid_request', 5000, "AADSTS5000: The code_challenge_method must be 'S256'.")
    }
    authRequest.codeChallenge = challenge
  } else if (!isConfidential(client)) {
    return fail(
      'invalid_request',
      9002325,
      'Proof Key for Code Exchange is required for cross-origin authorization code redemption.',
    )
  }
  const claims = parseClaimsRequest(p.get('claims'))
  if (!claims.ok) return fail('invalid_request', 90014, claims.description)
  authRequest.acrs = claims.claims.acrs
  if (isLocationBlocked(ctx)) {
    // Conditional Access blocks the sign-in itself: silent requests get the error back, the
    // page explains it and offers the way back to the app.
    const params = locationAuthorizeError(prompt)
    if (prompt === 'none') return respond(authRequest, params)
    const target = returnTarget(authRequest, params)
    return html(
      renderError('You cannot access this right now', String(params.error_description), target),
      403,
    )
  }

  // prompt=none runs in a hidden iframe where browsers may withhold the (third-party) cookie,
  // as Playwright's Chromium contexts do; MSAL then names the session with `sid` (the id token's
  // sid claim), which is accepted for silent requests only. With third-party cookies blocked
  // (Safari, Chrome incognito) the silent request finds no session at all.
  const silentBlind = prompt === 'none' && ctx.state.thirdPartyCookiesBlocked
  const cookieSession = silentBlind
    ? undefined
    : (liveSession(ctx.state, readCookie(request, sessionCookieName(origin))) ??
      (prompt === 'none' ? liveSession(ctx.state, p.get('sid') ?? undefined) : undefined))
  const sessionUser = cookieSession ? userByOid(ctx.state, cookieSession.oid) : undefined
  const hint = authRequest.loginHint?.toLowerCase()
  // A session of another account than the hinted one does not count (no silent account switch).
  const session =
    sessionUser && (!hint || hint === sessionUser.username) ? cookieSession : undefined
  const user = session ? sessionUser : undefined

  if (prompt === 'none') {
    if (!session || !user) {
      return fail(
        'login_required',
        50058,
        'A silent sign-in request was sent but no user is signed in.',
      )
    }
    const need = secondFactorNeed(user, session, authRequest.acrs)
    if (need)
      return fail(
        'interaction_required',
        50076,
        stepUpDescription(need, scopes.grant.resource.appId),
      )
    grantAuthContexts(session, authRequest.acrs)
    return respondWithCode(ctx, origin, authRequest, session)
  }
  if (session && user && !INTERACTIVE_PROMPTS.has(prompt)) {
    if (!secondFactorNeed(user, session, authRequest.acrs)) {
      grantAuthContexts(session, authRequest.acrs)
      return respondWithCode(ctx, origin, authRequest, session)
    }
    return showSignIn(ctx, origin, authRequest, { oid: user.oid, sessionId: session.id })
  }
  return showSignIn(ctx, origin, authRequest, {})
}

/**
 * GET|POST /{tenant}/oauth2/v2.0/logout: ends the browser session (single sign-on; refresh tokens
 * issued from it stay valid, as in Entra), then returns to `post_logout_redirect_uri` when it is a
 * loopback or registered URI.
 */
export async function handleLogout(ctx: Context, request: Request, origin: string, url: URL) {
  const params = new URLSearchParams(url.searchParams)
  if (request.method === 'POST') {
    for (const [k, v] of new URLSearchParams(await request.text())) params.set(k, v)
  }
  const sessionId = readCookie(request, sessionCookieName(origin))
  // Entra's single sign-out ends the browser session; refresh tokens from it stay alive.
  const session = sessionId ? ctx.state.sessions.get(sessionId) : undefined
  if (session) session.signedOut = true
  const cookie = { 'set-cookie': sessionCookie(origin, undefined) }
  const target = params.get('post_logout_redirect_uri')
  const allowed =
    target !== null &&
    [...ctx.state.clients.values()].some((client) => isRedirectAllowed(client, target))
  if (target !== null && allowed) {
    const state = params.get('state')
    const location =
      state === null
        ? target
        : `${target}${target.includes('?') ? '&' : '?'}${new URLSearchParams({ state })}`
    return redirect(location, cookie)
  }
  return html(renderSignedOut(), 200, cookie)
}
