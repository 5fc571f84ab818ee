import type { AuthenticationResult } from '@azure/msal-node'
import { CaeOptionsError } from '@cae-kit/core'
import type { MsalClientCredentialApp, MsalOnBehalfOfApp, OnBehalfOfFlowOptions } from './types'

/** What every flow sends to MSAL: the scopes and, only when answering a challenge, the claims. */
export interface MsalTokenRequest {
  scopes: string[]
  claims?: string
}

/** One MSAL acquisition for a flow, chosen and validated once at creation. */
export type AcquireToken = (request: MsalTokenRequest) => Promise<AuthenticationResult | null>

/**
 * Client credentials: the application's own token. With `claims` MSAL skips its cache and the
 * new token replaces the cached one, so later calls without claims get it from the cache.
 */
export function clientCredentialsFlow(app: object): AcquireToken {
  const cca = app as Partial<MsalClientCredentialApp>
  if (typeof cca.acquireTokenByClientCredential !== 'function') {
    throw new CaeOptionsError(
      'flow "clientCredentials" needs an msal ConfidentialClientApplication (acquireTokenByClientCredential)',
    )
  }
  return (request) => (cca as MsalClientCredentialApp).acquireTokenByClientCredential(request)
}

/**
 * On-behalf-of: a token for the downstream API in the name of the middle tier's caller. The
 * assertion is read on every call so a function can follow the current incoming request.
 */
export function onBehalfOfFlow(app: object, options: OnBehalfOfFlowOptions): AcquireToken {
  const cca = app as Partial<MsalOnBehalfOfApp>
  if (typeof cca.acquireTokenOnBehalfOf !== 'function') {
    throw new CaeOptionsError(
      'flow "onBehalfOf" needs an msal ConfidentialClientApplication (acquireTokenOnBehalfOf)',
    )
  }
  const { assertion } = options as { assertion?: unknown }
  if (typeof assertion !== 'function' && (typeof assertion !== 'string' || assertion === '')) {
    throw new CaeOptionsError(
      'flow "onBehalfOf" needs "assertion": the incoming access token or a function returning it',
    )
  }
  const readAssertion = options.assertion
  return async (request) => {
    const oboAssertion = typeof readAssertion === 'function' ? await readAssertion() : readAssertion
    if (typeof oboAssertion !== 'string' || oboAssertion === '') {
      throw new CaeOptionsError('"assertion" returned no access token')
    }
    return (cca as MsalOnBehalfOfApp).acquireTokenOnBehalfOf({ ...request, oboAssertion })
  }
}
