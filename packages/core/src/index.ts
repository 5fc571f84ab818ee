/**
 * @cae-kit/core: Continuous Access Evaluation claims challenges for any fetch-based client.
 *
 * @module
 */

export type {
  AnyCaeError,
  CaeErrorCode,
  CaeErrorOf,
  CaeErrorOptions,
  CaeOptionsErrorOptions,
  CaeUnsatisfiedCode,
} from './errors'
export {
  AccessBlockedError,
  BodyNotReplayableError,
  CaeError,
  CaeOptionsError,
  ClaimsDecodeError,
  createCaeError,
  InteractionCancelledError,
  InteractionRequiredError,
  isCaeError,
  isCaeErrorCode,
  PopupBlockedError,
  TokenAcquisitionError,
} from './errors'
export type {
  AccessToken,
  PendingRequest,
  StepUpRequest,
  TokenProvider,
  TokenRequest,
} from './provider'

// Protocol: WWW-Authenticate parsing, claims and step-up challenges

export type { Challenge, ParseWwwAuthenticateOptions } from './challenge'
export { parseWwwAuthenticate } from './challenge'
export type { ClaimsChallenge, GetClaimsChallengeOptions, ResponseLike } from './claims'
export { decodeClaims, encodeClaims, getClaimsChallenge } from './claims'
export { formatWwwAuthenticate } from './format'
export type { HeadersLike } from './headers'
export type { GetStepUpChallengeOptions, StepUpChallenge } from './step-up'
export { getStepUpChallenge } from './step-up'

// Engine and adapters: requests, tokens, replay

export type { TokenCredentialLike } from './credential'
export { fromTokenCredential } from './credential'
export { createCaeEngine } from './engine'
export type {
  CaeEvent,
  CaeEventBase,
  ChallengeEvent,
  ChallengeUnsatisfiedEvent,
  FailureEvent,
  OptOutEvent,
  ReplayEvent,
  TokenAcquiredEvent,
} from './events'
export type { CaeFetchOptions } from './fetch'
export { createCaeFetch } from './fetch'
export { sendWithinResource } from './fetch-redirects'
export type { CaeLogger, CaeOptions, CaeResource } from './options'
export type {
  CaeCoordinator,
  CaeEngine,
  CaeRequest,
  CaeTransport,
  CoordinatedAcquisition,
  KeptBody,
  RequestDescription,
  SendAttempt,
  UnsatisfiedReplay,
} from './types'

// SDK middlewares: the outcome header on an unsatisfied 401

export { CAE_OUTCOME_HEADER, markUnsatisfied } from './outcome-header'

// Token providers: declaring CP1, and what Entra's token errors mean (one table for
// fromTokenCredential, @cae-kit/msal-node, @cae-kit/msal-browser and your own provider)

export { addClientCapabilities } from './capabilities'
export type { EntraErrorContext, EntraErrorOutcome } from './entra'
export { classifyEntraError, isClaimsJson, mapEntraError } from './entra'
