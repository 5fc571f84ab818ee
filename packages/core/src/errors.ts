/**
 * Errors thrown or rejected by cae-kit. Every one extends {@link CaeError} and carries a stable
 * `code`: branch on `err.code` (or use {@link isCaeError}), never on message text.
 *
 * @module
 */

/**
 * Every code a cae-kit error can carry. A released code never changes meaning.
 *
 * - `ERR_CAE_CLAIMS_INVALID`: a `claims` value is not base64/base64url of a JSON object.
 * - `ERR_CAE_TOKEN_ACQUISITION_FAILED`: the token provider rejected; `cause` is its error.
 * - `ERR_CAE_CHALLENGE_AFTER_REPLAY`: the replayed request was challenged again.
 * - `ERR_CAE_BODY_NOT_REPLAYABLE`: the request body could not be kept for a replay.
 * - `ERR_CAE_INTERACTION_REQUIRED`: the claims need a user and interaction is not possible.
 * - `ERR_CAE_INTERACTION_CANCELLED`: the user closed the sign-in window.
 * - `ERR_CAE_POPUP_BLOCKED`: the browser blocked the sign-in popup.
 * - `ERR_CAE_ACCESS_BLOCKED`: the account or application may not get a token at all.
 * - `ERR_CAE_CAPABILITY_MISSING`: the client application does not declare `CP1`.
 * - `ERR_CAE_INVALID_OPTIONS`: options given to a cae-kit factory are wrong.
 */
export type CaeErrorCode =
  | 'ERR_CAE_CLAIMS_INVALID'
  | 'ERR_CAE_TOKEN_ACQUISITION_FAILED'
  | 'ERR_CAE_CHALLENGE_AFTER_REPLAY'
  | 'ERR_CAE_BODY_NOT_REPLAYABLE'
  | 'ERR_CAE_INTERACTION_REQUIRED'
  | 'ERR_CAE_INTERACTION_CANCELLED'
  | 'ERR_CAE_POPUP_BLOCKED'
  | 'ERR_CAE_ACCESS_BLOCKED'
  | 'ERR_CAE_CAPABILITY_MISSING'
  | 'ERR_CAE_INVALID_OPTIONS'

/** What a {@link CaeError} may carry besides its message. */
export interface CaeErrorOptions {
  /** The underlying error, when there is one. */
  cause?: unknown
  /** The decoded claims (JSON text) of the challenge being answered. */
  claims?: string | undefined
  /** The scopes the token was requested for. */
  scopes?: readonly string[] | undefined
  /** The request that was challenged. Non-enumerable, so logging the error never prints it. */
  request?: unknown
  /** The response that carried the challenge. Non-enumerable, so logging never prints it. */
  response?: unknown
}

/**
 * Base class of every error cae-kit throws or rejects with.
 *
 * `request` and `response` are non-enumerable: `console.log(err)` and `JSON.stringify(err)` never
 * print an `Authorization` header. Messages are lowercase and never contain a token.
 *
 * @example
 * ```ts
 * try { await caeFetch(url) } catch (err) {
 *   if (isCaeError(err) && err.code === 'ERR_CAE_INTERACTION_REQUIRED') showSignInButton()
 * }
 * ```
 */
export class CaeError extends Error {
  // Fields are `declare`d and assigned in the constructor: a class field would be emitted as a
  // field definition too, which costs bytes in every bundle and changes nothing.
  /** Stable machine-readable code; see {@link CaeErrorCode}. */
  declare readonly code: CaeErrorCode
  /** Decoded claims (JSON text) of the challenge involved, if any. */
  declare readonly claims: string | undefined
  /** Scopes of the token involved, if any. */
  declare readonly scopes: readonly string[] | undefined
  /** The challenged request (fetch `Request`, axios config, or a descriptor). Non-enumerable. */
  declare readonly request: unknown
  /** The response carrying the challenge (fetch `Response` or axios response). Non-enumerable. */
  declare readonly response: unknown

