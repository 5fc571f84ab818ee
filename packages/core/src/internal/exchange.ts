/**
 * The engine's implementation: one exchange object per protected request. The class is created
 * once per engine, so its methods reach the engine's token cache, single-flight group, provider
 * and listeners through the closure (no context object, no per-request closures). A class
 * instance is one allocation on the hot path, and the header a request was sent with is a
 * `#private` field, so it never shows in `JSON.stringify`, axios' `toJSON` or `util.inspect`.
 *
 * @module
 */

import { getClaimsChallenge, type ResponseLike } from '../claims'
import type { AnswerOptions, CaeExchange, DescribeRequest, DetectedChallenge } from '../engine'
import {
  BodyNotReplayableError,
  CaeOptionsError,
  isCaeError,
  TokenAcquisitionError,
} from '../errors'
import type { CaeEvent } from '../events'
import type { ResolvedOptions } from '../options'
import type { PendingRequest, TokenRequest } from '../provider'
import { getStepUpChallenge } from '../step-up'
import { describeRequest } from './pending-request'
import { parseRequestUrl, type ResolvedResource, resourceContains } from './resources'
import { createSingleFlight } from './single-flight'
import { createTokenCache } from './token-cache'

/** What a waiter contributes to a flight: its description, bound to its method and URL. */
type Describe = () => PendingRequest

/** What each kind of event adds to the fields every event of a request carries. */
type EventFields = CaeEvent extends infer E
  ? E extends CaeEvent
    ? Omit<E, 'url' | 'method' | 'scopes' | 'claims' | 'stepUp' | 'at' | 'durationMs'>
    : never
  : never

/** The constructor `createCaeEngine` calls per protected request. */
export type ExchangeClass = new (
  resource: ResolvedResource,
  url: string,
  method: string,
  signal: AbortSignal | undefined,
) => CaeExchange

const clock = (): number => globalThis.performance?.now() ?? Date.now()

/** URL for logs and messages: origin and path, never the query (which may carry secrets). */
function safeUrl(url: string): string {
  const parsed = parseRequestUrl(url)
  return parsed ? parsed.origin + parsed.pathname : ''
}

/** The challenge to answer in a 401: a CAE claims challenge first, else an RFC 9470 step-up. */
function detectChallenge(response: ResponseLike, strict: boolean): DetectedChallenge | undefined {
  const found = getClaimsChallenge(response, { strict })
  if (found) {
    return { kind: 'claims', error: found.error, claims: found.claims, key: `c${found.claims}` }
  }
  const stepUp = getStepUpChallenge(response)
  if (!stepUp) return undefined
  // What remains once the rest is taken out is the step-up request: acrValues and maxAge, each
  // only when present, in a fixed order, so equal requirements give equal keys.
  const { error, errorDescription: _, challenge: __, ...request } = stepUp
  return { kind: 'step-up', error, stepUp: request, key: `s${JSON.stringify(request)}` }
}

/**
 * Creates the exchange class of one engine, with its own token cache and single-flight group.
 *
 * Invariants: a challenge is answered at most once per exchange (adapters call `answer` once,
 * then send the replay outside the engine); a provider call is shared by every request waiting
 * for the same partition, scopes and challenge key; a failure is never cached.
 */
