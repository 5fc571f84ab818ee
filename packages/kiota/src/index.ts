/**
 * @cae-kit/kiota: Continuous Access Evaluation for Kiota clients (`@microsoft/kiota-http-fetchlibrary`),
 * the HTTP layer of the Microsoft Graph SDK (`@microsoft/msgraph-sdk`).
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
export { createKiotaMiddleware } from './middleware'
export type { CaeOutcome } from './outcome'
export { CAE_OUTCOME_HEADER, getCaeOutcome } from './outcome'
