// @vitest-environment node
import { InteractionRequiredAuthError } from '@azure/msal-node'
import {
  AccessBlockedError,
  getClaimsChallenge,
  InteractionRequiredError,
  parseWwwAuthenticate,
  TokenAcquisitionError,
} from '@cae-kit/core'
import { describe, expect, it } from 'vitest'
import { toClaimsChallengeResponse } from './middle-tier'

const claims = '{"access_token":{"nbf":{"essential":true,"value":"1604106651"}}}'
const base64 =
  'eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZSwidmFsdWUiOiIxNjA0MTA2NjUxIn19fQ=='

function interactionRequired(withClaims: string | undefined) {
  return new InteractionRequiredError('user interaction required', {
    claims: withClaims,
    scopes: ['api://downstream/.default'],
  })
}

describe('toClaimsChallengeResponse', () => {
  it('builds the Entra-shaped 401 with every value quoted', () => {
    const challenge = toClaimsChallengeResponse(interactionRequired(claims), {
      authorizationUri: 'https://login.microsoftonline.com/common/oauth2/authorize',
      clientId: '00000003-0000-0000-c000-000000000000',
    })
    expect(challenge).toEqual({
      status: 401,
      headers: {
        'www-authenticate': `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000", error="insufficient_claims", claims="${base64}"`,
      },
    })
  })

  it('writes a header that cae-kit reads back as the same claims', () => {
    const challenge = toClaimsChallengeResponse(claims, { errorDescription: 'say "please" \\ now' })
    expect(challenge).toBeDefined()
    const detected = getClaimsChallenge(challenge as NonNullable<typeof challenge>, {
      strict: true,
    })
    expect(detected?.claims).toBe(claims)
    expect(detected?.errorDescription).toBe('say "please" \\ now')
    expect(parseWwwAuthenticate(challenge?.headers['www-authenticate'] ?? '')).toHaveLength(1)
  })

  it('finds the claims of an interaction-required error in a cause chain', () => {
    const wrapped = new TokenAcquisitionError('token acquisition failed', {
      cause: interactionRequired(claims),
    })
    expect(toClaimsChallengeResponse(wrapped)?.headers['www-authenticate']).toContain(
      `claims="${base64}"`,
    )
  })

  it('uses the claims of an MSAL InteractionRequiredAuthError', () => {
    const msalError = new InteractionRequiredAuthError(
      'invalid_grant',
      'corr',
      'AADSTS50076',
      'basic_action',
      '',
      '',
      claims,
    )
    expect(toClaimsChallengeResponse(msalError)?.status).toBe(401)
    expect(toClaimsChallengeResponse(new InteractionRequiredAuthError('invalid_grant', 'c'))).toBe(
      undefined,
    )
  })

  it('returns undefined for errors with nothing to send up', () => {
    const blocked = new AccessBlockedError('access blocked', { claims })
    expect(toClaimsChallengeResponse(blocked)).toBeUndefined()
    expect(toClaimsChallengeResponse(interactionRequired(undefined))).toBeUndefined()
    expect(toClaimsChallengeResponse(new Error('boom'))).toBeUndefined()
    expect(toClaimsChallengeResponse(undefined)).toBeUndefined()
  })

  it('builds a web Response from the result', async () => {
    const challenge = toClaimsChallengeResponse(claims)
    const response = new Response(null, challenge)
    expect(response.status).toBe(401)
    expect(getClaimsChallenge(response)?.claims).toBe(claims)
  })

  it('throws ERR_CAE_CLAIMS_INVALID for claims given as base64', () => {
    expect(() => toClaimsChallengeResponse(base64)).toThrow(
      expect.objectContaining({ code: 'ERR_CAE_CLAIMS_INVALID' }),
    )
  })

  it('throws ERR_CAE_INVALID_OPTIONS for an option that would inject a header', () => {
    expect(() => toClaimsChallengeResponse(claims, { clientId: 'x\r\nSet-Cookie: a=b' })).toThrow(
      expect.objectContaining({ code: 'ERR_CAE_INVALID_OPTIONS' }),
    )
  })
})
