/**
 * @cae-kit/kiota: Continuous Access Evaluation for Kiota clients (`@microsoft/kiota-http-fetchlibrary`),
 * the HTTP layer of the Microsoft Graph SDK (`@microsoft/msgraph-sdk`).
 *
 * @module
 */

// Core names users of this package handle.
export type {
  AnyCaeError,
  CaeErrorCode,
  CaeEvent,
  CaeOptions,
  CaeResource,
  CaeUnsatisfiedCode,
  TokenProvider,
} from '@cae-kit/core'
export {
  AccessBlockedError,
  CAE_OUTCOME_HEADER,
  CaeError,
  fromTokenCredential,
  getClaimsChallenge,
  InteractionRequiredError,
  isCaeError,
  TokenAcquisitionError,
} from '@cae-kit/core'
export { createKiotaMiddleware } from './middleware'
export type { CaeOutcome } from './outcome'
export { getCaeOutcome } from './outcome'
