/**
 * @cae-kit/msal-browser: a cae-kit TokenProvider over `@azure/msal-browser`. Silent with claims,
 * then one popup or redirect for the whole app; requests survive the redirect round trip.
 *
 * @module
 */

export type {
  AccessToken,
  AnyCaeError,
  CaeErrorCode,
  PendingRequest,
  TokenProvider,
  TokenRequest,
} from '@cae-kit/core'
export {
  AccessBlockedError,
  CaeError,
  CaeOptionsError,
  createCaeError,
  InteractionCancelledError,
  InteractionRequiredError,
  isCaeError,
  PopupBlockedError,
} from './errors'
export type {
  InteractionEvent,
  InteractiveRequestFields,
  MsalBrowserClient,
  MsalBrowserOptions,
} from './options'
export { fromMsalBrowser } from './provider'
export type { RedirectResume, ResumeOptions } from './redirect'
export { resumeAfterRedirect } from './redirect'
