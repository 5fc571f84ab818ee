/**
 * Public shapes of the engine: the request lifecycle (`CaeEngine.execute`), the transport an
 * adapter supplies (`CaeTransport`), and the fleet coordinator hook (`CaeCoordinator`).
 *
 * @module
 */

import type { HeadersLike } from './headers'
import type { AccessToken, StepUpRequest } from './provider'

/** A request as {@link CaeEngine.execute} needs to know it. */
export interface CaeRequest {
  /** The URL the request goes to: it decides the resource (and so whether cae-kit acts at all). */
  url: string | URL
  /** HTTP method. @default 'GET' */
  method?: string | undefined
  /**
   * The request's signal: aborting it while the engine waits for a token rejects with its reason
   * (or what {@link CaeTransport.aborted} makes of it). The engine hands it to every `send`.
   */
  signal?: AbortSignal | null | undefined
  /**
   * The `Authorization` value the caller set on the request, if any. A real credential is the
   * caller's opt-out: the request is sent untouched and an `opt-out` event is reported. An empty
   * credential (`''`, or a scheme with nothing after it, like `Bearer `) is no opt-out: the engine
   * sets its own token in its place.
   */
  authorization?: string | null | undefined
  /**
   * The longest time this request waits for a token, in milliseconds (e.g. axios' `timeout`);
   * `0` or absent for no request-level limit (the engine's `acquisitionTimeoutMs` still bounds
   * the acquisition). Suspended while an interactive prompt is open. Past it the request rejects
   * with what {@link CaeTransport.timedOut} returns.
   */
  timeoutMs?: number | undefined
}

/**
 * A request body kept by the engine for a replay (see {@link CaeTransport.body}), as it must be
 * sent: the same value on the first send and on the replay.
 */
export interface KeptBody {
  /** What to send (a fetch `BodyInit`). */
  readonly body: unknown
  /** `true` when `body` is a stream (fetch then needs `duplex: 'half'`). */
  readonly streaming: boolean
  /** The `Content-Type` to send with `body` (a serialised form's multipart boundary). */
  readonly contentType?: string | undefined
  /** The `Content-Type` to send only when the request sets none (what were `URLSearchParams`). */
  readonly defaultContentType?: string | undefined
}

/** What each `send` of a protected request gets besides the `Authorization` value. */
export interface SendAttempt {
  /** `false` for the first send, `true` for the one replay after a challenge. */
  readonly replay: boolean
  /** The request's signal. */
  readonly signal: AbortSignal | undefined
  /** The body the engine kept (when the transport gave it one in `body`). */
  readonly body: KeptBody | undefined
  /**
   * Tells whether `url` (a redirect target) lies in this request's resource, the most specific
   * one for that URL: a hop to a URL it does not cover must not carry this request's token.
   */
  covers(url: string): boolean
  /**
   * `true` when a same-origin URL can lie outside this request's resource (it has a path prefix,
   * or another resource shares its origin): a client that keeps `Authorization` on same-origin
   * redirects must then check each hop with {@link SendAttempt.covers}.
   */
  readonly guardsRedirects: boolean
}

/**
 * What a request's replay being challenged again looks like (never answered a second time), or a
 * challenge the token the request carried had already answered and been refused for (see
 * {@link CaeTransport.unsatisfied}).
 */
export interface UnsatisfiedReplay<R> {
  /** Always `ERR_CAE_CHALLENGE_AFTER_REPLAY`. */
  readonly code: 'ERR_CAE_CHALLENGE_AFTER_REPLAY'
  /** Decoded claims (JSON text) of the challenge, for a claims challenge. */
  readonly claims: string | undefined
  /** Step-up requirements of the challenge, for an RFC 9470 challenge. */
  readonly stepUp: StepUpRequest | undefined
  /** Scopes of the resource. */
  readonly scopes: readonly string[]
  /** The challenged result (the second 401). */
  readonly result: R
  /** Set when that send rejected (axios rejects a 401): what it rejected with. */
  readonly rejection: { readonly reason: unknown } | undefined
}

