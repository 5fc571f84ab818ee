/** HTTP form of the admin operations for browsers: `POST /admin/<kebab-name>` with a JSON body. */
import { refuseAdminCaller } from './admin-guard'
import type { Context } from './context'
import type { EmulatorAdmin } from './types'
import { json } from './util'

type Body = Record<string, unknown>

const OPERATIONS: Record<string, (admin: EmulatorAdmin, body: Body) => unknown> = {
  'disable-user': (a, b) => a.disableUser(b.username as string),
  'reset-password': (a, b) => a.resetPassword(b.username as string, b.password as string),
  'require-mfa': (a, b) => a.requireMfa(b.username as string),
  'revoke-sessions': (a, b) => a.revokeSessions(b.username as string),
  'raise-user-risk': (a, b) => a.raiseUserRisk(b.username as string),
  'leave-trusted-location': (a, b) =>
    a.leaveTrustedLocation(
      b.enforcement === undefined ? {} : { enforcement: b.enforcement as 'silent' | 'block' },
    ),
  'require-auth-context': (a, b) =>
    a.requireAuthContext(b.pathPrefix as string, (b.authContext as string | undefined) ?? 'c1'),
  'disable-service-principal': (a, b) => a.disableServicePrincipal(b.clientId as string),
  'delete-service-principal': (a, b) => a.deleteServicePrincipal(b.clientId as string),
  'raise-service-principal-risk': (a, b) => a.raiseServicePrincipalRisk(b.clientId as string),
  'detect-loops': (a, b) => a.detectLoops(b.enabled as boolean),
  'throttle-token-requests': (a, b) => {
    if (b.enabled === false) return a.throttleTokenRequests(false)
    const options: { limit?: number; windowMs?: number } = {}
    if (b.limit !== undefined) options.limit = b.limit as number
    if (b.windowMs !== undefined) options.windowMs = b.windowMs as number
    return a.throttleTokenRequests(options)
  },
  'use-variants': (a, b) => a.useVariants(b),
  'block-third-party-cookies': (a, b) => a.blockThirdPartyCookies(b.enabled as boolean),
  reset: (a) => {
    a.reset()
    return { ok: true }
  },
  events: (a) => a.events(),
  // Values are passed on as sent: a wrongly typed one is refused (400), never ignored.
  'fail-token-requests': (a, b) => {
    const options: { status?: number; error?: string } = {}
    if (b.status !== undefined) options.status = b.status as number
    if (b.error !== undefined) options.error = b.error as string
    return a.failTokenRequests(b.count as number, options)
  },
  'delay-token-requests': (a, b) => a.delayTokenRequests(b.count as number, b.ms as number),
  'always-challenge': (a, b) => a.alwaysChallenge(b.enabled as boolean),
  'token-requests': (a) => a.tokenRequests(),
  'api-requests': (a) => a.apiRequests(),
}

const READS = new Set(['events', 'token-requests', 'api-requests'])

/**
 * Runs one admin operation. Reads also answer GET. Bad arguments give 400 with the error code
 * (`ERR_EMULATOR_UNKNOWN_USER`, ...), unknown operations 404, callers from other origins 403 and
 * bodies that are not JSON 415 (see `refuseAdminCaller`).
 */
export async function handleAdminHttp(
  ctx: Context,
  admin: EmulatorAdmin,
  request: Request,
  name: string,
): Promise<Response> {
  // Own names only: `constructor` or `__proto__` are no operations.
  const operation = Object.hasOwn(OPERATIONS, name) ? OPERATIONS[name] : undefined
  if (!operation)
    return json({ error: 'not_found', message: `unknown admin operation: ${name}` }, 404)
  if (request.method !== 'POST' && !(request.method === 'GET' && READS.has(name))) {
    return json({ error: 'method_not_allowed', message: `use POST /admin/${name}` }, 405)
  }
  let body: Body = {}
  const text = request.method === 'POST' ? await request.text() : ''
  const refusal = refuseAdminCaller(ctx, request, text)
  if (refusal) return refusal
  if (text.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(text)
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Body
    } catch {
      return json({ error: 'invalid_json', message: 'the body must be a JSON object' }, 400)
    }
  }
  try {
    return json(operation(admin, body) ?? { ok: true })
  } catch (error) {
    const code = (error as { code?: unknown }).code
    return json(
      {
        error: typeof code === 'string' ? code : 'error',
        message: String((error as Error).message),
      },
      400,
    )
  }
}
