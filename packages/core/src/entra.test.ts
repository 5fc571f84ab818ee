// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { classifyEntraError, isClaimsJson, mapEntraError } from './entra'
import {
  AccessBlockedError,
  InteractionRequiredError,
  isCaeError,
  TokenAcquisitionError,
} from './errors'

const context = {
  scopes: ['api://demo/.default'],
  claims: '{"access_token":{"nbf":{"essential":true}}}',
}

/** One Entra refusal as each token provider's library reports it. */
const shapes = {
  // msal-node and msal-browser: ServerError / InteractionRequiredAuthError fields.
  msal: (code: string, number: string) => ({
    name: 'ServerError',
    errorCode: code,
    errorNo: number,
    errorMessage: `AADSTS${number}: refused`,
    message: `${code}: AADSTS${number}: refused`,
  }),
  // @azure/identity 4.13: AuthenticationRequiredError, the response only in the message.
  azureIdentity: (code: string, number: string) =>
    Object.assign(
      new Error(
        `${code}: Error(s): ${number} - Description: AADSTS${number}: refused. Trace ID: t`,
      ),
      { name: 'AuthenticationRequiredError', scopes: context.scopes },
    ),
  // @azure/identity AuthenticationError: the parsed error response.
  authenticationError: (code: string, number: string) =>
    Object.assign(new Error('authentication failed'), {
      name: 'AuthenticationError',
      errorResponse: { error: code, errorDescription: 'refused', errorCodes: [Number(number)] },
    }),
  // oauth4webapi ResponseBodyError, or Entra's error response body as it is.
  oauthResponse: (code: string, number: string) =>
    Object.assign(new Error('server responded with an error in the response body'), {
      error: code,
      error_description: `AADSTS${number}: refused. Trace ID: t`,
    }),
}

// Failed on main (a3aa53b) for the azureIdentity and authenticationError shapes: core had no
// table, and the msal-node and msal-browser tables disagreed on 50105.
describe.each(Object.entries(shapes))('classifyEntraError over %s errors', (_, shape) => {
  it.each([
    ['50034', 'invalid_grant', 'the user does not exist'],
    ['50053', 'invalid_grant', 'the account is locked'],
    ['50057', 'invalid_grant', 'the user is disabled'],
    ['50105', 'invalid_grant', 'the user is not assigned to the application'],
    ['53003', 'invalid_grant', 'Conditional Access blocks the token'],
    ['700016', 'unauthorized_client', 'the service principal was deleted'],
    ['7000112', 'unauthorized_client', 'the service principal is disabled'],
  ])('returns ERR_CAE_ACCESS_BLOCKED for AADSTS%s (%s: %s)', (number, code) => {
    expect(classifyEntraError(shape(code, number))).toBe('ERR_CAE_ACCESS_BLOCKED')
  })

  it.each([
    ['50173', 'invalid_grant', 'a revoked refresh token'],
    ['50076', 'invalid_grant', 'MFA required'],
    ['65001', 'consent_required', 'consent missing'],
    ['50058', 'login_required', 'no session'],
    ['50079', 'interaction_required', 'enrolment required'],
  ])('returns ERR_CAE_INTERACTION_REQUIRED for AADSTS%s (%s: %s)', (number, code) => {
    expect(classifyEntraError(shape(code, number))).toBe('ERR_CAE_INTERACTION_REQUIRED')
  })

  it.each([
    ['7000215', 'invalid_client', 'a wrong secret'],
    ['50196', 'temporarily_unavailable', 'throttling'],
    ['500571', 'invalid_grant_x', 'a number that only starts with a blocking one'],
  ])('returns undefined for AADSTS%s (%s: %s)', (number, code) => {
    expect(classifyEntraError(shape(code, number))).toBeUndefined()
  })
})

describe('classifyEntraError', () => {
  it('returns ERR_CAE_INTERACTION_REQUIRED for an InteractionRequiredAuthError of any code', () => {
    expect(classifyEntraError({ name: 'InteractionRequiredAuthError', errorCode: 'x' })).toBe(
      'ERR_CAE_INTERACTION_REQUIRED',
    )
  })

  it('prefers a block over interaction: a disabled user is no reason to prompt', () => {
    const error = {
      name: 'InteractionRequiredAuthError',
      errorCode: 'invalid_grant',
      errorNo: 50057,
    }
    expect(classifyEntraError(error)).toBe('ERR_CAE_ACCESS_BLOCKED')
  })

  it.each([
    ['a network failure', new TypeError('fetch failed')],
    ['a timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
    ['a cae-kit error', new TokenAcquisitionError('invalid_grant: AADSTS50057')],
    ['a string', 'AADSTS50057'],
    ['null', null],
    ['undefined', undefined],
  ])('returns undefined for %s', (_, error) => {
    expect(classifyEntraError(error)).toBeUndefined()
  })
})

describe('mapEntraError', () => {
  it('builds an AccessBlockedError with the cause, scopes and claims, naming code and number only', () => {
    const cause = shapes.azureIdentity('unauthorized_client', '7000112')
    const mapped = mapEntraError(cause, context)
    expect(mapped).toBeInstanceOf(AccessBlockedError)
    expect(mapped).not.toBeInstanceOf(InteractionRequiredError)
    expect(mapped).toMatchObject({
      code: 'ERR_CAE_ACCESS_BLOCKED',
      cause,
      scopes: context.scopes,
      claims: context.claims,
      message: 'access blocked for scopes api://demo/.default: unauthorized_client AADSTS7000112',
    })
  })

  it('carries the claims the token endpoint named over those of the request', () => {
    const claims = '{"access_token":{"capolids":{"essential":true,"values":["p1"]}}}'
    const cause = { ...shapes.msal('invalid_grant', '50076'), claims }
    expect(mapEntraError(cause, context)).toMatchObject({
      code: 'ERR_CAE_INTERACTION_REQUIRED',
      claims,
    })
  })

  it('keeps the request claims when the error names claims that are no JSON object', () => {
    const cause = { ...shapes.msal('invalid_grant', '50076'), claims: '' }
    expect(mapEntraError(cause, context)).toMatchObject({ claims: context.claims })
  })

  it('returns any other error, cae-kit errors included, unchanged', () => {
    const other = new Error('boom')
    const caeError = new InteractionRequiredError('already mapped')
    expect(mapEntraError(other, context)).toBe(other)
    expect(mapEntraError(caeError, context)).toBe(caeError)
    expect(isCaeError(mapEntraError(shapes.msal('invalid_grant', '50057'), context))).toBe(true)
  })
})

describe('isClaimsJson', () => {
  it.each([
    ['{"access_token":{"nbf":{"essential":true}}}', true],
    ['{}', true],
    ['eyJhY2Nlc3NfdG9rZW4iOnt9fQ', false],
    ['[]', false],
    ['null', false],
    ['"text"', false],
    ['', false],
    [undefined, false],
    [42, false],
  ])('returns %s for %j', (text, expected) => {
    expect(isClaimsJson(text)).toBe(expected)
  })
})