export function createExchangeClass(options: ResolvedOptions): ExchangeClass {
  const { tokenProvider, strict, onEvent, logger, partitionKey } = options
  const cache = createTokenCache()
  const flights = createSingleFlight<string, Describe | undefined>()
  const flightKey = (key: string, challengeKey: string) => `${key}\n${challengeKey}`
  /** Counts acquisitions as they start: a late one never replaces a newer token. */
  let acquisitions = 0

  return class Exchange implements CaeExchange {
    readonly scopes: readonly string[]
    readonly guardsRedirects: boolean
    readonly #resource: ResolvedResource
    readonly #url: string
    readonly #method: string
    readonly #signal: AbortSignal | undefined
    /** Cache key: the scopes, within the request's partition when `partitionKey` is set. */
    readonly #key: string
    /** Why the partition is unknown: every token lookup of this request rejects with it. */
    readonly #failure: CaeOptionsError | undefined
    /** When the request started; read only when someone listens to events (the hot path skips it). */
    readonly #startedAt: number
    /** The Authorization value this request was last sent with: the stale-token check uses it. */
    #sent: string | undefined

    constructor(
      resource: ResolvedResource,
      url: string,
      method: string,
      signal: AbortSignal | undefined,
    ) {
      this.scopes = resource.scopes
      this.guardsRedirects = resource.narrowerThanOrigin
      this.#resource = resource
      this.#url = url
      this.#method = method
      this.#signal = signal
      this.#startedAt = onEvent ? clock() : 0
      let key = resource.scopesKey
      if (partitionKey) {
        try {
          const partition = partitionKey({ url, method })
          if (typeof partition !== 'string') throw partition
          // Length-prefixed, so no partition and scopes pair can spell another pair's key.
          key = `${partition.length}:${partition}\n${key}`
        } catch (cause) {
          // '' is no scopes key, and nothing is ever stored under it: #acquire rejects first.
          key = ''
          this.#failure = new CaeOptionsError('"partitionKey" must return a string', { cause })
        }
      }
      this.#key = key
    }

    authorize(describe?: DescribeRequest): string | Promise<string> {
      const key = this.#key
      const cached = cache.fresh(key, Date.now())
      // A fresh token is returned synchronously: no promise on the hot path.
      if (cached) {
        this.#sent = cached.authorization
        return this.#sent
      }
      const reason = cache.current(key) ? 'expired' : 'initial'
      return this.#acquire(undefined, reason, describe).then(
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
      if (finalUrl && !this.covers(finalUrl)) {
        logger?.debug?.(`cae: challenge from outside the resource ignored: ${safeUrl(finalUrl)}`)
        return undefined
      }
      return detectChallenge(response, strict)
    }

    covers(url: string): boolean {
      const parsed = parseRequestUrl(url)
      return !!parsed && resourceContains(this.#resource, parsed)
    }

    async answer(challenge: DetectedChallenge, options: AnswerOptions): Promise<string> {
      const resource = this.#resource
      const challengedAt = clock()
      // A challenge is only ever detected in a 401 (see `detect`).
      this.#report(challenge, challengedAt - this.#startedAt, {
        type: 'challenge',
        status: 401,
        error: challenge.error,
      })
      const key = this.#key
      const current = cache.fresh(key, Date.now())
      // Sent with an older token while the current one already answers this very challenge, and
      // is still fresh: replay with the current one, without asking the provider again. A held
      // token past its refresh time is never reused (the challenge may come back long after).
      const reused =
        !flights.has(flightKey(key, challenge.key)) &&
        current?.challengeKey === challenge.key &&
        this.#sent !== undefined &&
        current.authorization !== this.#sent
      let authorization: string
      try {
        authorization = reused
          ? current.authorization
          : await this.#acquire(challenge, 'challenge', options.describe)
      } catch (error) {
        throw this.#fail(error, challenge, options)
      }
      // Answered first, so the next request carries a good token; only then rejected.
      if (options.replayable === false) {
        const cause = new BodyNotReplayableError(
          `request body cannot be replayed: ${this.#where()}`,
          {
            claims: challenge.claims,
            scopes: resource.scopes,
            response: options.response,
            request: options.request,
          },
        )
        throw this.#fail(cause, challenge, options)
      }
      this.#sent = authorization
      this.#report(challenge, clock() - challengedAt, { type: 'replay', reused })
      return authorization
    }

    unsatisfied(challenge: DetectedChallenge, response: { status: number }): void {
      this.#report(challenge, clock() - this.#startedAt, {
        type: 'challenge-unsatisfied',
        status: response.status,
      })
    }

    /**
     * One provider call per partition, scopes and challenge key; the token is cached before
     * waiters resume.
     */
    #acquire(
      challenge: DetectedChallenge | undefined,
      reason: 'initial' | 'expired' | 'challenge',
      describe: DescribeRequest | undefined,
    ): Promise<string> {
      if (this.#failure) return Promise.reject(this.#failure)
      const resource = this.#resource
      const key = this.#key
      const challengeKey = challenge?.key ?? ''
      const context =
        describe &&
        (() => {
          const { headers, body, url } = describe()
          return describeRequest(this.#method, url ?? this.#url, headers, body)
        })
      const start = async (signal: AbortSignal, live: () => (Describe | undefined)[]) => {
        const sequence = ++acquisitions
        const request: TokenRequest = {
          scopes: [...resource.scopes],
          signal,
          pendingRequests: async () => live().flatMap((waiter) => (waiter ? [waiter()] : [])),
        }
        if (challenge?.claims !== undefined) request.claims = challenge.claims
        if (challenge?.stepUp !== undefined) request.stepUp = challenge.stepUp
        const started = clock()
        const token = await tokenProvider.getToken(request)
        if (typeof token?.token !== 'string' || !token.token) {
          throw new TypeError('token provider resolved without a token')
        }
        const at = Date.now()
        const entry = cache.store(key, token, challengeKey, at, sequence)
        if (entry.refreshAt <= at) {
          logger?.warn?.('cae: token provider returned an expired token (expiresOn is epoch ms)')
        }
        this.#report(challenge, clock() - started, {
          type: 'token',
          reason,
          expiresOn: entry.expiresOn,
        })
        return entry.authorization
      }
      return flights.run(flightKey(key, challengeKey), start, {
        signal: this.#signal,
        context,
      })
    }

    /** Turns a failure into what the request rejects with, and reports it. */
    #fail(
      error: unknown,
      challenge: DetectedChallenge | undefined,
      context: { response?: unknown; request?: unknown },
    ): unknown {
      // An abort is the caller's decision: reject with its reason, like fetch, and report nothing.
      if (this.#signal?.aborted && error === this.#signal.reason) return error
      const failure = isCaeError(error)
        ? error
        : new TokenAcquisitionError(`token acquisition failed: ${this.#where()}`, {
            cause: error,
            claims: challenge?.claims,
            scopes: this.#resource.scopes,
            response: context.response,
            request: context.request,
          })
      this.#report(challenge, clock() - this.#startedAt, { type: 'error', error: failure })
      return failure
    }

    /** Method and URL for logs and messages, without the query. */
    #where(): string {
      return `${this.#method} ${safeUrl(this.#url)}`
    }

    /**
     * Logs an event and hands it to `onEvent`. Every event carries the request, its scopes and
     * challenge; the log line says what happened where, never a token or a query string.
     */
    #report(challenge: DetectedChallenge | undefined, durationMs: number, fields: EventFields) {
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
      const { type } = event
      const level = type === 'error' ? 'error' : type === 'challenge-unsatisfied' ? 'warn' : 'debug'
      logger?.[level]?.(`cae: ${type === 'error' ? event.error.code : type} on ${this.#where()}`)
      try {
        onEvent?.(event)
      } catch (error) {
        // A listener is diagnostics: its failure must never change what the request resolves to.
        logger?.warn?.(`cae: onEvent listener threw: ${error}`)
      }
    }
  }
}
