/** What every endpoint needs: resolved config, mutable state, the clock and the signing keys. */
import type { Config, State } from './state'
import type { SigningKeys } from './tokens'
import { utiGeneration, utiIssuedAt } from './util'

export type Context = {
  config: Config
  state: State
  /** Strictly increasing epoch milliseconds (see createTicker). */
  tick(): number
  /** The clock's generation: it changes on every reset (see createTicker). */
  generation(): number
  keys(): Promise<SigningKeys>
}

/** Whether a path segment names this tenant (id, domain, or a multi-tenant alias). */
export function isTenant(ctx: Context, segment: string): boolean {
  const value = segment.toLowerCase()
  return (
    value === ctx.config.tenantId.toLowerCase() ||
    value === ctx.config.tenantDomain ||
    value === 'common' ||
    value === 'organizations'
  )
}

/** Issuer for tokens requested at `origin` (Entra v2 form). */
export function issuer(ctx: Context, origin: string): string {
  return `${origin}/${ctx.config.tenantId}/v2.0`
}

/**
 * When one of this emulator's tokens was issued, in milliseconds, comparable with event times: a
 * token from before the last `reset()` counts as issued before every event since (`-Infinity`).
 */
export function tokenIssuedMs(ctx: Context, payload: { uti?: unknown; iat?: unknown }): number {
  return utiGeneration(payload.uti) === ctx.generation()
    ? (utiIssuedAt(payload.uti) ?? Number(payload.iat) * 1000)
    : Number.NEGATIVE_INFINITY
}
