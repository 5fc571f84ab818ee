/**
 * @cae-kit/graph-client: Continuous Access Evaluation for `@microsoft/microsoft-graph-client` 3.
 *
 * @module
 */

// Core names users of this package handle.
export type {
  CaeErrorCode,
  CaeEvent,
  CaeOptions,
  CaeResource,
  TokenProvider,
} from '@cae-kit/core'
export { CaeError, fromTokenCredential, isCaeError } from '@cae-kit/core'
export { createGraphClientMiddleware } from './middleware'
export type { CaeOutcome } from './outcome'
export { CAE_OUTCOME_HEADER, getCaeOutcome } from './outcome'
