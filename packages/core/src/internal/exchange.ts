/**
 * One protected request going through the engine. An internal class rather than a factory of
 * closures: the hot path creates one per request, and a class instance is one allocation where
 * closures were eight. The header a request was sent with is a `#private` field, so it never
 * shows in `JSON.stringify`, axios' `toJSON` or `util.inspect` of an adapter's state.
 *
 * @module
 */

import { getClaimsChallenge, type ResponseLike } from '../claims'
import type { AnswerOptions, CaeExchange, DescribeRequest, DetectedChallenge } from '../engine'
import { BodyNotReplayableError, type CaeError, isCaeError, TokenAcquisitionError } from '../errors'
import type { CaeEvent } from '../events'
import type { CaeLogger } from '../options'
import type { PendingRequest, StepUpRequest } from '../provider'
import { getStepUpChallenge } from '../step-up'
import { describeRequest } from './pending-request'
import { parseRequestUrl, type ResolvedResource, resourceContains } from './resources'
import type { TokenCache } from './token-cache'

/** A waiter's description, bound to its method and URL. */
export type Describe = () => PendingRequest

/** What every exchange of one engine shares. */
export interface EngineContext {
  readonly cache: TokenCache
  readonly strict: boolean
  readonly logger: CaeLogger | undefined
  /** Whether anyone receives events; if not, requests skip reading the clock. */
  readonly timed: boolean
  emit(event: CaeEvent): void
  /** Tells whether a provider call for this scopes + challenge key is in progress. */
  inFlight(resource: ResolvedResource, challengeKey: string): boolean
  /** One provider call per scopes + challenge key; resolves with the new Authorization value. */
  acquire(
    resource: ResolvedResource,
    challenge: DetectedChallenge | undefined,
    reason: 'initial' | 'expired' | 'challenge',
    origin: { url: string; method: string },
    waiter: { signal: AbortSignal | undefined; context: Describe | undefined },
  ): Promise<string>
}

export const clock: () => number =
  typeof performance === 'object' && typeof performance.now === 'function'
    ? () => performance.now()
    : Date.now

/** URL for logs and messages: origin and path, never the query (which may carry secrets). */
export function safeUrl(url: string): string {
  const parsed = parseRequestUrl(url)
  return parsed === undefined ? '(invalid url)' : parsed.origin + parsed.pathname
}

function detectChallenge(response: ResponseLike, strict: boolean): DetectedChallenge | undefined {
  const claims = getClaimsChallenge(response, { strict })
  if (claims !== undefined) {
    return { kind: 'claims', error: claims.error, claims: claims.claims, key: `c ${claims.claims}` }
  }
  const stepUp = getStepUpChallenge(response)
  if (stepUp === undefined) return undefined
  const request: StepUpRequest = {}
  if (stepUp.acrValues !== undefined) request.acrValues = stepUp.acrValues
  if (stepUp.maxAge !== undefined) request.maxAge = stepUp.maxAge
  const key = `s ${(stepUp.acrValues ?? []).join(' ')}|${stepUp.maxAge ?? ''}`
  return { kind: 'step-up', error: stepUp.error, stepUp: request, key }
}

export class Exchange implements CaeExchange {
  readonly scopes: readonly string[]
  readonly #context: EngineContext
  readonly #resource: ResolvedResource
  readonly #url: string
  readonly #method: string
  readonly #signal: AbortSignal | undefined
  readonly #startedAt: number
  /** The Authorization value this request was last sent with: the stale-token check uses it. */
  #sent: string | undefined

  constructor(
    context: EngineContext,
    resource: ResolvedResource,
    url: string,
    method: string,
    signal: AbortSignal | undefined,
  ) {
    this.scopes = resource.scopes
    this.#context = context
    this.#resource = resource
    this.#url = url
    this.#method = method
    this.#signal = signal
    this.#startedAt = context.timed ? clock() : 0
  }

