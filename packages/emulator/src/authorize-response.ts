/** Sending /authorize results back to the app (query, fragment, form_post) and the session cookie. */
import type { Context } from './context'
import { type ReturnTarget, renderFormPost } from './sign-in-page'
import type { AuthorizeRequest, ClientState, Session } from './state'
import { base64urlText, html, isLoopbackUrl, randomToken, redirect } from './util'

const CODE_LIFETIME_MS = 10 * 60 * 1000

/** Cookie name per port: cookies ignore ports, two emulators on localhost must not collide. */
export function sessionCookieName(origin: string): string {
  const url = new URL(origin)
  return `cae-emulator-session-${url.port || (url.protocol === 'https:' ? '443' : '80')}`
}

/**
 * Set-Cookie for the browser session. SameSite=None so the prompt=none iframe of an SPA on
 * http://localhost:<port> (cross-site to https://localhost:<port>) still sends it.
 */
export function sessionCookie(origin: string, sessionId: string | undefined): string {
  const secure = origin.startsWith('https:')
  const value = sessionId ?? ''
  const parts = [`${sessionCookieName(origin)}=${value}`, 'Path=/', 'HttpOnly']
  parts.push(secure ? 'Secure; SameSite=None' : 'SameSite=Lax')
  if (sessionId === undefined) parts.push('Max-Age=0')
  return parts.join('; ')
}

/** Whether the client accepts this redirect URI (registered exactly, or any loopback URI). */
export function isRedirectAllowed(client: ClientState, redirectUri: string): boolean {
  if (!redirectUri) return false
  return client.redirectUris.includes(redirectUri) || isLoopbackUrl(redirectUri)
}

function withState(request: AuthorizeRequest, params: Record<string, string>) {
  return request.state === undefined ? params : { ...params, state: request.state }
}

function redirectLocation(request: AuthorizeRequest, params: Record<string, string>): string {
  const query = new URLSearchParams(params).toString()
  if (request.responseMode === 'fragment') return `${request.redirectUri.split('#')[0]}#${query}`
  return `${request.redirectUri}${request.redirectUri.includes('?') ? '&' : '?'}${query}`
}

/** Sends parameters to the redirect URI the way the request asked for (state echoed). */
export function respond(
  request: AuthorizeRequest,
  params: Record<string, string>,
  setCookie?: string,
): Response {
  const all = withState(request, params)
  const headers: Record<string, string> = setCookie ? { 'set-cookie': setCookie } : {}
  if (request.responseMode === 'form_post') {
    return html(renderFormPost(request.redirectUri, all), 200, headers)
  }
  return redirect(redirectLocation(request, all), headers)
}

/** The same destination as a control on an error page (the user clicks to go back). */
export function returnTarget(
  request: AuthorizeRequest,
  params: Record<string, string>,
): ReturnTarget {
  const all = withState(request, params)
  if (request.responseMode === 'form_post') {
    return { kind: 'form', action: request.redirectUri, params: all }
  }
  return { kind: 'link', href: redirectLocation(request, all) }
}

/** Issues a single-use authorization code for the session and redirects with it. */
export function respondWithCode(
  ctx: Context,
  origin: string,
  request: AuthorizeRequest,
  session: Session,
): Response {
  const code = randomToken(48)
  ctx.state.codes.set(code, {
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    sessionId: session.id,
    expiresAt: ctx.config.now() + CODE_LIFETIME_MS,
    ...(request.codeChallenge === undefined ? {} : { codeChallenge: request.codeChallenge }),
    ...(request.nonce === undefined ? {} : { nonce: request.nonce }),
  })
  const clientInfo = base64urlText(JSON.stringify({ uid: session.oid, utid: ctx.config.tenantId }))
  return respond(
    request,
    { code, client_info: clientInfo, session_state: session.id },
    sessionCookie(origin, session.id),
  )
}
