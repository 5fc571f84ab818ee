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
export const DEFAULT_MAX_REPLAY_BODY_BYTES = 1024 * 1024

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
  if (typeof options !== 'object' || options === null) {
    throw new CaeOptionsError('options must be an object with "tokenProvider" and "resources"')
  }
  const { tokenProvider, strict, onEvent, logger, maxReplayBodyBytes } = options
  if (
    typeof tokenProvider !== 'object' ||
    tokenProvider === null ||
    typeof tokenProvider.getToken !== 'function'
  ) {
    throw new CaeOptionsError('"tokenProvider" must be an object with a getToken() method')
  }
  if (strict !== undefined && typeof strict !== 'boolean') {
    throw new CaeOptionsError('"strict" must be a boolean')
  }
  if (onEvent !== undefined && typeof onEvent !== 'function') {
    throw new CaeOptionsError('"onEvent" must be a function')
  }
  if (logger !== undefined && (typeof logger !== 'object' || logger === null)) {
    throw new CaeOptionsError('"logger" must be a console-like object')
  }
  if (
    maxReplayBodyBytes !== undefined &&
    (!Number.isSafeInteger(maxReplayBodyBytes) || maxReplayBodyBytes < 0)
  ) {
    throw new CaeOptionsError('"maxReplayBodyBytes" must be a non-negative integer')
  }
  return {
    tokenProvider,
    resources: resolveResources(options.resources),
    strict: strict ?? false,
    onEvent,
    logger,
    maxReplayBodyBytes: maxReplayBodyBytes ?? DEFAULT_MAX_REPLAY_BODY_BYTES,
  }
}
