/**
 * Options shared by `createCaeFetch`, `createCaeEngine` and the adapters, validated at setup.
 *
 * @module
 */

import type { CaeEvent } from './events'
import { invalidOption } from './internal/invalid-option'
import { type CaeResource, type ResolvedResource, resolveResources } from './internal/resources'
import type { TokenProvider } from './provider'
import type { CaeCoordinator } from './types'

export type { CaeResource } from './internal/resources'

/**
 * A console-like logger. Every method is optional. cae-kit never passes a token or an
 * `Authorization` header to it; URLs are logged without their query string.
 */
export interface CaeLogger {
  /** Diagnostics, e.g. a challenge from outside the configured resources (ignored). */
  debug?: (message: string) => void
  /** Not called by cae-kit today; part of the shape so that `console` can be passed as is. */
  info?: (message: string) => void
  /** Something the app should fix: a provider returning an expired token, a throwing listener. */
  warn?: (message: string) => void
  /** Not called by cae-kit today; part of the shape so that `console` can be passed as is. */
  error?: (message: string) => void
}

/** Default of {@link CaeOptions.maxReplayBodyBytes}: 1 MiB. */
export const DEFAULT_MAX_REPLAY_BODY_BYTES = 1_048_576 // a literal, which bundlers can drop

/** Default of {@link CaeOptions.acquisitionTimeoutMs}: 60 s. */
export const DEFAULT_ACQUISITION_TIMEOUT_MS = 60_000

/** How cae-kit protects requests: which resources, which token provider, what to report. */
export interface CaeOptions {
  /** Produces tokens, with claims when answering a challenge (`fromMsalNode`, `fromMsalBrowser`, ...). */
  tokenProvider: TokenProvider
  /**
   * Protected resources. A request whose URL lies in none of them is passed through untouched: no
   * token, no challenge handling. The most specific (longest path) resource wins.
   */
  resources: CaeResource[]
  /**
   * Answer only `error="insufficient_claims"` claims challenges (Entra CAE), not other errors that
   * happen to carry `claims`.
   * @default false
   */
  strict?: boolean
  /** Receives every {@link CaeEvent}. A listener that throws never breaks the request. */
  onEvent?: (event: CaeEvent) => void
  /** Console-like logger for diagnostics; never receives tokens. */
  logger?: CaeLogger
  /**
   * Largest streamed request body (`ReadableStream`, Node stream) kept in memory for a replay.
   * A larger stream is sent as a stream and, if challenged, fails with `BodyNotReplayableError`.
   * Bodies that are not streams (strings, JSON, `Blob`, `FormData`, buffers) are always replayable.
   * @default 1048576 (1 MiB)
   */
  maxReplayBodyBytes?: number
  /**
   * Whose token a request needs, for a client shared by several users (a middle tier with the
   * `onBehalfOf` flow, a web app with the `silent` flow and an account per request). Called once
   * per protected request, synchronously, with its URL and upper-case method; requests with
   * different keys never share a cached token, a token request (single flight) or a stale-token
   * replay. Read the caller from the request context (`AsyncLocalStorage`), like the provider does.
   *
   * When it throws or returns something other than a string, that request rejects with
   * `CaeOptionsError` (`ERR_CAE_INVALID_OPTIONS`, `cause`: what it threw) before any token is
   * sent or requested. Tokens are kept per key until replaced; once there are many keys, those of
   * expired tokens are dropped (memory follows the number of keys holding a live token).
   * Required when the provider is `callerScoped` (e.g. `fromMsalNode` on behalf of an `assertion`
   * function): setup throws `CaeOptionsError` without it.
   * @default undefined (one partition: every request of the client shares its tokens)
   * @example
   * ```ts
   * const callers = new AsyncLocalStorage<{ userId: string; assertion: string }>()
   * const caller = () => {
   *   const store = callers.getStore()
   *   if (!store) throw new Error('called outside an incoming request')
   *   return store
   * }
   * const downstream = createCaeFetch({
   *   tokenProvider: fromMsalNode(cca, { flow: 'onBehalfOf', assertion: () => caller().assertion }),
   *   resources: [graph],
   *   partitionKey: () => caller().userId,
   * })
   * // per incoming request: callers.run({ userId, assertion }, () => handle(req))
   * ```
   */
  partitionKey?: (request: { url: string; method: string }) => string
  /**
   * The longest a token acquisition (the provider call, or the coordinator's) may take, in
   * milliseconds. Past it the provider's signal is aborted, every request waiting for it rejects
   * with `TokenAcquisitionError` (`ERR_CAE_TOKEN_ACQUISITION_FAILED`, `cause`: a `TimeoutError`)
   * and the next request starts a fresh acquisition. While an interactive prompt is open (the
   * provider called `TokenRequest.interactionStarted`), the bound is suspended; it starts again
   * in full when the prompt closes.
   * @default 60000
   */
  acquisitionTimeoutMs?: number
  /**
   * Makes every token acquisition's decision fleet-wide (one process asks Entra, the others take
   * its token). See {@link CaeCoordinator}; `@cae-kit/redis` implements it on Redis.
   * @default undefined (acquisitions are single-flighted in this process only)
   */
  coordinator?: CaeCoordinator
}

