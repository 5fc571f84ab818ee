/**
 * The engine: the whole lifecycle of a protected request, in one place.
 *
 *     authorize → send → detect → answer once → replay → detect again → report
 *
 * `createCaeEngine()` validates the options and holds what every request of a client shares (the
 * token cache, the single-flight group, the prompt gates). `engine.execute(request, transport)`
 * runs one request: an {@link Exchange} object per protected request, whose methods below are
 * the sequence in order. Adapters (`createCaeFetch`, `@cae-kit/axios`, SDK middleware) supply a
 * {@link CaeTransport} (send once, read a result) and decide nothing.
 *
 * Invariants: a request is replayed at most once, and its replay is never answered; a challenge
 * the token the request carried had already answered, and been refused for, is not answered again
 * (no loop across requests, whatever retries a client adds); one provider call is shared by every
 * request waiting for the same partition, scopes and challenge; a failure is never cached, except
 * an access block for a few seconds (`internal/acquire`); tokens go only to the most specific
 * resource of a URL.
 *
 * @module
 */

import { getClaimsChallenge, type ResponseLike } from './claims'
import {
  BodyNotReplayableError,
  CaeOptionsError,
  isCaeError,
  TokenAcquisitionError,
} from './errors'
import type { CaeEvent } from './events'
import { type Acquirer, acquire } from './internal/acquire'
import { clock, timeoutError } from './internal/deadline'
import { describeRequest } from './internal/pending-request'
import { prepareReplayableBody } from './internal/replayable-body'
import {
  findResource,
  originAndPath,
  parseRequestUrl,
  type ResolvedResource,
} from './internal/resources'
import { createSingleFlight } from './internal/single-flight'
import { type CachedToken, createTokenCache, isFresh } from './internal/token-cache'
import { type CaeOptions, type ResolvedOptions, resolveOptions } from './options'
import type { StepUpRequest } from './provider'
import { getStepUpChallenge } from './step-up'
import type {
  CaeEngine,
  CaeRequest,
  CaeTransport,
  KeptBody,
  SendAttempt,
  UnsatisfiedReplay,
} from './types'

/** A challenge the engine answers: a CAE claims challenge or an RFC 9470 step-up challenge. */
interface DetectedChallenge {
  error: string
  /** Decoded claims (JSON text), for a claims challenge. */
  claims?: string | undefined
  /** Step-up requirements, for a step-up challenge. */
  stepUp?: StepUpRequest | undefined
  /** What the challenge asks for; equal keys share one token request. */
  key: string
}

/** What every request of one engine shares. */
interface EngineState extends Acquirer, ResolvedOptions {}

/** What each kind of event adds to the fields every event of a request carries. */
type EventFields = CaeEvent extends infer E
  ? E extends CaeEvent
    ? Omit<E, 'url' | 'method' | 'scopes' | 'claims' | 'stepUp' | 'at' | 'durationMs'>
    : never
  : never

/**
 * How long a challenge the held token answered is not answered again for requests that carried
 * that token. Long enough for any client's own retry of a 401 (Kiota retries at once); short
 * enough that a client recovers on its own once the cause is gone (a user signed in again
 * elsewhere, a policy fixed) instead of waiting for the token to expire.
 */
export const REANSWER_AFTER_MS = 60_000

/** The log level of each kind of event; `debug` for the others. */
const LOG_LEVELS: Partial<Record<CaeEvent['type'], 'error' | 'warn' | 'info'>> = {
  error: 'error',
  'challenge-unsatisfied': 'warn',
  'opt-out': 'info',
}

/**
 * An absent or empty credential (`''`, `Bearer`, `Bearer `): no opt-out, the engine sets its own.
 */
