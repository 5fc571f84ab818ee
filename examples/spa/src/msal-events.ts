/**
 * MSAL's own event stream, filtered to what matters for a claims challenge: silent attempts that
 * carry claims, prompts, and failures. Plain silent calls (cache hits) are left out: the
 * auto-refresh would otherwise fill the log with them.
 */
import type { EventMessage, IPublicClientApplication } from '@azure/msal-browser'
import { EventType, InteractionType } from '@azure/msal-browser'
import type { SdkLog } from './log'

/** Logs MSAL events into `log`; returns the unsubscribe function. */
export function logMsalEvents(pca: IPublicClientApplication, log: SdkLog): () => void {
  const id = pca.addEventCallback((message: EventMessage) => describe(message, log))
  return () => {
    if (id) pca.removeEventCallback(id)
  }
}

function describe(message: EventMessage, log: SdkLog): void {
  const interactive = message.interactionType === InteractionType.Popup
  const claims = claimsOf(message.payload)
  switch (message.eventType) {
    case EventType.ACQUIRE_TOKEN_START:
      if (message.interactionType === InteractionType.Silent && claims) {
        log.add('silent', `MSAL acquireTokenSilent with claims ${claims}`)
      } else if (interactive) {
        log.add('prompt', `MSAL acquireTokenPopup${claims ? ` with claims ${claims}` : ''}`)
      }
      return
    case EventType.POPUP_OPENED:
      log.add('prompt', 'sign-in popup opened')
      return
    case EventType.ACQUIRE_TOKEN_SUCCESS:
      if (interactive) log.add('token', 'MSAL popup sign-in succeeded')
      return
    case EventType.ACQUIRE_TOKEN_FAILURE:
      // A silent failure is a normal step of a claims challenge (the prompt comes next).
      if (message.interactionType === InteractionType.Silent) {
        log.add('silent', `MSAL silent renewal failed: ${errorText(message.error)}`)
      } else {
        log.add(
          'error',
          `MSAL ${message.interactionType ?? ''} failed: ${errorText(message.error)}`,
        )
      }
      return
    case EventType.LOGIN_SUCCESS:
      log.add('info', 'signed in')
      return
    default:
      return
  }
}

function claimsOf(payload: EventMessage['payload']): string | undefined {
  if (payload && typeof payload === 'object' && 'claims' in payload) {
    const claims = (payload as { claims?: unknown }).claims
    if (typeof claims === 'string' && claims !== '') return claims
  }
  return undefined
}

function errorText(error: EventMessage['error']): string {
  if (!error) return 'failed'
  const code = (error as { errorCode?: unknown }).errorCode
  return typeof code === 'string' && !error.message.startsWith(code)
    ? `${code}: ${error.message}`
    : error.message
}
