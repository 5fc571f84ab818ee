/**
 * @cae-kit/axios: axios interceptors that answer Microsoft Entra ID Continuous Access Evaluation
 * claims challenges (and RFC 9470 step-up challenges) with a fresh token and replay the request
 * once.
 *
 * @module
 */

// Core names axios users handle: errors, options, events, providers.
export type {
  AccessToken,
  AnyCaeError,
  CaeErrorCode,
  CaeEvent,
  CaeLogger,
  CaeOptions,
  CaeResource,
  CaeUnsatisfiedCode,
  ChallengeEvent,
  ChallengeUnsatisfiedEvent,
  FailureEvent,
  ReplayEvent,
  TokenAcquiredEvent,
  TokenProvider,
  TokenRequest,
} from '@cae-kit/core'
export {
  AccessBlockedError,
  BodyNotReplayableError,
  CaeError,
  CaeOptionsError,
  createCaeError,
  InteractionCancelledError,
  InteractionRequiredError,
  isCaeError,
  PopupBlockedError,
  TokenAcquisitionError,
} from '@cae-kit/core'
export type { CaeAxiosRequestState } from './attach'
export { attachCae } from './attach'
export type { CaeAxiosError, CaeAxiosErrorInfo } from './cae-axios-error'
export { isCaeAxiosError } from './cae-axios-error'
