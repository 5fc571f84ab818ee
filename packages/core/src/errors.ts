/**
 * Errors thrown or rejected by cae-kit. One class per outcome, each with one stable `code` (the
 * setup error {@link CaeOptionsError} has two); {@link AnyCaeError} is their union, so
 * `switch (err.code)` narrows to the class. Branch on `code` (or use {@link isCaeError}), never on
 * message text.
 *
 * @module
 */

/**
 * Every code a thrown or rejected cae-kit error can carry. A released code never changes meaning.
 *
 * - `ERR_CAE_CLAIMS_INVALID` ({@link ClaimsDecodeError}): a `claims` value is not base64/base64url
 *   of a JSON object, or decoded claims are not a JSON object.
 * - `ERR_CAE_TOKEN_ACQUISITION_FAILED` ({@link TokenAcquisitionError}): the token provider failed;
 *   `cause` is its error.
 * - `ERR_CAE_BODY_NOT_REPLAYABLE` ({@link BodyNotReplayableError}): the request body could not be
 *   kept for a replay.
 * - `ERR_CAE_INTERACTION_REQUIRED` ({@link InteractionRequiredError}): a user must sign in and
 *   interaction is not possible here.
 * - `ERR_CAE_INTERACTION_CANCELLED` ({@link InteractionCancelledError}): the user closed the
 *   sign-in window.
 * - `ERR_CAE_POPUP_BLOCKED` ({@link PopupBlockedError}): the browser blocked the sign-in popup.
 * - `ERR_CAE_ACCESS_BLOCKED` ({@link AccessBlockedError}): the account or application may not get a
 *   token at all; no sign-in helps.
 * - `ERR_CAE_INVALID_OPTIONS` ({@link CaeOptionsError}): an option or argument is wrong.
 * - `ERR_CAE_CAPABILITY_MISSING` ({@link CaeOptionsError}): the client application does not
 *   declare `CP1`, and the adapter was told to require it.
 *
 * A replay that is challenged again is no error: it is reported with
 * {@link CaeUnsatisfiedCode} (the `challenge-unsatisfied` event, axios' `error.caeKit.code`).
 */
export type CaeErrorCode =
  | 'ERR_CAE_CLAIMS_INVALID'
  | 'ERR_CAE_TOKEN_ACQUISITION_FAILED'
  | 'ERR_CAE_BODY_NOT_REPLAYABLE'
  | 'ERR_CAE_INTERACTION_REQUIRED'
  | 'ERR_CAE_INTERACTION_CANCELLED'
  | 'ERR_CAE_POPUP_BLOCKED'
  | 'ERR_CAE_ACCESS_BLOCKED'
  | 'ERR_CAE_INVALID_OPTIONS'
  | 'ERR_CAE_CAPABILITY_MISSING'

/**
 * The code of an unsatisfied report, never of a thrown error: the replayed request was challenged
 * again. `createCaeFetch` resolves with that second 401 and emits `challenge-unsatisfied`;
 * `@cae-kit/axios` rejects with axios' own error, whose `caeKit.code` is this code.
 */
export type CaeUnsatisfiedCode = 'ERR_CAE_CHALLENGE_AFTER_REPLAY'

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

/** Options of {@link CaeOptionsError}: those of every error, and which of its two codes. */
export interface CaeOptionsErrorOptions extends CaeErrorOptions {
  /**
   * `ERR_CAE_CAPABILITY_MISSING` when the wrong setup is a client application without `CP1`.
   *
   * @default 'ERR_CAE_INVALID_OPTIONS'
   */
  code?: 'ERR_CAE_INVALID_OPTIONS' | 'ERR_CAE_CAPABILITY_MISSING' | undefined
}

