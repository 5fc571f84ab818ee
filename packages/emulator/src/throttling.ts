/**
 * Entra's throttling of the client-credential grant: a client that asks for tokens too often gets
 * `429 Too Many Requests` with `Retry-After: 60`. Entra does not publish its limit; the emulator's
 * default (more than 4 requests in any 10 s window, per client id) is small on purpose, so a
 * test of a few processes reaches it.
 *
 * @see https://learn.microsoft.com/entra/msal/dotnet/advanced/client-and-server-throttling
 * @see https://learn.microsoft.com/entra/identity-platform/reference-error-codes (AADSTS90055)
 */
import type { Context } from './context'
import { oauthError, type TokenOutcome } from './errors'

/** Client-credential requests a client may make within {@link THROTTLE_WINDOW_MS}. */
export const THROTTLE_LIMIT = 4
/** The sliding window of client-credential throttling, in milliseconds. */
export const THROTTLE_WINDOW_MS = 10_000
/** `Retry-After` of a throttled answer, in seconds (what MSAL.NET documents for Entra). */
export const THROTTLE_RETRY_AFTER_SECONDS = 60

/**
 * Counts a client-credential request while throttling is on; returns Entra's 429 when it is one
 * request too many in the window. Every arrival counts, refused ones included: a client that keeps
 * hammering stays throttled, as the `Retry-After` asks it to stop. Other grants are never counted
 * (user flows get loop detection instead, see `detectLoop`).
 */
export function throttle(
  ctx: Context,
  request: { grantType: string; clientId: string },
): TokenOutcome | undefined {
  const state = ctx.state.throttle
  if (!state || request.grantType !== 'client_credentials') return undefined
  const now = ctx.config.now()
  const recent = (state.seen.get(request.clientId) ?? []).filter((at) => now - at < state.windowMs)
  recent.push(now)
  state.seen.set(request.clientId, recent)
  if (recent.length <= state.limit) return undefined
  const outcome = oauthError(ctx, {
    error: 'temporarily_unavailable',
    code: 90055,
    description: 'TenantThrottlingError - There are too many incoming requests.',
    status: 429,
  })
  outcome.retryAfter = THROTTLE_RETRY_AFTER_SECONDS
  return outcome
}
