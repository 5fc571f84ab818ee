/**
 * Options shared by `createCaeFetch`, `createCaeEngine` and the adapters, validated at setup.
 *
 * @module
 */

import { CaeOptionsError } from './errors'
import type { CaeEvent } from './events'
import { type CaeResource, type ResolvedResource, resolveResources } from './internal/resources'
import type { TokenProvider } from './provider'

export type { CaeResource } from './internal/resources'

/**
 * A console-like logger. Every method is optional. cae-kit never passes a token or an
 * `Authorization` header to it; URLs are logged without their query string.
 */
export interface CaeLogger {
  debug?: (message: string) => void
  info?: (message: string) => void
  warn?: (message: string) => void
  error?: (message: string) => void
}

/** Default of {@link CaeOptions.maxReplayBodyBytes}: 1 MiB. */
export const DEFAULT_MAX_REPLAY_BODY_BYTES = 1_048_576 // a literal, which bundlers can drop

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
}

/** Options after validation, with defaults applied. */
export interface ResolvedOptions {
  readonly tokenProvider: TokenProvider
  readonly resources: readonly ResolvedResource[]
  readonly strict: boolean
  readonly onEvent: ((event: CaeEvent) => void) | undefined
  readonly logger: CaeLogger | undefined
  readonly maxReplayBodyBytes: number
}

/**
 * Validates `options` once, at setup.
 *
 * @throws CaeOptionsError (`ERR_CAE_INVALID_OPTIONS`) naming the first wrong option.
 */
export function resolveOptions(options: CaeOptions): ResolvedOptions {
  const { tokenProvider, resources, strict, onEvent, logger, maxReplayBodyBytes } = options ?? {}
  const fail = (name: string, what: string) => {
    throw new CaeOptionsError(`"${name}" must be ${what}`)
  }
  if (typeof tokenProvider?.getToken !== 'function') {
    fail('tokenProvider', 'an object with a getToken() method')
  }
  // Optional options: absent, or of the one type they take.
  for (const [name, value, type] of [
    ['strict', strict, 'boolean'],
    ['onEvent', onEvent, 'function'],
    ['logger', logger, 'object'],
  ] as const) {
    if (value !== undefined && (typeof value !== type || value === null))
      fail(name, `of type ${type}`)
  }
  if (
    maxReplayBodyBytes !== undefined &&
    !(Number.isSafeInteger(maxReplayBodyBytes) && maxReplayBodyBytes >= 0)
  ) {
    fail('maxReplayBodyBytes', 'a non-negative integer')
  }
  return {
    tokenProvider,
    resources: resolveResources(resources),
    strict: !!strict,
    onEvent,
    logger,
    maxReplayBodyBytes: maxReplayBodyBytes ?? DEFAULT_MAX_REPLAY_BODY_BYTES,
  }
}