  constructor(code: CaeErrorCode, message: string, options: CaeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    // new.target.name is the class name as written, until a minifier renames the class: cae-kit's
    // own classes therefore name themselves; a subclass of yours keeps its own name.
    this.name = new.target === CaeError ? 'CaeError' : new.target.name
    this.code = code
    this.claims = options.claims
    this.scopes = options.scopes
    // Non-enumerable (the default of defineProperties): logging never prints them.
    Object.defineProperties(this, {
      request: { value: options.request },
      response: { value: options.response },
    })
    ;(Error as { captureStackTrace?: (target: object, ctor: unknown) => void }).captureStackTrace?.(
      this,
      new.target,
    )
  }
}

/** A `claims` value is not base64 or base64url of a JSON object (code `ERR_CAE_CLAIMS_INVALID`). */
export class ClaimsDecodeError extends CaeError {
  constructor(message: string, options?: CaeErrorOptions) {
    super('ERR_CAE_CLAIMS_INVALID', message, options)
    this.name = 'ClaimsDecodeError'
  }
}

/**
 * The token provider failed to produce a token for a challenge (code
 * `ERR_CAE_TOKEN_ACQUISITION_FAILED`). `cause` is the provider's own error; `claims`, `scopes` and
 * `response` say what was being answered. Failures are never cached: the next request tries again.
 */
export class TokenAcquisitionError extends CaeError {
  constructor(message: string, options?: CaeErrorOptions) {
    super('ERR_CAE_TOKEN_ACQUISITION_FAILED', message, options)
    this.name = 'TokenAcquisitionError'
  }
}

/**
 * The request body cannot be replayed (code `ERR_CAE_BODY_NOT_REPLAYABLE`): a stream larger than
 * `maxReplayBodyBytes`, or a body that was already consumed. `response` is the 401 that asked for it.
 */
export class BodyNotReplayableError extends CaeError {
  constructor(message: string, options?: CaeErrorOptions) {
    super('ERR_CAE_BODY_NOT_REPLAYABLE', message, options)
    this.name = 'BodyNotReplayableError'
  }
}

/**
 * The claims can only be satisfied by a user and no interaction is possible here (code
 * `ERR_CAE_INTERACTION_REQUIRED`), or the interactive attempt failed (`ERR_CAE_POPUP_BLOCKED`,
 * `ERR_CAE_INTERACTION_CANCELLED`), or access is blocked outright (`ERR_CAE_ACCESS_BLOCKED`).
 * Not retryable without a user action; `claims` carries what must be satisfied.
 */
export class InteractionRequiredError extends CaeError {
  constructor(
    code: Extract<
      CaeErrorCode,
      | 'ERR_CAE_INTERACTION_REQUIRED'
      | 'ERR_CAE_INTERACTION_CANCELLED'
      | 'ERR_CAE_POPUP_BLOCKED'
      | 'ERR_CAE_ACCESS_BLOCKED'
    >,
    message: string,
    options?: CaeErrorOptions,
  ) {
    super(code, message, options)
    this.name = 'InteractionRequiredError'
  }
}

/** Options given to a cae-kit factory are wrong (code `ERR_CAE_INVALID_OPTIONS`); thrown at setup. */
export class CaeOptionsError extends CaeError {
  constructor(message: string, options?: CaeErrorOptions) {
    super('ERR_CAE_INVALID_OPTIONS', message, options)
    this.name = 'CaeOptionsError'
  }
}

/**
 * Tells whether `value` is a cae-kit error, also across bundles or realms where `instanceof` fails
 * (an SPA that bundles `@cae-kit/core` twice).
 *
 * @example
 * ```ts
 * if (isCaeError(err)) console.warn(err.code, err.claims)
 * ```
 */
export function isCaeError(value: unknown): value is CaeError {
  if (value instanceof CaeError) return true
  if (typeof value !== 'object' || value === null) return false
  const code = (value as { code?: unknown }).code
  return value instanceof Error && typeof code === 'string' && code.startsWith('ERR_CAE_')
}