/** A request described for `TokenRequest.pendingRequests` (see {@link CaeTransport.describe}). */
export interface RequestDescription {
  /** Headers as they will be sent (`Authorization` is dropped by the engine). */
  headers: Iterable<[string, string]>
  /** The body as it will be sent; stored only when it is text. */
  body?: unknown
  /** The full URL when the transport knows better than the request's URL (query parameters). */
  url?: string | undefined
}

/**
 * What an adapter supplies for one request so that {@link CaeEngine.execute} can run it: the
 * engine decides everything (resource, token, challenge, replay once); the transport only sends
 * and reads its client's results. `R` is the client's result (a fetch `Response`, an axios
 * response).
 *
 * Only `send`, `status` and `headers` are required. Methods are called with the transport as
 * `this`, so a class instance works as well as an object literal.
 *
 * @example
 * ```ts
 * const response = await engine.execute<Response>({ url, method: 'GET' }, {
 *   send: (authorization) =>
 *     fetch(url, authorization === undefined ? {} : { headers: { authorization } }),
 *   status: (response) => response.status,
 *   headers: (response) => response.headers,
 *   discard: (response) => void response.body?.cancel().catch(() => {}),
 * })
 * ```
 */
export interface CaeTransport<R> {
  /**
   * Sends the request once. `authorization` is the value to set as the `Authorization` header,
   * replacing any the request had; `undefined` means send the request as the caller made it (it
   * is not protected, or the caller opted out). Resolve with the result, whatever its status;
   * reject as the client does.
   */
  send(authorization: string | undefined, attempt: SendAttempt): Promise<R>
  /** The result's HTTP status. */
  status(result: R): number
  /** The result's response headers (a fetch `Headers`, axios headers, a record). */
  headers(result: R): HeadersLike
  /**
   * The URL the result came from after redirects, when it was redirected (or when unsure): a
   * challenge from outside the request's resource is never answered.
   */
  finalUrl?(result: R): string | undefined
  /**
   * The result a rejection of `send` carries, if any (axios rejects a 401 with an `AxiosError`
   * holding the response): its challenge is answered like a resolved one's.
   */
  resultOf?(error: unknown): R | undefined
  /** Frees a challenged result that will not be returned (cancel its body: the connection). */
  discard?(result: R): void
  /**
   * Describes the request for `TokenRequest.pendingRequests` (a provider that leaves the page to
   * sign in stores it); called lazily, only then, with the body the engine kept (if any).
   */
  describe?(kept: KeptBody | undefined): RequestDescription
  /** The request object attached (non-enumerable) to the errors the request rejects with. */
  readonly request?: unknown
  /**
   * A body for the engine to keep for a replay before the first send (a fetch `BodyInit`: string,
   * buffer, `URLSearchParams`, `FormData`, `Blob`, `ReadableStream`, Node stream, async
   * iterable): streams are read up to `maxReplayBodyBytes`, forms serialised once. `send` then
   * gets it in `attempt.body`. Leave it out when the request has no body, or use `keepBody`.
   */
  readonly body?: unknown
  /**
   * Keeps the body for a replay, the transport's own way, before the first send (`body` is then
   * ignored). Resolve `false` when it cannot be replayed: the request is still sent, and a
   * challenge is answered (so the next request carries a good token) before the request rejects
   * with `BodyNotReplayableError`. Return `undefined` when there is nothing to keep.
   */
  keepBody?(signal: AbortSignal | undefined): Promise<boolean> | undefined
  /**
   * What to do when the replay is challenged again, or when a challenge arrives that the token
   * the request carried had already answered and been refused for (then nothing is replayed and
   * no token requested):
   * return what `execute` resolves with, or throw. The engine has emitted `challenge-unsatisfied`.
   * @default returns `report.result`, or rethrows `report.rejection.reason` when the send rejected
   */
  unsatisfied?(report: UnsatisfiedReplay<R>): R | Promise<R>
  /**
   * What to reject with when the request's signal aborts while the engine waits (for a token,
   * or for the body to be kept). @default the signal's `reason`, like fetch
   */
  aborted?(reason: unknown): unknown
  /**
   * What to reject with when the request's `timeoutMs` passes while it waits for a token.
   * @default a `TokenAcquisitionError` whose `cause` is a `TimeoutError`
   */
  timedOut?(): unknown
}

