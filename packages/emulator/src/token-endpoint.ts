/** POST /{tenant}/oauth2/v2.0/token: client authentication, test faults, grant dispatch, log. */
import { clientCredentials, onBehalfOf } from './app-grants'
import { parseClaimsRequest } from './claims'
import { JWT_BEARER_ASSERTION, verifyClientAssertion } from './client-assertion'
import type { Context } from './context'
import { oauthError, type TokenOutcome } from './errors'
import { isLocationBlocked, locationRefusal } from './location'
import { detectLoop } from './loop-detection'
import { type ClientAuthMethod, type ClientState, isConfidential } from './state'
import { throttle } from './throttling'
import type { TokenRequestRecord } from './types'
import { redeemCode, redeemRefreshToken } from './user-grants'
import { json, readForm } from './util'

const OBO_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer'

function readBasicAuth(request: Request): { id: string; secret: string } | undefined {
  const header = request.headers.get('authorization')
  if (!header?.toLowerCase().startsWith('basic ')) return undefined
  try {
    const decoded = atob(header.slice(6).trim())
    const colon = decoded.indexOf(':')
    if (colon < 0) return undefined
    return {
      id: decodeURIComponent(decoded.slice(0, colon)),
      secret: decodeURIComponent(decoded.slice(colon + 1)),
    }
  } catch {
    return undefined
  }
}

type ClientAuth =
  | { ok: true; client: ClientState; method: ClientAuthMethod }
  | { ok: false; outcome: TokenOutcome }

const MISSING_CREDENTIAL =
  "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."

/**
 * Finds and authenticates the client. A confidential client presents its secret or a
 * `client_assertion` signed with a registered certificate (the assertion wins when both come).
 */
async function authenticateClient(
  ctx: Context,
  form: URLSearchParams,
  request: Request,
  origin: string,
): Promise<ClientAuth> {
  const basic = readBasicAuth(request)
  const clientId = form.get('client_id') ?? basic?.id ?? ''
  const secret = form.get('client_secret') ?? basic?.secret
  const client = ctx.state.clients.get(clientId)
  // A deleted service principal: the app is no longer in the tenant.
  if (!client || client.deletedAt !== undefined) {
    const description = `Application with identifier '${clientId}' was not found in the directory '${ctx.config.tenantDomain}'.`
    return {
      ok: false,
      outcome: oauthError(ctx, { error: 'unauthorized_client', code: 700016, description }),
    }
  }
  if (client.disabledAt !== undefined) {
    const description = `Application '${client.clientId}'(${client.displayName}) is disabled.`
    return {
      ok: false,
      outcome: oauthError(ctx, { error: 'unauthorized_client', code: 7000112, description }),
    }
  }
  const assertion = form.get('client_assertion')
  if (assertion !== null) {
    const type = form.get('client_assertion_type')
    if (type !== JWT_BEARER_ASSERTION) {
      const description = `The client_assertion_type must be '${JWT_BEARER_ASSERTION}'.`
      return {
        ok: false,
        outcome: oauthError(ctx, { error: 'invalid_request', code: 90014, description }),
      }
    }
    const verified = await verifyClientAssertion(ctx, client, assertion, origin)
    return verified.ok ? { ok: true, client, method: 'certificate' } : verified
  }
  if (isConfidential(client)) {
    if (secret === undefined || secret === null) {
      return {
        ok: false,
        outcome: oauthError(ctx, {
          error: 'invalid_client',
          code: 7000218,
          description: MISSING_CREDENTIAL,
        }),
      }
    }
    if (secret !== client.clientSecret) {
      const description = `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${client.clientId}'.`
      return {
        ok: false,
        outcome: oauthError(ctx, {
          error: 'invalid_client',
          code: 7000215,
          description,
          status: 401,
        }),
      }
    }
  }
  return { ok: true, client, method: isConfidential(client) ? 'secret' : 'none' }
}