/** Options after validation, with defaults applied. */
export interface ResolvedOptions {
  readonly tokenProvider: TokenProvider
  readonly resources: readonly ResolvedResource[]
  readonly strict: boolean
  readonly onEvent: ((event: CaeEvent) => void) | undefined
  readonly logger: CaeLogger | undefined
  readonly maxReplayBodyBytes: number
  readonly partitionKey: CaeOptions['partitionKey']
  readonly acquisitionTimeoutMs: number
  readonly coordinator: CaeCoordinator | undefined
}

/** The optional options that take one type: absent, or of that type (`null` is no object). */
const TYPES = {
  strict: 'boolean',
  onEvent: 'function',
  logger: 'object',
  partitionKey: 'function',
} as const

/** The integer options: absent, or a safe integer at least this. */
const INTEGER_MINIMUMS = { maxReplayBodyBytes: 0, acquisitionTimeoutMs: 1 } as const

/**
 * Validates `options` once, at setup. The result holds the values that were checked, with
 * defaults applied, read once: an option on the prototype (a class method, `Object.create`) counts
 * as much as an own one. Other options (such as `createCaeFetch`'s `fetch`) are the caller's to read.
 *
 * @throws CaeOptionsError (`ERR_CAE_INVALID_OPTIONS`) naming the first wrong option.
 */
export function resolveOptions(options: CaeOptions): ResolvedOptions {
  const {
    tokenProvider,
    resources,
    strict,
    onEvent,
    logger,
    partitionKey,
    maxReplayBodyBytes,
    acquisitionTimeoutMs,
    coordinator,
  } = options ?? {}
  if (typeof tokenProvider?.getToken !== 'function') {
    invalidOption('tokenProvider', 'an object with getToken()')
  }
  const typed = { strict, onEvent, logger, partitionKey }
  for (const [name, type] of Object.entries(TYPES)) {
    const value = typed[name as keyof typeof TYPES]
    if (value !== undefined && (typeof value !== type || value === null)) {
      invalidOption(name, `of type ${type}`)
    }
  }
  const integers = { maxReplayBodyBytes, acquisitionTimeoutMs }
  for (const [name, minimum] of Object.entries(INTEGER_MINIMUMS)) {
    const value = integers[name as keyof typeof INTEGER_MINIMUMS]
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= minimum)) {
      invalidOption(name, `an integer >= ${minimum}`)
    }
  }
  if (tokenProvider.callerScoped === true && partitionKey === undefined) {
    invalidOption('partitionKey', 'set for a callerScoped tokenProvider')
  }
  if (coordinator !== undefined && typeof coordinator?.acquire !== 'function') {
    invalidOption('coordinator', 'an object with acquire()')
  }
  return {
    tokenProvider,
    resources: resolveResources(resources),
    strict: !!strict,
    onEvent,
    logger,
    maxReplayBodyBytes: maxReplayBodyBytes ?? DEFAULT_MAX_REPLAY_BODY_BYTES,
    partitionKey,
    acquisitionTimeoutMs: acquisitionTimeoutMs ?? DEFAULT_ACQUISITION_TIMEOUT_MS,
    coordinator,
  }
}
