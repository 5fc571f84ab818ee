// @vitest-environment node
import { InteractionRequiredAuthError } from '@azure/msal-node'
import { describe, expect, it } from 'vitest'
import { fromMsalNode } from './from-msal-node'
import { toClaimsChallengeResponse } from './middle-tier'

const quiet = { logger: { warn: () => {} } }
const scopes = ['api://downstream/.default']
const capolids = '{"access_token":{"capolids":{"essential":true,"values":["p1"]}}}'

describe('toClaimsChallengeResponse and access blocked', () => {
  it('returns undefined for ERR_CAE_ACCESS_BLOCKED whose MSAL cause carries claims', async () => {
    // Entra refuses the on-behalf-of request: blocked by Conditional Access (AADSTS53003), with an
    // interaction-required suberror and capolids claims. MSAL raises InteractionRequiredAuthError.
    const msalError = new InteractionRequiredAuthError(
      'invalid_grant',
      'corr',
      'AADSTS53003: Access has been blocked by Conditional Access policies.',
      'message_only',
      '',
      '',
      capolids,
      '53003',
    )
    const app = {
      config: { auth: { clientCapabilities: ['CP1'] } },
      acquireTokenOnBehalfOf: async (): Promise<null> => {
        throw msalError
      },
    }
    const provider = fromMsalNode(app, { flow: 'onBehalfOf', assertion: 'incoming', ...quiet })
    const error = await provider.getToken({ scopes }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'ERR_CAE_ACCESS_BLOCKED' })
    // A 401 claims challenge would make the caller prompt for a block no sign-in can lift (403).
    expect(toClaimsChallengeResponse(error)).toBeUndefined()
  })
})
