// @vitest-environment node
import {
  ClientAuthError,
  ClientConfigurationError,
  InteractionRequiredAuthError,
  ServerError,
} from '@azure/msal-node'
import { InteractionRequiredError, mapEntraError } from '@cae-kit/core'
import { describe, expect, it } from 'vitest'

const request = {
  scopes: ['api://demo/.default'],
  claims: '{"access_token":{"nbf":{"essential":true,"value":"1"}}}',
}
const msalClaims = '{"access_token":{"capolids":{"essential":true,"values":["p1"]}}}'

function serverError(errorCode: string, description: string, errorNo?: string, status = 400) {
  return new ServerError(errorCode, 'corr', description, undefined, errorNo, status)
}

// fromMsalNode classifies MSAL's errors with core's Entra table: real msal-node error classes here.
describe('mapEntraError over msal-node errors', () => {
  it('maps InteractionRequiredAuthError to ERR_CAE_INTERACTION_REQUIRED carrying msal claims', () => {
    const error = new InteractionRequiredAuthError(
      'invalid_grant',
      'corr',
      'AADSTS50076: mfa required',
      'basic_action',
      '',
      '',
      msalClaims,
      '50076',
    )
    const mapped = mapEntraError(error, request)
    expect(mapped).toBeInstanceOf(InteractionRequiredError)
    expect(mapped).toMatchObject({
      code: 'ERR_CAE_INTERACTION_REQUIRED',
      claims: msalClaims,
      scopes: request.scopes,
      cause: error,
    })
  })

  it('falls back to the request claims when msal gives none', () => {
    const error = new InteractionRequiredAuthError('no_tokens_found', 'corr')
    expect(mapEntraError(error, request)).toMatchObject({
      code: 'ERR_CAE_INTERACTION_REQUIRED',
      claims: request.claims,
    })
  })

  it('leaves claims undefined when neither msal nor the request has any', () => {
    const error = new InteractionRequiredAuthError('interaction_required', 'corr')
    const mapped = mapEntraError(error, { scopes: ['s'], claims: undefined })
    expect(mapped).toMatchObject({ code: 'ERR_CAE_INTERACTION_REQUIRED' })
    expect((mapped as InteractionRequiredError).claims).toBeUndefined()
  })

  it('maps ServerError invalid_grant without sub-error (revoked refresh token) to ERR_CAE_INTERACTION_REQUIRED', () => {
    const error = serverError(
      'invalid_grant',
      'AADSTS50173: the refresh token was revoked',
      '50173',
    )
    expect(mapEntraError(error, request)).toMatchObject({
      code: 'ERR_CAE_INTERACTION_REQUIRED',
      claims: request.claims,
      cause: error,
    })
  })

  it.each([
    ['consent_required', 'AADSTS65001: consent required'],
    ['login_required', 'login required'],
    ['interaction_required', 'AADSTS50079: enrolment required'],
  ])('maps ServerError %s to ERR_CAE_INTERACTION_REQUIRED', (code, description) => {
    expect(mapEntraError(serverError(code, description), request)).toMatchObject({
      code: 'ERR_CAE_INTERACTION_REQUIRED',
    })
  })

  it.each([
    ['50057', 'user disabled'],
    ['50053', 'account locked'],
    ['50034', 'user deleted'],
    // Failed on a3aa53b: msal-node's own table lacked 50105 (only msal-browser's had it), so a
    // user not assigned to the application got an InteractionRequiredError.
    ['50105', 'user not assigned to the application'],
    ['53003', 'blocked by conditional access'],
    ['700016', 'service principal deleted'],
    ['7000112', 'application disabled'],
  ])('maps AADSTS%s (%s) to ERR_CAE_ACCESS_BLOCKED', (errorNo) => {
    const error = serverError('invalid_grant', `AADSTS${errorNo}: blocked`, errorNo)
    expect(mapEntraError(error, request)).toMatchObject({
      code: 'ERR_CAE_ACCESS_BLOCKED',
      claims: request.claims,
      scopes: request.scopes,
      cause: error,
    })
  })

  it('reads the error number from the description when errorNo is missing', () => {
    const error = serverError('invalid_grant', 'Error(s): - Description: AADSTS50057: disabled')
    expect(mapEntraError(error, request)).toMatchObject({ code: 'ERR_CAE_ACCESS_BLOCKED' })
  })

  it('accepts a numeric errorNo as msal passes error_codes through unconverted', () => {
    const error = serverError('invalid_grant', 'disabled')
    Object.defineProperty(error, 'errorNo', { value: 7000112 })
    expect(mapEntraError(error, request)).toMatchObject({ code: 'ERR_CAE_ACCESS_BLOCKED' })
  })

  it('maps unauthorized_client to ERR_CAE_ACCESS_BLOCKED', () => {
    const error = serverError('unauthorized_client', 'AADSTS700016: application not found')
    expect(mapEntraError(error, request)).toMatchObject({ code: 'ERR_CAE_ACCESS_BLOCKED' })
  })

  it('prefers ERR_CAE_ACCESS_BLOCKED over interaction for an InteractionRequiredAuthError of a disabled user', () => {
    const error = new InteractionRequiredAuthError(
      'invalid_grant',
      'corr',
      'AADSTS50057: disabled',
      'basic_action',
      '',
      '',
      '',
      '50057',
    )
    expect(mapEntraError(error, request)).toMatchObject({ code: 'ERR_CAE_ACCESS_BLOCKED' })
  })

  it('throws no InteractionRequiredError for a blocked account: instanceof must not send it to a sign-in', () => {
    const error = serverError('invalid_grant', 'AADSTS50057: disabled', '50057')
    const mapped = mapEntraError(error, request)
    expect(mapped).toMatchObject({ name: 'AccessBlockedError', code: 'ERR_CAE_ACCESS_BLOCKED' })
    expect(mapped).not.toBeInstanceOf(InteractionRequiredError)
  })

  it.each([
    ['ClientAuthError network_error', new ClientAuthError('network_error', 'corr')],
    [
      'ServerError temporarily_unavailable (5xx)',
      serverError('temporarily_unavailable', 'x', undefined, 503),
    ],
    [
      'ServerError invalid_client',
      serverError('invalid_client', 'AADSTS7000215: bad secret', '7000215'),
    ],
    [
      'ClientConfigurationError invalid_claims',
      new ClientConfigurationError('invalid_claims', 'corr'),
    ],
    ['TypeError', new TypeError('fetch failed')],
  ])('returns %s unchanged', (_name, error) => {
    expect(mapEntraError(error, request)).toBe(error)
  })

  it('returns non-objects unchanged', () => {
    expect(mapEntraError('boom', request)).toBe('boom')
    expect(mapEntraError(undefined, request)).toBeUndefined()
  })
})
