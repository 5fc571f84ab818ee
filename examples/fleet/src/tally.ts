/** Counting what a storm did: calls that succeeded, error codes, token requests the emulator saw. */
import type { StormResult } from './fleet'
import type { RequestResult } from './protocol'

/** The emulator's token log, as much of it as the fleet's figures need. */
export interface TokenLog {
  tokenRequests(): Array<{ clientId: string; claims?: string; status: number; ok: boolean }>
}

/** What one storm did, for one client id. */
export interface StormTally {
  calls: number
  succeeded: number
  /** How many calls failed with each error code (or HTTP status). */
  failures: Record<string, number>
  /** The distinct errors (`code: message`), at most 5, for a failing test to show. */
  errors: string[]
  /** Token requests the emulator received during the storm. */
  tokenRequests: number
  /** Of those, how many answered a challenge (`claims` beyond the `xms_cc` capabilities). */
  withClaims: number
  /** Of those, how many the emulator throttled (429). */
  throttled: number
  /** Token provider calls the processes reported (each one token request of its process). */
  acquisitions: number
  /**
   * Of those, how many the coordinators made without Redis (`onFallback`): each costs the fleet
   * one token request on top of the lock holder's.
   */
  fallbacks: number
  /** The fallbacks by reason (`timeout`, `backoff`, `wait-bound`…). */
  fallbackReasons: Record<string, number>
  /** Median and slowest call, in milliseconds. */
  medianMs: number
  maxMs: number
}

/** The median of `values` (0 for none). */
export function median(values: number[]): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

/** Whether a token request's `claims` answer a challenge: MSAL sends `xms_cc` alone otherwise. */
export function answersChallenge(claims: string | undefined): boolean {
  if (claims === undefined) return false
  try {
    const parsed = JSON.parse(claims) as { access_token?: Record<string, unknown> }
    return Object.keys(parsed.access_token ?? {}).some((name) => name !== 'xms_cc')
  } catch {
    return false
  }
}

/** Tallies `storm` and the token requests of `clientId` logged since `logStart`. */
export function tally(
  storm: StormResult,
  log: TokenLog,
  clientId: string,
  logStart: number,
): StormTally {
  const calls: RequestResult[] = storm.results.flat()
  const failures: Record<string, number> = {}
  for (const call of calls) {
    if (call.ok) continue
    const key = call.code ?? `HTTP ${call.status}`
    failures[key] = (failures[key] ?? 0) + 1
  }
  const tokens = log
    .tokenRequests()
    .slice(logStart)
    .filter((r) => r.clientId === clientId)
  const ms = calls.map((call) => call.ms)
  const fallbacks = storm.acquisitions.flatMap((report) => report.fallbacks)
  const fallbackReasons: Record<string, number> = {}
  for (const reason of fallbacks) fallbackReasons[reason] = (fallbackReasons[reason] ?? 0) + 1
  const errors = new Set<string>()
  for (const call of calls) if (call.code) errors.add(`${call.code}: ${call.message ?? ''}`)
  return {
    errors: [...errors].slice(0, 5),
    calls: calls.length,
    succeeded: calls.filter((call) => call.ok).length,
    failures,
    tokenRequests: tokens.length,
    withClaims: tokens.filter((r) => answersChallenge(r.claims)).length,
    throttled: tokens.filter((r) => r.status === 429).length,
    acquisitions: storm.acquisitions.reduce((sum, report) => sum + report.provider, 0),
    fallbacks: fallbacks.length,
    fallbackReasons,
    medianMs: median(ms),
    maxMs: ms.length ? Math.max(...ms) : 0,
  }
}
