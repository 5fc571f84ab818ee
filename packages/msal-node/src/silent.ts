import { CaeOptionsError, InteractionRequiredError } from '@cae-kit/core'
import type { AcquireToken } from './confidential-client'
import type { MsalSilentApp, SilentFlowOptions } from './types'

/**
 * Silent: a signed-in user's token from MSAL's cache or refresh token (public or confidential
 * client). With `claims` MSAL skips the cached access token and redeems the refresh token with
 * the claims; a revoked session then fails and is mapped to `ERR_CAE_INTERACTION_REQUIRED`.
 */
export function silentFlow(app: object, options: SilentFlowOptions): AcquireToken {
  const client = app as Partial<MsalSilentApp>
  if (typeof client.acquireTokenSilent !== 'function') {
    throw new CaeOptionsError('flow "silent" needs an msal client application (acquireTokenSilent)')
  }
  const { account } = options as { account?: unknown }
  if (typeof account !== 'function' && (typeof account !== 'object' || account === null)) {
    throw new CaeOptionsError(
      'flow "silent" needs "account": an msal AccountInfo or a function returning it',
    )
  }
  const readAccount = options.account
  return async (request) => {
    const current = typeof readAccount === 'function' ? await readAccount() : readAccount
    if (current === null || current === undefined) {
      // Nobody is signed in: only a user can fix that, exactly like a revoked session.
      throw new InteractionRequiredError(
        `no signed-in account for scopes ${request.scopes.join(' ')}`,
        { claims: request.claims, scopes: request.scopes },
      )
    }
    return (client as MsalSilentApp).acquireTokenSilent({ ...request, account: current })
  }
}
