/**
 * @cae-kit/graph-client: Continuous Access Evaluation for `@microsoft/microsoft-graph-client` 3.
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
export { createGraphClientMiddleware } from './middleware'
export type { CaeOutcome } from './outcome'
export { getCaeOutcome } from './outcome'