/**
 * Base class of every error cae-kit throws or rejects with: `instanceof CaeError` is the
 * catch-all, {@link AnyCaeError} the union to switch over. Build one from a code with
 * {@link createCaeError}.
 *
 * `request` and `response` are non-enumerable: `console.log(err)` and `JSON.stringify(err)` never
 * print an `Authorization` header. Messages are lowercase and never contain a token. Its `name`
 * is `'CaeError'`; a subclass sets its own, as a subclass of `Error` does.
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

  /**
   * @param code - The outcome; prefer the subclass of that code (or {@link createCaeError}).
   * @param message - Lowercase, names what failed, never contains a token.
   * @param options - Cause, claims, scopes, request and response.
   */
  constructor(code: CaeErrorCode, message: string, options: CaeErrorOptions = {}) {
    // Only a defined cause becomes the `cause` property (Error reads no other member of options).
    super(message, options.cause === undefined ? undefined : options)
    // Each subclass names itself after this, as subclasses of Error do: a class name read at run
    // time (new.target.name) would be the minifier's.
    this.name = 'CaeError'
    this.code = code
    this.claims = options.claims
    this.scopes = options.scopes
    // Non-enumerable (the default of defineProperty): logging never prints them.
    Object.defineProperty(this, 'request', { value: options.request })
    Object.defineProperty(this, 'response', { value: options.response })
  }
}

/**
 * A `claims` value is not base64 or base64url of a JSON object, or decoded claims given to an
 * adapter are not a JSON object (code `ERR_CAE_CLAIMS_INVALID`).
 */
export class ClaimsDecodeError extends CaeError {
  /** Always `ERR_CAE_CLAIMS_INVALID`. */
  declare readonly code: 'ERR_CAE_CLAIMS_INVALID'
  /** @param message - What is wrong. @param options - See {@link CaeErrorOptions}. */
  constructor(message: string, options?: CaeErrorOptions) {
    super('ERR_CAE_CLAIMS_INVALID', message, options)
    this.name = 'ClaimsDecodeError'
  }
}

/**
 * The token provider failed to produce a token (code `ERR_CAE_TOKEN_ACQUISITION_FAILED`). `cause`
 * is the provider's own error; `claims`, `scopes` and `response` say what was being answered.
 * Failures are never cached: the next request tries again.
 */
export class TokenAcquisitionError extends CaeError {
  /** Always `ERR_CAE_TOKEN_ACQUISITION_FAILED`. */
  declare readonly code: 'ERR_CAE_TOKEN_ACQUISITION_FAILED'
  /** @param message - What failed. @param options - See {@link CaeErrorOptions}. */
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
  /** Always `ERR_CAE_BODY_NOT_REPLAYABLE`. */
  declare readonly code: 'ERR_CAE_BODY_NOT_REPLAYABLE'
  /** @param message - Which request. @param options - See {@link CaeErrorOptions}. */
  constructor(message: string, options?: CaeErrorOptions) {
    super('ERR_CAE_BODY_NOT_REPLAYABLE', message, options)
    this.name = 'BodyNotReplayableError'
  }
}

/**
 * A user must sign in (again) and no interaction is possible here (code
 * `ERR_CAE_INTERACTION_REQUIRED`): a revoked session in a daemon or middle tier, `interaction:
 * 'none'` in a browser. `claims` carries what the sign-in must satisfy. Show a sign-in button, or
 * (middle tier) send the claims up as a challenge. A blocked account is an
 * {@link AccessBlockedError} instead: no sign-in lifts it.
 */
export class InteractionRequiredError extends CaeError {
  /** Always `ERR_CAE_INTERACTION_REQUIRED`. */
  declare readonly code: 'ERR_CAE_INTERACTION_REQUIRED'
  /** @param message - Why. @param options - See {@link CaeErrorOptions}. */
  constructor(message: string, options?: CaeErrorOptions) {
    super('ERR_CAE_INTERACTION_REQUIRED', message, options)
    this.name = 'InteractionRequiredError'
  }
}

/**
 * The user closed the sign-in window, or the app's `onInteraction` hook refused the prompt (code
 * `ERR_CAE_INTERACTION_CANCELLED`). Let the user retry.
 */
