/**
 * Entra's loop detection for user flows: an app that sends the same token request again and again
 * gets `invalid_grant` AADSTS50196. Entra does not document its threshold; the emulator uses AD
 * FS's documented default (more than 5 identical requests within 20 s).
 *
 * @see https://learn.microsoft.com/entra/msal/dotnet/advanced/client-and-server-throttling
 * @see https://learn.microsoft.com/windows-server/identity/ad-fs/troubleshooting/ad-fs-tshoot-loop
 */
import type { Context } from './context'
import { oauthError, type TokenOutcome } from './errors'

/** Identical requests allowed within {@link LOOP_WINDOW_MS}; the next one is refused. */
export const LOOP_LIMIT = 5
/** The window of loop detection, in milliseconds. */
export const LOOP_WINDOW_MS = 20_000

/** The user-flow grants loop detection watches (client credentials are throttled instead). */
const USER_FLOWS = new Set([
  'authorization_code',
  'refresh_token',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
])

/** What makes two token requests identical: grant, client, user, scopes and claims. */
export type LoopFingerprint = {
  grantType: string
  clientId: string
  username: string | undefined
  scope: string
  claims: string | undefined
}

function key(request: LoopFingerprint): string {
  const scopes = request.scope.split(/\s+/).filter(Boolean).sort().join(' ')
  return JSON.stringify([
    request.grantType,
    request.clientId,
    request.username,
    scopes,
    request.claims,
  ])
}

/**
 * Counts a user-flow token request while detection is on; returns Entra's refusal when it is one
 * identical request too many. Requests without a known user are not counted.
 */
export function detectLoop(ctx: Context, request: LoopFingerprint): TokenOutcome | undefined {
  const loops = ctx.state.loops
  if (!loops.enabled || !USER_FLOWS.has(request.grantType) || request.username === undefined) {
    return undefined
  }
  const now = ctx.config.now()
  const id = key(request)
  const recent = (loops.seen.get(id) ?? []).filter((at) => now - at < LOOP_WINDOW_MS)
  recent.push(now)
  loops.seen.set(id, recent)
  if (recent.length <= LOOP_LIMIT) return undefined
  return oauthError(ctx, {
    error: 'invalid_grant',
    code: 50196,
    description:
      'The server terminated an operation because it encountered a client request loop. Please contact your app vendor.',
    username: request.username,
  })
}
