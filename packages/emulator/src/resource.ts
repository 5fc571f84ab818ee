/** The CAE-enabled API: GET /me, GET /messages, POST /messages under the API path. */
import { evaluateToken } from './challenges'
import { type Context, tokenIssuedMs } from './context'
import { API_APP_ROLE } from './defaults'
import { renderChallenge, renderUnauthenticated } from './dialects'
import { verifyJwt } from './tokens'
import type { ApiRequestRecord } from './types'
import { json } from './util'

const ROUTES = new Set(['GET /me', 'GET /messages', 'POST /messages'])

function graphError(code: string, message: string) {
  return { error: { code, message } }
}

function parseBody(text: string, contentType: string | null): unknown {
  if (contentType?.includes('json')) {
    try {
      return JSON.parse(text)
    } catch {
      return text
    }
  }
  return text
}

/**
 * Answers an API request and appends it to the API request log (on arrival, so the log keeps
 * the order of concurrent calls).
 */
export async function handleApi(
  ctx: Context,
  request: Request,
  origin: string,
  path: string,
): Promise<Response> {
  const method = request.method.toUpperCase()
  const record: ApiRequestRecord = { at: ctx.config.now(), method, path, status: 0 }
  if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
    record.body = await request.text()
  }
  ctx.state.apiLog.push(record)
  const response = await answer(ctx, request, origin, path, record)
  record.status = response.status
  const challenge = response.headers.get('www-authenticate')
  if (challenge) record.challenge = challenge
  return response
}

async function answer(
  ctx: Context,
  request: Request,
  origin: string,
  path: string,
  record: ApiRequestRecord,
): Promise<Response> {
  const route = `${record.method} ${path}`
  if (!ROUTES.has(route)) return json(graphError('NotFound', `No route ${route}.`), 404)
  const authorization = request.headers.get('authorization') ?? ''
  const match = /^Bearer\s+(\S+)$/i.exec(authorization)
  if (!match?.[1]) {
    const { header, body } = renderUnauthenticated(ctx, origin)
    return json(body, 401, { 'www-authenticate': header })
  }
  const verified = await verifyJwt(await ctx.keys(), match[1], {
    tenantId: ctx.config.tenantId,
    audiences: [ctx.config.apiAppId],
    nowMs: ctx.config.now(),
  })
  if (!verified.ok) {
    const { header, body } = renderUnauthenticated(ctx, origin, verified)
    return json(body, 401, { 'www-authenticate': header })
  }
  const token = verified.payload
  record.clientId = String(token.azp)
  if (typeof token.preferred_username === 'string') record.username = token.preferred_username
  const issuedMs = tokenIssuedMs(ctx, token)
  const evaluation = evaluateToken(ctx, token, issuedMs, path)
  if (evaluation?.type === 'refuse') {
    // The authentication-context guide: a client that cannot handle claims challenges gets a
    // plain error, not a challenge it could not answer.
    record.cause = evaluation.decision.cause
    const message =
      'The caller does not meet the authentication bar to carry out this operation. The service cannot allow an operation.'
    return json(graphError('Forbidden', message), 403)
  }
  if (evaluation) {
    const challenge = renderChallenge(ctx, origin, evaluation.decision)
    record.cause = evaluation.decision.cause
    record.claims = challenge.claims
    record.variant = challenge.variant
    return json(challenge.body, challenge.status, { 'www-authenticate': challenge.header })
  }
  const isApp = token.idtyp === 'app'
  const roles = Array.isArray(token.roles) ? token.roles : []
  if (isApp && (path === '/me' || !roles.includes(API_APP_ROLE))) {
    const message =
      path === '/me'
        ? '/me requires a signed-in user (delegated token).'
        : `Missing role ${API_APP_ROLE}.`
    return json(graphError('Authorization_RequestDenied', message), 403)
  }
  if (route === 'GET /me') {
    return json({
      id: token.oid,
      displayName: token.name,
      userPrincipalName: token.preferred_username,
      tenantId: token.tid,
    })
  }
  if (route === 'GET /messages') return json({ value: ctx.state.messages })
  const message = {
    id: `m-${ctx.state.messages.length + 1}`,
    from: String(isApp ? token.azp : token.preferred_username),
    body: parseBody(record.body ?? '', request.headers.get('content-type')),
    receivedAt: new Date(ctx.config.now()).toISOString(),
  }
  ctx.state.messages.push(message)
  return json(message, 201)
}
