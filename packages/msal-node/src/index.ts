/**
 * @cae-kit/msal-node: a cae-kit TokenProvider over @azure/msal-node (client credentials,
 * on-behalf-of, silent), and the 401 a middle-tier API sends up when its caller must act.
 *
 * @module
 */

export type {
  AccessToken,
  AnyCaeError,
  CaeErrorCode,
  TokenProvider,
  TokenRequest,
} from '@cae-kit/core'
export {
  AccessBlockedError,
  CaeError,
  CaeOptionsError,
  ClaimsDecodeError,
  createCaeError,
  InteractionRequiredError,
  isCaeError,
  TokenAcquisitionError,
} from '@cae-kit/core'
export { fromMsalNode } from './from-msal-node'
export type { ClaimsChallengeResponse, ClaimsChallengeResponseOptions } from './middle-tier'
export { toClaimsChallengeResponse } from './middle-tier'
export type {
  ClientCredentialsFlowOptions,
  MsalClientCredentialApp,
  MsalNodeCommonOptions,
  MsalNodeLogger,
  MsalNodeProviderOptions,
  MsalOnBehalfOfApp,
  MsalSilentApp,
  OnBehalfOfFlowOptions,
  SilentFlowOptions,
} from './types'
