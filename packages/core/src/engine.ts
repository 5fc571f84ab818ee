/**
 * The engine shared by every adapter: which requests are protected and with which scopes, the
 * token cache, single-flight acquisition, the replay-once policy, events and typed errors.
 * Adapters (`createCaeFetch`, `@cae-kit/axios`) only translate their client's requests to it.
 *
 * @module
 */

import type { ResponseLike } from './claims'
import { createExchangeClass } from './internal/exchange'
import { prepareReplayableBody, type ReplayableBody } from './internal/replayable-body'
import { findResource } from './internal/resources'
import { type CaeOptions, resolveOptions } from './options'
import type { StepUpRequest } from './provider'

/** A challenge the engine answers: a CAE claims challenge or an RFC 9470 step-up challenge. */
export interface DetectedChallenge {
  /** `claims` (Entra CAE, `getClaimsChallenge`) or `step-up` (RFC 9470, `getStepUpChallenge`). */
  kind: 'claims' | 'step-up'
  /** The challenge's `error`. */
  error: string
  /** Decoded claims (JSON text), for `kind: 'claims'`. */
  claims?: string | undefined
  /** Step-up requirements, for `kind: 'step-up'`. */
  stepUp?: StepUpRequest | undefined
  /** What the challenge asks for; equal keys share one token request. */
  key: string
}

/**
 * What an adapter knows about a waiting request: its headers and body as they will be sent. The
 * engine turns it into a `PendingRequest` (without `Authorization`; text bodies only) when a
 * provider that must leave the page asks for `pendingRequests()`. Called lazily, only then.
 */
export type DescribeRequest = () => {
  headers: Iterable<[string, string]>
  body?: unknown
  /** The full URL when the adapter knows better than the matched URL (query parameters). */
  url?: string
}

/** What {@link CaeExchange.answer} needs besides the challenge. */
export interface AnswerOptions {
  /** The challenged response; attached (non-enumerable) to any error. */
  response: unknown
  /** The challenged request (adapter-specific); attached (non-enumerable) to any error. */
  request?: unknown
  /**
   * `false` when the body could not be kept: the challenge is still answered (so the next request
   * carries a good token), then the call rejects with `BodyNotReplayableError`.
   * @default true
   */
  replayable?: boolean
  /** Describes this request for `TokenRequest.pendingRequests`. */
  describe?: DescribeRequest | undefined
}

/** One protected request going through the engine. Create it with {@link CaeEngine.begin}. */
export interface CaeExchange {
  /** Scopes of the resource this request belongs to. */
  readonly scopes: readonly string[]
  /**
   * The `Authorization` value for the first send: the cached token, or one acquired now
   * (single-flighted per partition and scopes). Synchronous when a fresh token is cached.
   * Rejects with `TokenAcquisitionError` (`ERR_CAE_TOKEN_ACQUISITION_FAILED`), the provider's own
   * `CaeError` unchanged, `CaeOptionsError` (`ERR_CAE_INVALID_OPTIONS`) when `partitionKey` threw
   * or returned no string, or the signal's reason when aborted.
   */
  authorize(describe?: DescribeRequest): string | Promise<string>
  /**
   * The challenge to answer in `response`, or `undefined` (pass the response through). Never
   * throws. `finalUrl` is the URL the response came from after redirects: a challenge from outside
   * the resource is never answered.
   */
  detect(response: ResponseLike, finalUrl?: string): DetectedChallenge | undefined
  /**
   * Answers a challenge and returns the `Authorization` value for the one replay. Concurrent
   * challenges with the same partition, scopes and claims share one provider call; a request that was sent
   * with an older token than the one now held for the same challenge gets the current token
   * without a provider call, while that token is fresh (not due for refresh). Call it at most once per request: the replay is never answered again.
   * Rejects like {@link CaeExchange.authorize}, or with `BodyNotReplayableError`
   * (`ERR_CAE_BODY_NOT_REPLAYABLE`) when `replayable` is `false`.
   */
  answer(challenge: DetectedChallenge, options: AnswerOptions): Promise<string>
  /** Tells whether `url` (e.g. a redirect target) lies inside this request's resource. */
  covers(url: string): boolean
  /**
   * `true` when a same-origin URL can lie outside this request's resource (it has a path prefix,
   * or another resource shares its origin). fetch drops `Authorization` only on cross-origin
   * redirects: an adapter must then check each redirect hop with {@link CaeExchange.covers}.
   */
  readonly guardsRedirects: boolean
  /** Reports that the replay was challenged again (emits `challenge-unsatisfied`). */
  unsatisfied(challenge: DetectedChallenge, response: { status: number }): void
}

/** The engine behind `createCaeFetch` and `attachCae`; for authors of other adapters. */
export interface CaeEngine {
  /**
   * Starts an exchange for a request, or returns `undefined` when its URL lies in no configured
   * resource: such a request must be passed through untouched (no token, no challenge handling).
   * This check runs before any token is looked up. A protected request's `partitionKey` (if set)
   * is called here, once, in the caller's context.
   */
  begin(request: {
    url: string | URL
    method?: string | undefined
    signal?: AbortSignal | null | undefined
  }): CaeExchange | undefined
  /**
   * Prepares a protected request's body for a first send and a possible replay, with the engine's
   * `maxReplayBodyBytes`. Call it before the first send, and only for protected requests: a stream
   * is read into memory up to the limit (then sent as bytes), a larger one is passed on as a stream
   * marked not replayable. What fetch snapshots when called is snapshot synchronously, within
   * this call: a buffer or view is copied, `URLSearchParams` become their text (with
   * `defaultContentType`), a `FormData` over the limit is copied. Strings and `Blob`s come back as
   * they are.
   *
   * @param body - The request body.
   * @param signal - The request's signal: when it is aborted already, or aborts while a stream is
   *   read, the stream is cancelled and the promise rejects with `signal.reason`.
   * @returns The body to send (twice, when `replayable`). Rejects with `signal.reason` on abort, or
   *   a `TypeError` when a stream yields something that is neither bytes nor text.
   */
  prepareBody(body: unknown, signal?: AbortSignal | null): Promise<ReplayableBody>
  /** The validated `maxReplayBodyBytes` (default 1 MiB). */
  readonly maxReplayBodyBytes: number
}

/**
 * Creates the engine: validates the options once and holds the token cache and the single-flight
 * group that every request of this engine shares.
 *
 * @param options - See {@link CaeOptions}.
 * @returns The engine; call `begin()` per request.
 * @throws CaeOptionsError (`ERR_CAE_INVALID_OPTIONS`) for a missing provider, bad resource URLs,
 *   empty scopes or a `partitionKey` that is not a function.
 * @example
 * ```ts
 * const engine = createCaeEngine({ tokenProvider, resources: [{ url: api, scopes }] })
 * const exchange = engine.begin({ url, method: 'GET' })
 * if (exchange) headers.set('authorization', await exchange.authorize())
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/app-resilience-continuous-access-evaluation
 */
export function createCaeEngine(options: CaeOptions): CaeEngine {
  const resolved = resolveOptions(options)
  const { resources, maxReplayBodyBytes } = resolved
  const Exchange = createExchangeClass(resolved)
  return {
    maxReplayBodyBytes,
    prepareBody: (body, signal) => prepareReplayableBody(body, maxReplayBodyBytes, signal),
    begin({ url, method, signal }) {
      const resource = findResource(resources, url)
      return (
        resource &&
        new Exchange(
          resource,
          typeof url === 'string' ? url : url.href,
          (method ?? 'GET').toUpperCase(),
          signal ?? undefined,
        )
      )
    },
  }
}
