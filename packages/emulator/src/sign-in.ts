/** The interactive sign-in: password, then the second factor when a policy or auth context needs it. */
import { respondWithCode, returnTarget } from './authorize-response'
import type { Context } from './context'
import { authorizeErrorParams } from './errors'
import { isLocationBlocked, locationAuthorizeError } from './location'
import {
  grantAuthContexts,
  recordSecondFactor,
  type SecondFactorNeed,
  secondFactorNeed,
} from './policy'
import { renderError, renderSignIn } from './sign-in-page'
import {
  type AuthorizeRequest,
  liveSession,
  type PendingSignIn,
  type Session,
  userByOid,
} from './state'
import { html, randomGuid, randomToken, readForm } from './util'

const PENDING_LIFETIME_MS = 30 * 60 * 1000

const REASONS: Record<SecondFactorNeed['reason'], string> = {
  mfa: 'Your organization requires additional verification (multi-factor authentication).',
  risk: 'Unusual activity was detected on your account: verify your identity to continue.',
  acrs: 'This resource requires additional verification (authentication context).',
}

function renderPending(
  ctx: Context,
  pending: PendingSignIn,
  view: { username?: string; need?: SecondFactorNeed; error?: string },
  status = 200,
): Response {
  const client = ctx.state.clients.get(pending.request.clientId)
  return html(
    renderSignIn({
      action: `/${pending.request.tenant}/login`,
      pendingId: pending.id,
      appName: client?.displayName ?? pending.request.clientId,
      stepUp: pending.oid !== undefined,
      showMfa: view.need !== undefined,
      mfaCode: ctx.config.mfaCode,
      ...(view.username === undefined ? {} : { username: view.username }),
      ...(view.need === undefined ? {} : { mfaReason: REASONS[view.need.reason] }),
      ...(view.error === undefined ? {} : { error: view.error }),
    }),
    status,
  )
}

/**
 * Shows the sign-in page for an authorize request. With `oid` (an existing session that needs a
 * second factor) the page asks only for the code.
 */
export function showSignIn(
  ctx: Context,
  _origin: string,
  request: AuthorizeRequest,
  known: { oid?: string; sessionId?: string },
): Response {
  const pending: PendingSignIn = {
    id: randomToken(24),
    request,
    expiresAt: ctx.config.now() + PENDING_LIFETIME_MS,
    ...known,
  }
  ctx.state.pending.set(pending.id, pending)
  const user = known.oid ? userByOid(ctx.state, known.oid) : undefined
  const session = liveSession(ctx.state, known.sessionId)
  const need = user ? secondFactorNeed(user, session, request.acrs) : undefined
  const username = user?.username ?? request.loginHint
  return renderPending(ctx, pending, {
    ...(username === undefined ? {} : { username }),
    ...(need === undefined ? {} : { need }),
  })
}

function accountError(pending: PendingSignIn, error: string, code: number, message: string) {
  const params = authorizeErrorParams(error, code, message)
  const target = returnTarget(pending.request, params)
  return html(
    renderError('Sorry, you cannot sign in', String(params.error_description), target),
    400,
  )
}

/** POST /{tenant}/login: verifies the password and code, creates or upgrades the session, returns the code. */
export async function handleSignIn(ctx: Context, request: Request, origin: string) {
  const form = await readForm(request)
  const pending = ctx.state.pending.get(form.get('pending') ?? '')
  if (!pending || pending.expiresAt < ctx.config.now()) {
    const message = 'Your sign-in request expired or is unknown. Start again from the application.'
    return html(renderError('Sign-in expired', message), 400)
  }
  const client = ctx.state.clients.get(pending.request.clientId)
  if (isLocationBlocked(ctx)) {
    const params = locationAuthorizeError('login')
    const target = returnTarget(pending.request, params)
    const text = String(params.error_description)
    return html(renderError('You cannot access this right now', text, target), 403)
  }
  if (!client || client.disabledAt !== undefined || client.deletedAt !== undefined) {
    return accountError(
      pending,
      'unauthorized_client',
      7000112,
      `Application '${pending.request.clientId}' is disabled.`,
    )
  }
  const username = (form.get('username') ?? '').trim().toLowerCase()
  if (pending.oid === undefined) {
    const candidate = ctx.state.users.get(username)
    if (!candidate || candidate.password !== form.get('password')) {
      const error = 'AADSTS50126: Error validating credentials due to invalid username or password.'
      return renderPending(ctx, pending, { username, error }, 400)
    }
    if (candidate.disabled) {
      return accountError(
        pending,
        'access_denied',
        50057,
        'The user account is disabled. Contact your administrator.',
      )
    }
    // The password is verified once; the code step only needs the pending id from now on.
    pending.oid = candidate.oid
  }
  const user = userByOid(ctx.state, pending.oid)
  if (!user || user.disabled) {
    return accountError(
      pending,
      'access_denied',
      50057,
      'The user account is disabled. Contact your administrator.',
    )
  }
  const existing = liveSession(ctx.state, pending.sessionId)
  const need = secondFactorNeed(user, existing, pending.request.acrs)
  if (need) {
    const code = (form.get('mfa') ?? '').trim()
    if (!code) return renderPending(ctx, pending, { username: user.username, need })
    if (code !== ctx.config.mfaCode) {
      const error = 'AADSTS50125: The verification code is not correct. Try again.'
      return renderPending(ctx, pending, { username: user.username, need, error }, 400)
    }
  }
  const session: Session = existing ?? {
    id: randomGuid(),
    oid: user.oid,
    createdAt: ctx.tick(),
    acrs: new Set(),
  }
  ctx.state.sessions.set(session.id, session)
  if (need) recordSecondFactor(user, session, pending.request.acrs, ctx.tick())
  else grantAuthContexts(session, pending.request.acrs)
  ctx.state.pending.delete(pending.id)
  return respondWithCode(ctx, origin, pending.request, session)
}