const EMPTY_CREDENTIAL = /^\s*(?:[\w!#$%&'*+.^`|~-]+\s*)?$/

/** URL for logs and messages: origin and path, never the query (which may carry secrets). */
function safeUrl(url: string): string {
  const parsed = parseRequestUrl(url)
  return parsed ? originAndPath(parsed) : ''
}

/** The challenge to answer in a 401: a CAE claims challenge first, else an RFC 9470 step-up. */
function detectChallenge(response: ResponseLike, strict: boolean): DetectedChallenge | undefined {
  const found = getClaimsChallenge(response, { strict })
  if (found) return { error: found.error, claims: found.claims, key: `c${found.claims}` }
  const stepUp = getStepUpChallenge(response)
  if (!stepUp) return undefined
  // What remains once the rest is taken out is the step-up request: acrValues and maxAge, each
  // only when present, in a fixed order, so equal requirements give equal keys.
  const { error, errorDescription: _, challenge: __, ...request } = stepUp
  return { error, stepUp: request, key: `s${JSON.stringify(request)}` }
}

/**
 * One protected request going through the lifecycle. It is also the {@link SendAttempt} each
 * `send` gets (one object per request is what keeps the hot path to one allocation). The token a
 * request was sent with is a `#private` field: it never shows in `JSON.stringify` or `inspect`.
 */
class Exchange<R> implements SendAttempt {
  replay = false
  body: KeptBody | undefined
  readonly signal: AbortSignal | undefined
  readonly #engine: EngineState
  readonly #transport: CaeTransport<R>
  readonly #resource: ResolvedResource
  readonly #url: string
  readonly #method: string
  readonly #timeoutMs: number | undefined
  /** Cache key: the scopes, within the request's partition when `partitionKey` is set. */
  #key: string
  #partition: string | undefined
  /** When the request started; read only when someone listens to events. */
  readonly #startedAt: number
  /** The token this request was last sent with: the loop and stale-token checks compare it. */
  #sent: CachedToken | undefined
  #replayable = true

  constructor(
    engine: EngineState,
    resource: ResolvedResource,
    request: CaeRequest,
    transport: CaeTransport<R>,
  ) {
    const { url, method, signal, timeoutMs } = request
    this.#engine = engine
    this.#transport = transport
    this.#resource = resource
    this.#url = typeof url === 'string' ? url : url.href
    this.#method = method === undefined ? 'GET' : method.toUpperCase()
    this.signal = signal ?? undefined
    this.#timeoutMs = timeoutMs
    this.#startedAt = engine.onEvent ? clock() : 0
    this.#key = resource.scopesKey
  }

  get guardsRedirects(): boolean {
    return this.#resource.narrowerThanOrigin
  }

  /** Inside the resource, and no more specific resource claims the URL. */
  covers(url: string): boolean {
    return findResource(this.#engine.resources, url) === this.#resource
  }

  /**
   * Finds the partition (when `partitionKey` is set), keeps the body (when there is one), then
   * authorizes. An unknown partition rejects before any token is sent.
   */
  run(): Promise<R> {
    const { partitionKey } = this.#engine
    if (partitionKey) {
      try {
        const partition = partitionKey({ url: this.#url, method: this.#method })
        if (typeof partition !== 'string') throw partition
        this.#partition = partition
        // Length-prefixed, so no partition and scopes pair can spell another pair's key.
        this.#key = `${partition.length}:${partition}\n${this.#key}`
      } catch (cause) {
        const failure = new CaeOptionsError('"partitionKey" must return a string', { cause })
        return Promise.reject(this.#fail(failure))
      }
    }
    const transport = this.#transport
    let keeping = transport.keepBody?.(this.signal)
    if (keeping === undefined && transport.body != null) {
      keeping = prepareReplayableBody(
        transport.body,
        this.#engine.maxReplayBodyBytes,
        this.signal,
      ).then((kept) => {
        this.body = kept
        return kept.replayable
      })
    }
    // Bodiless requests (GET) skip this: no promise on the hot path.
    if (keeping === undefined) return this.#authorize()
    return keeping.then(
      (replayable) => {
        this.#replayable = replayable
        return this.#authorize()
      },
      (error: unknown) => {
        throw this.#aborted(error)
      },
    )
  }

  /** 1. Authorize: the cached token synchronously, or one acquired now. */
  #authorize(): Promise<R> {
    const held = this.#engine.cache.current(this.#key)
    if (isFresh(held, Date.now())) return this.#send(held)
    return this.#acquire(undefined, held ? 'expired' : 'initial', held).then((entry) =>
      this.#send(entry),
    )
  }

  /** 2. Send (the first time, or 5. the replay), then look at the result. */
  #send(token: CachedToken): Promise<R> {
    this.#sent = token
    const transport = this.#transport
    const sent = transport.send(token.authorization, this)
    // No rejection handler (nor its closure) unless a rejection can carry a result.
    return sent.then(
      (result) => this.#detected(result),
      transport.resultOf && ((error: unknown) => this.#rejected(error)),
    )
  }

  /** A send that rejected: its result, when it carries one (axios' 401), is looked at too. */
  #rejected(error: unknown): R | Promise<R> {
    const result = this.#transport.resultOf?.(error)
    if (result === undefined) throw error
    return this.#detected(result, { reason: error })
  }

  /**
   * 3. Detect (and 6. detect again): a result that is no challenge from inside the resource is the
   * answer; a challenged replay is reported, never answered.
   */
  #detected(result: R, rejection?: { reason: unknown }): R | Promise<R> {
    const challenge = this.#detect(result)
    if (challenge === undefined) {
      if (rejection) throw rejection.reason
      return result
    }
    if (!this.replay) return this.#answer(result, challenge, rejection)
    // The token that answered this challenge is refused for it: never answered again with it.
    const sent = this.#sent as CachedToken
    if (challenge.key === sent.challengeKey) sent.refused = true
    return this.#unsatisfied(challenge, result, rejection)
  }

  #detect(result: R): DetectedChallenge | undefined {
    const transport = this.#transport
    const status = transport.status(result)
    if (status !== 401) return undefined
    const finalUrl = transport.finalUrl?.(result)
    if (finalUrl !== undefined && !this.covers(finalUrl)) {
      this.#engine.logger?.debug?.(
        `cae: challenge from outside the resource ignored: ${safeUrl(finalUrl)}`,
      )
      return undefined
    }
    return detectChallenge({ status, headers: transport.headers(result) }, this.#engine.strict)
  }

  /** 4. Answer once, then 5. replay. */
  async #answer(
    result: R,
    challenge: DetectedChallenge,
    rejection: { reason: unknown } | undefined,
  ): Promise<R> {
    const { cache, flights } = this.#engine
    const transport = this.#transport
    const challengedAt = clock()
    this.#report(challenge, challengedAt - this.#startedAt, {
      type: 'challenge',
      status: 401,
      error: challenge.error,
    })
    const sent = this.#sent as CachedToken
    const held = cache.current(this.#key)
    // Someone is answering this very challenge now: that answer is shared.
    const answering = flights.has(`${this.#key}\n${challenge.key}`)
    const answers = held !== undefined && held.challengeKey === challenge.key
    // The token this request carried already answered this very challenge, moments ago.
    if (
      answers &&
      held.authorization === sent.authorization &&
      Date.now() - held.storedAt < REANSWER_AFTER_MS
    ) {
      // Accepted until now: something new happened with the same claims (two events in one
      // second give the same nbf), answered once more. Refused for it before (its replay, or an
      // earlier request): asking again would loop (a client that retries a 401 itself, like
      // Kiota), so reported, not answered; unless a request refused with it at the same moment
      // is being answered now: that answer is shared.
      if (!held.refused) held.refused = true
      else if (!answering) return this.#unsatisfied(challenge, result, rejection)
    }
    // The challenged result is not returned: free its connection while the token comes.
    transport.discard?.(result)
    // Sent with an older token while the one held already answers this challenge, and is still
    // fresh: replay with it, without asking the provider again. A held token past its refresh
    // time is never reused (the challenge may come back long after), nor the token refused.
    const reused =
      answers &&
      !answering &&
      isFresh(held, Date.now()) &&
      held.authorization !== sent.authorization
    const token = reused ? held : await this.#acquire(challenge, 'challenge', sent, result)
    // Answered first, so the next request carries a good token; only then rejected.
    if (!this.#replayable) {
      const cause = new BodyNotReplayableError(
        `request body cannot be replayed: ${this.#where()}`,
        {
          claims: challenge.claims,
          scopes: this.#resource.scopes,
          response: result,
          request: transport.request,
        },
      )
      throw this.#fail(cause, challenge, result)
    }
    this.#report(challenge, clock() - challengedAt, { type: 'replay', reused })
    this.replay = true
    return this.#send(token)
  }

  /** 7. Report: a challenge that stays (never a loop); the transport says what it becomes. */
  #unsatisfied(
    challenge: DetectedChallenge,
    result: R,
    rejection: { reason: unknown } | undefined,
  ): R | Promise<R> {
    const transport = this.#transport
    this.#report(challenge, clock() - this.#startedAt, {
      type: 'challenge-unsatisfied',
      status: 401,
    })
    const report: UnsatisfiedReplay<R> = {
      code: 'ERR_CAE_CHALLENGE_AFTER_REPLAY',
      claims: challenge.claims,
      stepUp: challenge.stepUp,
      scopes: this.#resource.scopes,
      result,
      rejection,
    }
    if (transport.unsatisfied) return transport.unsatisfied(report)
    if (rejection) throw rejection.reason
    return result
  }

  /**
   * A token for this request: single-flighted, bounded, validated (see `internal/acquire`). A
   * failure rejects with what the request rejects with (see `#fail`).
   */
  #acquire(
    challenge: DetectedChallenge | undefined,
    reason: 'initial' | 'expired' | 'challenge',
    rejected: CachedToken | undefined,
    result?: R,
  ): Promise<CachedToken> {
    const key = this.#key
    const challengeKey = challenge?.key ?? ''
    const flightKey = `${key}\n${challengeKey}`
    const transport = this.#transport
    const { describe } = transport
    const timeoutMs = this.#timeoutMs ?? 0
    const expired =
      timeoutMs > 0
        ? timeoutError(`request timed out after ${timeoutMs} ms waiting for a token`)
        : undefined
    return acquire(this.#engine, {
      key,
      flightKey,
      challengeKey,
      partition: this.#partition,
      scopes: this.#resource.scopes,
      claims: challenge?.claims,
      stepUp: challenge?.stepUp,
      reason,
      rejected,
      acquired: (entry, durationMs) =>
        this.#report(challenge, durationMs, {
          type: 'token',
          reason,
          expiresOn: entry.expiresOn,
        }),
      signal: this.signal,
      // Made only when the transport has `describe`.
      context:
        describe &&
        (() => {
          const { headers, body, url } = describe.call(transport, this.body)
          return describeRequest(this.#method, url ?? this.#url, headers, body)
        }),
      // The request's own limit (axios `timeout`), suspended by the flight's prompt gate while a
      // prompt is open.
      limit:
        expired &&
        ((leave) => this.#engine.gates.get(flightKey)?.bound(timeoutMs, () => leave(expired))),
    }).catch((error: unknown) => {
      // The request's own timeout, as the transport words it, is not reported.
      if (expired && error === expired && transport.timedOut) throw transport.timedOut()
      throw this.#fail(error, challenge, result)
    })
  }

  /** An abort is the caller's decision: its reason (as the transport words it), nothing reported. */
  #aborted(error: unknown): unknown {
    const { signal } = this
    if (signal?.aborted && error === signal.reason) {
      return this.#transport.aborted ? this.#transport.aborted(error) : error
    }
    return error
  }

  /** Turns a failure into what the request rejects with, and reports it. */
  #fail(error: unknown, challenge?: DetectedChallenge, result?: R): unknown {
    const { signal } = this
    if (signal?.aborted && error === signal.reason) return this.#aborted(error)
    const failure = isCaeError(error)
      ? error
      : new TokenAcquisitionError(`token acquisition failed: ${this.#where()}`, {
          cause: error,
          claims: challenge?.claims,
          scopes: this.#resource.scopes,
          response: result,
          request: this.#transport.request,
        })
    this.#report(challenge, clock() - this.#startedAt, { type: 'error', error: failure })
    return failure
  }

  /** Method and URL for logs and messages, without the query. */
  #where(): string {
    return `${this.#method} ${safeUrl(this.#url)}`
  }

  /** Reports an event of this request (see {@link emit}). */
  #report(challenge: DetectedChallenge | undefined, durationMs: number, fields: EventFields): void {
    const event = {
      url: this.#url,
      method: this.#method,
      scopes: this.#resource.scopes,
      claims: challenge?.claims,
      stepUp: challenge?.stepUp,
      at: Date.now(),
      durationMs,
      ...fields,
    } as CaeEvent
    emit(this.#engine, event, this.#where())
  }
}

