/** Entra-shaped OAuth error bodies for the token endpoint and the authorize redirect. */
import type { Context } from './context'
import { randomGuid } from './util'

/** The outcome of a token request before it becomes a Response (the log needs its parts). */
export type TokenOutcome = {
  status: number
  body: Record<string, unknown>
  /** The user the request was about, for the log. */
  username?: string
  /** `Retry-After` in seconds (throttling); other 429 and 5xx answers say 1. */
  retryAfter?: number
}

export type OAuthErrorInput = {
  error: string
  /** AADSTS number, e.g. 50057. */
  code: number
  /** Human text; prefixed with `AADSTS<code>: ` unless it already is. */
  description: string
  status?: number
  suberror?: string
  /** Claims (JSON text) the client must request next time (Entra sends it with `basic_action`). */
  claims?: string
  username?: string
}

/** A token endpoint error with the fields MSAL reads (`error_codes`, `suberror`, `claims`). */
export function oauthError(ctx: Context, input: OAuthErrorInput): TokenOutcome {
  const traceId = randomGuid()
  const correlationId = randomGuid()
  const timestamp = `${new Date(ctx.config.now()).toISOString().replace('T', ' ').slice(0, 19)}Z`
  const text = input.description.startsWith('AADSTS')
    ? input.description
    : `AADSTS${input.code}: ${input.description}`
  const body: Record<string, unknown> = {
    error: input.error,
    error_description: `${text} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [input.code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${input.code}`,
  }
  if (input.suberror !== undefined) body.suberror = input.suberror
  if (input.claims !== undefined) body.claims = input.claims
  const outcome: TokenOutcome = { status: input.status ?? 400, body }
  if (input.username !== undefined) outcome.username = input.username
  return outcome
}

/** Parameters of an OAuth error sent back to the redirect URI from /authorize. */
export function authorizeErrorParams(
  error: string,
  code: number,
  description: string,
): Record<string, string> {
  return {
    error,
    error_description: description.startsWith('AADSTS')
      ? description
      : `AADSTS${code}: ${description}`,
    error_codes: String(code),
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  }
}