export class InteractionCancelledError extends CaeError {
  /** Always `ERR_CAE_INTERACTION_CANCELLED`. */
  declare readonly code: 'ERR_CAE_INTERACTION_CANCELLED'
  /** @param message - Why. @param options - See {@link CaeErrorOptions}. */
  constructor(message: string, options?: CaeErrorOptions) {
    super('ERR_CAE_INTERACTION_CANCELLED', message, options)
    this.name = 'InteractionCancelledError'
  }
}

/**
 * The browser blocked the sign-in popup (code `ERR_CAE_POPUP_BLOCKED`). Retry from a click
 * handler, or use a redirect.
 */
export class PopupBlockedError extends CaeError {
  /** Always `ERR_CAE_POPUP_BLOCKED`. */
  declare readonly code: 'ERR_CAE_POPUP_BLOCKED'
  /** @param message - Why. @param options - See {@link CaeErrorOptions}. */
  constructor(message: string, options?: CaeErrorOptions) {
    super('ERR_CAE_POPUP_BLOCKED', message, options)
    this.name = 'PopupBlockedError'
  }
}

/**
 * The account or application may not get a token at all (code `ERR_CAE_ACCESS_BLOCKED`): a
 * disabled, deleted or locked user, a user not assigned to the application, a disabled service
 * principal, a Conditional Access block. Neither a retry nor a sign-in with the same identity
 * helps: sign the user out or stop the daemon; an administrator must act. The engine remembers it
 * for 10 s (same partition, scopes and claims): requests in that time reject with the same error
 * without a new token request.
 */
export class AccessBlockedError extends CaeError {
  /** Always `ERR_CAE_ACCESS_BLOCKED`. */
  declare readonly code: 'ERR_CAE_ACCESS_BLOCKED'
  /** @param message - Why. @param options - See {@link CaeErrorOptions}. */
  constructor(message: string, options?: CaeErrorOptions) {
    super('ERR_CAE_ACCESS_BLOCKED', message, options)
    this.name = 'AccessBlockedError'
  }
}

/**
 * An option or argument given to cae-kit is wrong (code `ERR_CAE_INVALID_OPTIONS`), or the client
 * application lacks the `CP1` capability an adapter was told to require (code
 * `ERR_CAE_CAPABILITY_MISSING`). Thrown at setup by factories; a per-request option that fails
 * (`partitionKey`) rejects that request with it.
 */
export class CaeOptionsError extends CaeError {
  /** `ERR_CAE_INVALID_OPTIONS`, or `ERR_CAE_CAPABILITY_MISSING` for a missing `CP1`. */
  declare readonly code: 'ERR_CAE_INVALID_OPTIONS' | 'ERR_CAE_CAPABILITY_MISSING'
  /** @param message - Names the option. @param options - Code, cause; see {@link CaeOptionsErrorOptions}. */
  constructor(message: string, options?: CaeOptionsErrorOptions) {
    super(options?.code ?? 'ERR_CAE_INVALID_OPTIONS', message, options)
    this.name = 'CaeOptionsError'
  }
}

/**
 * Every error class cae-kit throws, discriminated by `code`: after {@link isCaeError},
 * `switch (err.code)` narrows to the class.
 *
 * @example
 * ```ts
 * function explain(err: AnyCaeError): string {
 *   switch (err.code) {
 *     case 'ERR_CAE_ACCESS_BLOCKED': return 'access blocked: ask an administrator' // AccessBlockedError
 *     case 'ERR_CAE_INTERACTION_REQUIRED': return 'please sign in again'
 *     default: return err.message
 *   }
 * }
 * ```
 */
export type AnyCaeError =
  | ClaimsDecodeError
  | TokenAcquisitionError
  | BodyNotReplayableError
  | InteractionRequiredError
  | InteractionCancelledError
  | PopupBlockedError
  | AccessBlockedError
  | CaeOptionsError

/** The error class {@link createCaeError} returns for a code. */
export type CaeErrorOf<C extends CaeErrorCode> = Extract<AnyCaeError, { code: C }>

type ErrorClass = new (message: string, options?: CaeErrorOptions) => AnyCaeError