/**
 * Logs an event and hands it to `onEvent`. The log line says what happened where, never a token or
 * a query string; a listener that throws never changes what the request resolves to.
 */
function emit(engine: EngineState, event: CaeEvent, where: string): void {
  const { logger, onEvent } = engine
  const { type } = event
  logger?.[LOG_LEVELS[type] ?? 'debug']?.(
    `cae: ${type === 'error' ? event.error.code : type} on ${where}`,
  )
  try {
    onEvent?.(event)
  } catch (error) {
    logger?.warn?.(`cae: onEvent threw: ${error}`)
  }
}

/**
 * Creates the engine: validates the options once and holds the token cache, the single-flight
 * group and the prompt gates that every request of this engine shares.
 *
 * What changed at 0.x: `begin()` and the seven-step `CaeExchange` protocol are gone; an adapter
 * now calls `execute(request, transport)` once per request and supplies a {@link CaeTransport}.
 *
 * @param options - See {@link CaeOptions}.
 * @returns The engine; call `execute()` per request.
 * @throws CaeOptionsError (`ERR_CAE_INVALID_OPTIONS`) for a missing provider, bad resource URLs,
 *   empty scopes, a `partitionKey` that is not a function, a bad `acquisitionTimeoutMs` or
 *   `coordinator`.
 * @example
 * ```ts
 * const engine = createCaeEngine({ tokenProvider, resources: [{ url: api, scopes }] })
 * const response = await engine.execute({ url, method: 'GET' }, {
 *   send: (authorization) => fetch(url, { headers: authorization ? { authorization } : {} }),
 *   status: (response) => response.status,
 *   headers: (response) => response.headers,
 * })
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/app-resilience-continuous-access-evaluation
 */