async function dispatch(
  ctx: Context,
  origin: string,
  form: URLSearchParams,
  request: Request,
  record: TokenRequestRecord,
): Promise<TokenOutcome> {
  const grantType = form.get('grant_type') ?? ''
  const auth = await authenticateClient(ctx, form, request, origin)
  if (!auth.ok) return auth.outcome
  record.clientAuth = auth.method
  const claims = parseClaimsRequest(form.get('claims'))
  if (!claims.ok) {
    return oauthError(ctx, {
      error: 'invalid_request',
      code: 90014,
      description: claims.description,
    })
  }
  // Conditional Access: outside the allowed network nothing is issued, whatever the grant.
  if (isLocationBlocked(ctx)) return locationRefusal(ctx)
  const input = {
    origin,
    client: auth.client,
    clientAuth: auth.method,
    form,
    claims: claims.claims,
  }
  switch (grantType) {
    case 'authorization_code':
      return redeemCode(ctx, input)
    case 'refresh_token':
      return redeemRefreshToken(ctx, input)
    case 'client_credentials':
      return clientCredentials(ctx, input)
    case OBO_GRANT:
      return onBehalfOf(ctx, input)
    default:
      return oauthError(ctx, {
        error: 'unsupported_grant_type',
        code: 70003,
        description: `The app requested an unsupported grant type '${grantType}'.`,
      })
  }
}

/** Applies the queued faults; returns the injected failure, if any. */
async function applyFaults(ctx: Context): Promise<TokenOutcome | undefined> {
  const { faults } = ctx.state
  if (faults.delay && faults.delay.count > 0) {
    const { ms } = faults.delay
    faults.delay.count--
    await new Promise((resolve) => setTimeout(resolve, ms))
  }
  if (faults.fail && faults.fail.count > 0) {
    faults.fail.count--
    const { status, error } = faults.fail
    return oauthError(ctx, {
      error,
      code: 50000,
      status,
      description: 'There was an error issuing a token (injected by failTokenRequests).',
    })
  }
  return undefined
}

/** Answers a token request and appends it to the token request log. */
export async function handleToken(ctx: Context, request: Request, origin: string) {
  const form = await readForm(request)
  const record: TokenRequestRecord = {
    at: ctx.config.now(),
    grantType: form.get('grant_type') ?? '',
    clientId: form.get('client_id') ?? readBasicAuth(request)?.id ?? '',
    scope: form.get('scope') ?? '',
    capabilities: [],
    ok: false,
    status: 0,
  }
  const claimsParam = form.get('claims')
  if (claimsParam) {
    record.claims = claimsParam
    const parsed = parseClaimsRequest(claimsParam)
    if (parsed.ok) record.capabilities = parsed.claims.capabilities
  }
  // Logged on arrival so concurrent requests keep their arrival order.
  ctx.state.tokenLog.push(record)
  // Throttling answers before the request is looked at, as a front door would; loop detection
  // (user flows only) judges what the grant answered. The two never count the same request.
  const dispatched =
    (await applyFaults(ctx)) ??
    throttle(ctx, record) ??
    (await dispatch(ctx, origin, form, request, record))
  const outcome =
    detectLoop(ctx, {
      grantType: record.grantType,
      clientId: record.clientId,
      username: dispatched.username,
      scope: record.scope,
      claims: record.claims,
    }) ?? dispatched
  record.status = outcome.status
  record.ok = outcome.status === 200
  if (outcome.username !== undefined) record.username = outcome.username
  if (!record.ok) {
    record.error = String(outcome.body.error)
    const codes = outcome.body.error_codes
    if (Array.isArray(codes) && typeof codes[0] === 'number') record.errorCode = codes[0]
  }
  const headers: Record<string, string> = {}
  if (outcome.retryAfter !== undefined) headers['retry-after'] = String(outcome.retryAfter)
  else if (outcome.status === 429 || outcome.status >= 500) headers['retry-after'] = '1'
  return json(outcome.body, outcome.status, headers)
}