// Null prototype: a code read from Redis or another tab such as "constructor" finds nothing.
const classes: Record<Exclude<CaeErrorCode, 'ERR_CAE_CAPABILITY_MISSING'>, ErrorClass> = {
  __proto__: null,
  ERR_CAE_CLAIMS_INVALID: ClaimsDecodeError,
  ERR_CAE_TOKEN_ACQUISITION_FAILED: TokenAcquisitionError,
  ERR_CAE_BODY_NOT_REPLAYABLE: BodyNotReplayableError,
  ERR_CAE_INTERACTION_REQUIRED: InteractionRequiredError,
  ERR_CAE_INTERACTION_CANCELLED: InteractionCancelledError,
  ERR_CAE_POPUP_BLOCKED: PopupBlockedError,
  ERR_CAE_ACCESS_BLOCKED: AccessBlockedError,
  ERR_CAE_INVALID_OPTIONS: CaeOptionsError,
} as Record<Exclude<CaeErrorCode, 'ERR_CAE_CAPABILITY_MISSING'>, ErrorClass>

/**
 * Builds the error of a code: an instance of that code's class (`ERR_CAE_CAPABILITY_MISSING` is a
 * {@link CaeOptionsError}), exactly as cae-kit would throw it. Use it to rebuild an error that
 * crossed a process or tab boundary (Redis, `BroadcastChannel`) as `{ code, message, claims }`,
 * or to throw a cae-kit outcome from your own token provider.
 *
 * @param code - One of {@link CaeErrorCode}; {@link CaeUnsatisfiedCode} is no error and is refused.
 * @param message - Lowercase, never a token.
 * @param options - Cause, claims, scopes, request and response.
 * @returns The error, e.g. an {@link AccessBlockedError} for `ERR_CAE_ACCESS_BLOCKED`.
 * @throws {@link CaeOptionsError} (`ERR_CAE_INVALID_OPTIONS`) when `code` is not a
 *   {@link CaeErrorCode}: check data you received with {@link isCaeErrorCode} first.
 * @example
 * ```ts
 * const shared = JSON.parse(await redis.get(key)) // { code, message, claims }
 * throw createCaeError(shared.code, shared.message, { claims: shared.claims })
 * ```
 */
export function createCaeError<C extends CaeErrorCode>(
  code: C,
  message: string,
  options?: CaeErrorOptions,
): CaeErrorOf<C> {
  if (code === 'ERR_CAE_CAPABILITY_MISSING') {
    return new CaeOptionsError(message, { ...options, code }) as CaeErrorOf<C>
  }
  const ErrorClass = isCaeErrorCode(code) ? classes[code as keyof typeof classes] : undefined
  if (!ErrorClass) {
    throw new CaeOptionsError(`"code" must be a cae-kit error code, got ${describe(code)}`)
  }
  return new ErrorClass(message, options) as CaeErrorOf<C>
}

/**
 * Tells whether `value` is one of the {@link CaeErrorCode}s: check a code received from another
 * process or tab before {@link createCaeError}.
 *
 * @example
 * ```ts
 * if (isCaeErrorCode(shared.code)) throw createCaeError(shared.code, shared.message)
 * ```
 */
export function isCaeErrorCode(value: unknown): value is CaeErrorCode {
  return (
    value === 'ERR_CAE_CAPABILITY_MISSING' ||
    (typeof value === 'string' && classes[value as keyof typeof classes] !== undefined)
  )
}

/** A short, safe rendering of a wrong code for a message (it may be anything read from a peer). */
function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 64)) : typeof value
}

/**
 * Tells whether `value` is a cae-kit error, also across bundles or realms where `instanceof` fails
 * (an SPA that bundles `@cae-kit/core` twice). Then `switch (value.code)` narrows its class.
 *
 * @example
 * ```ts
 * if (isCaeError(err)) console.warn(err.code, err.claims)
 * ```
 */
export function isCaeError(value: unknown): value is AnyCaeError {
  // Every CaeError is an Error with such a code: one test covers this bundle's and another's.
  const code = value instanceof Error && (value as { code?: unknown }).code
  return typeof code === 'string' && code.startsWith('ERR_CAE_')
}