export function createCaeEngine(options: CaeOptions): CaeEngine {
  const resolved = resolveOptions(options)
  const engine: EngineState = {
    ...resolved,
    cache: createTokenCache(),
    flights: createSingleFlight(),
    gates: new Map(),
    started: 0,
    refusals: new Map(),
  }
  const { resources } = resolved
  return {
    maxReplayBodyBytes: resolved.maxReplayBodyBytes,
    protects: (url) => findResource(resources, url) !== undefined,
    execute<R>(request: CaeRequest, transport: CaeTransport<R>): Promise<R> {
      const resource = findResource(resources, request.url)
      // Nothing about tokens happens for a URL outside the resources.
      if (resource !== undefined) {
        if (EMPTY_CREDENTIAL.test(request.authorization ?? '')) {
          return new Exchange(engine, resource, request, transport).run()
        }
        // The caller's own credential wins: that request is left alone, and it is said so.
        const url = typeof request.url === 'string' ? request.url : request.url.href
        const method = (request.method ?? 'GET').toUpperCase()
        const { scopes } = resource
        const event = {
          type: 'opt-out',
          url,
          method,
          scopes,
          at: Date.now(),
          durationMs: 0,
        } as const
        emit(engine, event, `${method} ${safeUrl(url)}`)
      }
      // An unprotected or opted-out send: no replay, no body kept, no resource.
      return transport.send(undefined, {
        replay: false,
        signal: request.signal ?? undefined,
        body: undefined,
        covers: () => false,
        guardsRedirects: false,
      })
    },
  }
}
