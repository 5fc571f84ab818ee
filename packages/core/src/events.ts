/**
 * Events the engine reports through `onEvent`: one plain object per event, discriminated by `type`.
 *
 * @module
 */

import type { CaeError } from './errors'
import type { StepUpRequest } from './provider'

/** What every event carries: the request, the resource's scopes, the challenge and timing. */
export interface CaeEventBase {
  /** The request URL, as sent. */
  url: string
  /** The request method, upper case. */
  method: string
  /** Scopes of the resource the request belongs to. */
  scopes: readonly string[]
  /** Decoded claims (JSON text) of the challenge involved, if any. */
  claims?: string | undefined
  /** RFC 9470 step-up requirements of the challenge involved, if any. */
  stepUp?: StepUpRequest | undefined
  /** When the event happened, epoch milliseconds. */
  at: number
  /** How long the step the event closes took, in milliseconds (see each event). */
  durationMs: number
}

/**
 * A protected request was answered with a claims or step-up challenge. `durationMs` is the time
 * from the request starting to the challenge arriving.
 */
export interface ChallengeEvent extends CaeEventBase {
  type: 'challenge'
  /** HTTP status of the challenge (401). */
  status: number
  /** The challenge's `error`, e.g. `insufficient_claims` or `insufficient_user_authentication`. */
  error: string
}

/**
 * The token provider returned a token. `durationMs` is the provider call. `url` and `method` are
 * those of the request that started the call (concurrent requests share it).
 */
export interface TokenAcquiredEvent extends CaeEventBase {
  type: 'token'
  /** `initial`: no token yet; `expired`: refresh before expiry; `challenge`: answering one. */
  reason: 'initial' | 'expired' | 'challenge'
  /** The token's `expiresOn` (epoch ms), when the provider gave one. Never the token itself. */
  expiresOn?: number | undefined
}

/**
 * A challenged request is being sent again with a new token. `durationMs` is the time spent
 * answering the challenge (waiting for the token).
 */
export interface ReplayEvent extends CaeEventBase {
  type: 'replay'
  /**
   * `true` when the request was challenged because it was sent with an older token, and is replayed
   * with the token another request already obtained for the same challenge (no provider call).
   */
  reused: boolean
}

/**
 * The replay was challenged again; cae-kit stops there (never a loop). `durationMs` is the time
 * from the original request starting.
 */
export interface ChallengeUnsatisfiedEvent extends CaeEventBase {
  type: 'challenge-unsatisfied'
  /** HTTP status of the second challenge. */
  status: number
}

/**
 * A protected request failed with a cae-kit error (token acquisition, body not replayable,
 * interaction required). `durationMs` is the time from the request starting.
 */
export interface FailureEvent extends CaeEventBase {
  type: 'error'
  /** The error the request rejects with. */
  error: CaeError
}

/**
 * A protected request carried the caller's own `Authorization` and was sent untouched, without
 * token or challenge handling (the per-request opt-out). An empty credential (`Bearer ` with
 * nothing after it) is no opt-out and is not reported. `durationMs` is 0.
 */
export interface OptOutEvent extends CaeEventBase {
  type: 'opt-out'
}

/** Any engine event; switch on `event.type`. */
export type CaeEvent =
  | ChallengeEvent
  | TokenAcquiredEvent
  | ReplayEvent
  | ChallengeUnsatisfiedEvent
  | FailureEvent
  | OptOutEvent