/** The engine behind `createCaeFetch` and `attachCae`; for authors of other adapters. */
export interface CaeEngine {
  /**
   * Runs one request's whole lifecycle: authorize (the cached token synchronously, or one
   * acquired now), send, detect a challenge, answer it once (one provider call shared by every
   * request waiting for the same answer), replay once, detect again and report. A request whose
   * URL lies in no configured resource, or that carries the caller's own `Authorization`, is sent
   * once untouched (`send(undefined, …)`). When a token is cached, `send` is called before
   * `execute` returns (no promise in between).
   *
   * @param request - URL, method, signal, the caller's own `Authorization`, a timeout.
   * @param transport - How to send and read results with the client at hand.
   * @returns What the last `send` resolved with (or `transport.unsatisfied` returned). Rejects
   *   with what `send` rejects with, `TokenAcquisitionError` (`ERR_CAE_TOKEN_ACQUISITION_FAILED`),
   *   the provider's own `CaeError` unchanged, `BodyNotReplayableError`
   *   (`ERR_CAE_BODY_NOT_REPLAYABLE`), `CaeOptionsError` (`ERR_CAE_INVALID_OPTIONS`) when
   *   `partitionKey` fails, or the signal's reason when aborted.
   */
  execute<R>(request: CaeRequest, transport: CaeTransport<R>): Promise<R>
  /**
   * Tells whether `url` lies in a configured resource (a request there is protected). For an
   * adapter that wants to skip its own per-request work (keeping a body) for other URLs.
   */
  protects(url: string | URL): boolean
  /** The validated `maxReplayBodyBytes` (default 1 MiB). */
  readonly maxReplayBodyBytes: number
}

/**
 * `CaeOptions.coordinator`: makes each token acquisition's decision fleet-wide (for example on
 * Redis, with `@cae-kit/redis`).
 */
export interface CaeCoordinator {
  /**
   * Called for every acquisition of the engine (first token, refresh, challenge), after
   * in-process single-flight (so once per process per key). Either resolves with a token another
   * process acquired (without calling `acquire`), or calls `acquire` (this process's token
   * provider) and shares its outcome. Must settle in bounded time; on any trouble of its own it
   * falls back to `acquire`. A rejection reaches the caller like a provider rejection (a
   * `CaeError` passes unchanged, anything else becomes the `cause` of a `TokenAcquisitionError`):
   * the engine does not call the provider itself after a rejection, since it cannot tell the
   * coordinator's trouble from the provider's own failure shared through it.
   *
   * The engine validates what it resolves with like a provider result. A token equal to
   * `request.rejectedToken` is never used: the engine then calls `acquire` itself.
   */
  acquire(
    request: CoordinatedAcquisition,
    acquire: (signal: AbortSignal) => Promise<AccessToken>,
  ): Promise<AccessToken>
}

/** One acquisition as the engine hands it to a {@link CaeCoordinator}. */
export interface CoordinatedAcquisition {
  /** The request's partition (from `partitionKey`), or undefined. Raw: the coordinator hashes it. */
  partition: string | undefined
  /** Scopes of the resource, as configured. */
  scopes: readonly string[]
  /** Decoded claims (JSON text) being answered, if any. */
  claims: string | undefined
  /** RFC 9470 step-up requirements being answered, if any. */
  stepUp: StepUpRequest | undefined
  /** Why a token is needed: none yet, the held one is due for refresh, or a challenge. */
  reason: 'initial' | 'expired' | 'challenge'
  /**
   * The raw access token this process holds for the key and wants replaced (rejected by the
   * resource, or expiring); a shared token equal to it must never be taken.
   */
  rejectedToken: string | undefined
  /** Aborted when the acquisition bound passes or every waiting request gave up. */
  signal: AbortSignal
}
