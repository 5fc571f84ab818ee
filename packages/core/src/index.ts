/**
 * @cae-kit/core: Continuous Access Evaluation claims challenges for any fetch-based client.
 *
 * @module
 */

export type { CaeErrorCode, CaeErrorOptions } from './errors'
export {
  BodyNotReplayableError,
  CaeError,
  CaeOptionsError,
  ClaimsDecodeError,
  InteractionRequiredError,
  isCaeError,
  TokenAcquisitionError,
} from './errors'
export type { AccessToken, StepUpRequest, TokenProvider, TokenRequest } from './provider'
