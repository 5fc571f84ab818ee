/**
 * Token acquisition: one provider (or coordinator) call per partition, scopes and challenge,
 * bounded in time, validated before it is cached.
 *
 * @module
 */

import type { CaeLogger } from '../options'
import type {
  AccessToken,
  PendingRequest,
  StepUpRequest,
  TokenProvider,
  TokenRequest,
} from '../provider'
import type { CaeCoordinator } from '../types'
import { clock, createPromptGate, later, type PromptGate, timeoutError } from './deadline'
import type { FlightWaiter, SingleFlight } from './single-flight'
import type { CachedToken, TokenCache } from './token-cache'

/** What a waiter contributes to a flight: its description, bound to its method and URL. */
export type Describe = () => PendingRequest

/** An engine's acquisition state: shared by every request of the engine. */
export interface Acquirer {
  readonly tokenProvider: TokenProvider
  readonly coordinator: CaeCoordinator | undefined
  readonly acquisitionTimeoutMs: number
  readonly logger: CaeLogger | undefined
  readonly cache: TokenCache
  readonly flights: SingleFlight<CachedToken, Describe | undefined>
  /** The prompt gate of each flight in progress, by flight key. */
  readonly gates: Map<string, PromptGate>
  /** Counts acquisitions as they start: a late one never replaces a newer token. */
  started: number
  /** Access blocks by flight key, each forgotten after {@link REFUSAL_MEMORY_MS}. */
  readonly refusals: Map<string, unknown>
}

/**
 * One acquisition a request needs, and how the request waits for it: its signal, its description,
 * and its own time limit (which the flight's gate in `gates` suspends while a prompt is open).
 */
export interface AcquisitionJob extends FlightWaiter<Describe | undefined> {
  /** Cache key: scopes, within the partition. */
  readonly key: string
  /** Single-flight key: the cache key and the challenge key. */
  readonly flightKey: string
  /** `''` without a challenge, else the challenge key. */
  readonly challengeKey: string
  readonly partition: string | undefined
  readonly scopes: readonly string[]
  readonly claims: string | undefined
  readonly stepUp: StepUpRequest | undefined
  readonly reason: 'initial' | 'expired' | 'challenge'
  /** The token the request wants replaced (sent and rejected, or expiring). */
  readonly rejected: CachedToken | undefined
  /** Reports the acquired token (the `token` event), with the provider call's duration. */
  readonly acquired: (entry: CachedToken, durationMs: number) => void
}

/**
 * How long a token request refused as access blocked (`ERR_CAE_ACCESS_BLOCKED`) is remembered for
 * the same partition, scopes and challenge: requests in that time reject with the same error
 * without asking the provider (Entra: do not hammer /token after a block). As long as
 * `@cae-kit/redis` shares such a refusal between processes.
 */
export const REFUSAL_MEMORY_MS = 10_000

/**
 * Joins (or starts) the acquisition for `job` and waits for it, bounded by the request's signal
 * and `limit`. Resolves with the cached entry; the token is stored before waiters resume.
 */
export function acquire(acquirer: Acquirer, job: AcquisitionJob): Promise<CachedToken> {
  const { refusals } = acquirer
  const { flightKey } = job
  if (refusals.has(flightKey)) return Promise.reject(refusals.get(flightKey))
  return acquirer.flights.run(
    flightKey,
    (signal, live, abort) => call(acquirer, job, signal, live, abort),
    job,
  )
}

/** The shared call of one flight: provider or coordinator, bounded, validated, cached. */
async function call(
  acquirer: Acquirer,
  job: AcquisitionJob,
  signal: AbortSignal,
  live: () => (Describe | undefined)[],
  abort: (reason: unknown) => void,
): Promise<CachedToken> {
  const { tokenProvider, coordinator, acquisitionTimeoutMs, cache, gates, logger, refusals } =
    acquirer
  const sequence = ++acquirer.started
  const gate = createPromptGate()
  gates.set(job.flightKey, gate)
  // Rejects when the bound passes; the provider's signal (the flight's) aborts then too, as it
  // does when every waiter left. The executor runs at once: `stop` is set before any await.
  let stop = () => {}
  const bounded = new Promise<never>((_, reject) => {
    stop = gate.bound(acquisitionTimeoutMs, () => {
      const reason = timeoutError(`token acquisition timed out after ${acquisitionTimeoutMs} ms`)
      abort(reason)
      reject(reason)
    })
  })
  const request: Omit<TokenRequest, 'signal'> = {
    scopes: [...job.scopes],
    pendingRequests: async () => live().flatMap((waiter) => (waiter ? [waiter()] : [])),
    interactionStarted: gate.interactionStarted,
  }
  if (job.claims !== undefined) request.claims = job.claims
  if (job.stepUp !== undefined) request.stepUp = job.stepUp
  const fromProvider = (signal: AbortSignal) => tokenProvider.getToken({ ...request, signal })
  // The call, bounded: the acquisition bound rejects the race. (The cache validates the token.)
  const settled = (call: Promise<AccessToken>) => Promise.race([call, bounded])
  const started = clock()
  try {
    const rejectedToken = job.rejected?.token
    let token = await settled(
      coordinator
        ? coordinator.acquire(
            {
              partition: job.partition,
              scopes: job.scopes,
              claims: job.claims,
              stepUp: job.stepUp,
              reason: job.reason,
              rejectedToken,
              signal,
            },
            fromProvider,
          )
        : fromProvider(signal),
    )
    if (coordinator && rejectedToken !== undefined && token?.token === rejectedToken) {
      // The one token this acquisition exists to replace: never used again.
      logger?.warn?.('cae: coordinator returned the rejected token')
      token = await settled(fromProvider(signal))
    }
    const at = Date.now()
    const entry = cache.store(job.key, token, job.challengeKey, at, sequence)
    if (entry.refreshAt <= at) {
      logger?.warn?.('cae: token provider returned an expired token (expiresOn is epoch ms)')
    }
    job.acquired(entry, clock() - started)
    return entry
  } catch (error) {
    if ((error as { code?: unknown } | undefined)?.code === 'ERR_CAE_ACCESS_BLOCKED') {
      refusals.set(job.flightKey, error)
      later(REFUSAL_MEMORY_MS, () => refusals.delete(job.flightKey))
    }
    throw error
  } finally {
    stop()
    if (gates.get(job.flightKey) === gate) gates.delete(job.flightKey)
  }
}
