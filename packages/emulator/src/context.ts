/** What every endpoint needs: resolved config, mutable state, the clock and the signing keys. */
import type { Config, State } from './state'
import type { SigningKeys } from './tokens'

export type Context = {
  config: Config
  state: State
  /** Strictly increasing epoch milliseconds (see createTicker). */
  tick(): number
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