  authorize(describe?: DescribeRequest): string | Promise<string> {
    const { cache } = this.#context
    const { scopesKey } = this.#resource
    const cached = cache.fresh(scopesKey, Date.now())
    if (cached !== undefined) {
      this.#sent = cached.authorization
      return this.#sent
    }
    const reason = cache.current(scopesKey) === undefined ? 'initial' : 'expired'
    const waiter = { signal: this.#signal, context: this.#bind(describe) }
    return this.#context
      .acquire(this.#resource, undefined, reason, { url: this.#url, method: this.#method }, waiter)
      .then(
        (authorization) => {
          this.#sent = authorization
          return authorization
        },
        (error: unknown) => {
          throw this.#fail(error, undefined, {})
        },
      )
  }

  detect(response: ResponseLike, finalUrl?: string): DetectedChallenge | undefined {
    if (response.status !== 401) return undefined
    if (finalUrl !== undefined && finalUrl !== '' && !this.covers(finalUrl)) {
      this.#context.logger?.debug?.(
        `cae: challenge from outside the resource ignored: ${safeUrl(finalUrl)}`,
      )
      return undefined
    }
    return detectChallenge(response, this.#context.strict)
  }

  covers(url: string): boolean {
    const parsed = parseRequestUrl(url)
    return parsed !== undefined && resourceContains(this.#resource, parsed)
  }

  async answer(challenge: DetectedChallenge, options: AnswerOptions): Promise<string> {
    const context = this.#context
    const resource = this.#resource
    const challengedAt = clock()
    const status = (options.response as { status?: unknown } | undefined)?.status
    context.emit({
      ...this.#event(challenge, challengedAt - this.#startedAt),
      type: 'challenge',
      status: typeof status === 'number' ? status : 401,
      error: challenge.error,
    })
    context.logger?.debug?.(
      `cae: ${challenge.kind} challenge (${challenge.error}) on ${this.#method} ${safeUrl(this.#url)}`,
    )
    const current = context.cache.current(resource.scopesKey)
    let authorization: string
    let reused = false
    if (
      !context.inFlight(resource, challenge.key) &&
      current !== undefined &&
      current.challengeKey === challenge.key &&
      this.#sent !== undefined &&
      current.authorization !== this.#sent
    ) {
      // Sent with an older token; the current one already answers this very challenge.
      authorization = current.authorization
      reused = true
    } else {
      const origin = { url: this.#url, method: this.#method }
      const waiter = { signal: this.#signal, context: this.#bind(options.describe) }
      try {
        authorization = await context.acquire(resource, challenge, 'challenge', origin, waiter)
      } catch (error) {
        throw this.#fail(error, challenge, options)
      }
    }
    if (options.replayable === false) {
      const message = `request body cannot be replayed: ${this.#method} ${safeUrl(this.#url)}`
      throw this.#fail(
        new BodyNotReplayableError(message, {
          claims: challenge.claims,
          scopes: resource.scopes,
          response: options.response,
          request: options.request,
        }),
        challenge,
        options,
      )
    }
    this.#sent = authorization
    context.logger?.debug?.(`cae: replaying ${this.#method} ${safeUrl(this.#url)}`)
    context.emit({ ...this.#event(challenge, clock() - challengedAt), type: 'replay', reused })
    return authorization
  }

  unsatisfied(challenge: DetectedChallenge, response: { status: number }): void {
    this.#context.logger?.warn?.(
      `cae: challenge repeated after replay: ${this.#method} ${safeUrl(this.#url)}`,
    )
    this.#context.emit({
      ...this.#event(challenge, clock() - this.#startedAt),
      type: 'challenge-unsatisfied',
      status: response.status,
    })
  }

  /** The fields every event of this request carries. */
  #event(challenge: DetectedChallenge | undefined, durationMs: number) {
    return {
      url: this.#url,
      method: this.#method,
      scopes: this.#resource.scopes,
      claims: challenge?.claims,
      stepUp: challenge?.stepUp,
      at: Date.now(),
      durationMs,
    }
  }

  #bind(describe: DescribeRequest | undefined): Describe | undefined {
    if (describe === undefined) return undefined
    return () => {
      const { headers, body, url } = describe()
      return describeRequest(this.#method, url ?? this.#url, headers, body)
    }
  }

  /** Turns a failure into what the request rejects with, and reports it. */
  #fail(
    error: unknown,
    challenge: DetectedChallenge | undefined,
    context: { response?: unknown; request?: unknown },
  ): unknown {
    // An abort is the caller's decision: reject with its reason, like fetch, and report nothing.
    if (this.#signal?.aborted && error === this.#signal.reason) return error
    const where = `${this.#method} ${safeUrl(this.#url)}`
    const failure: CaeError = isCaeError(error)
      ? error
      : new TokenAcquisitionError(`token acquisition failed: ${where}`, {
          cause: error,
          claims: challenge?.claims,
          scopes: this.#resource.scopes,
          response: context.response,
          request: context.request,
        })
    this.#context.logger?.error?.(`cae: ${failure.code} on ${where}: ${failure.message}`)
    this.#context.emit({
      ...this.#event(challenge, clock() - this.#startedAt),
      type: 'error',
      error: failure,
    })
    return failure
  }
}
