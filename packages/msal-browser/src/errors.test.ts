// @vitest-environment node
import {
  AuthError,
  BrowserAuthError,
  ClientAuthError,
  InteractionRequiredAuthError,
} from '@azure/msal-browser'
import { describe, expect, it } from 'vitest'
import { serverError } from '../test/fakes'
import { claimsOf, classifyEntraError, classifyInteractive, interactionError } from './errors'

// The provider asks core's Entra table (`classifyEntraError`) about MSAL's own error classes.
const needsInteraction = (error: unknown) =>
  classifyEntraError(error) === 'ERR_CAE_INTERACTION_REQUIRED'
const isAccessBlocked = (error: unknown) => classifyEntraError(error) === 'ERR_CAE_ACCESS_BLOCKED'

describe('needsInteraction', () => {
  it.each([
    'no_tokens_found',
    'refresh_token_expired',
    'login_required',
    'consent_required',
    'interaction_required',
    'invalid_grant',
  ])('returns true for an InteractionRequiredAuthError %s', (code) => {
    expect(needsInteraction(new InteractionRequiredAuthError(code, 'cid'))).toBe(true)
  })

  it('returns true for a ServerError invalid_grant without suberror', () => {
    expect(needsInteraction(serverError('invalid_grant', 'AADSTS70000'))).toBe(true)
  })

  it('returns true for a ClientAuthError token_refresh_required', () => {
    expect(needsInteraction(new ClientAuthError('token_refresh_required', 'cid'))).toBe(true)
  })

  it('returns true for a BrowserAuthError no_account_error', () => {
    expect(needsInteraction(new BrowserAuthError('no_account_error', 'cid'))).toBe(true)
  })

  it('returns true for an interaction code carried by another error class', () => {
    expect(needsInteraction(new AuthError('login_required', 'cid'))).toBe(true)
  })

  it.each([
    serverError('temporarily_unavailable'),
    new BrowserAuthError('interaction_in_progress', 'cid'),
    new BrowserAuthError('no_network_connectivity', 'cid'),
    new TypeError('failed to fetch'),
    undefined,
    null,
  ])('returns false for %s', (error) => {
    expect(needsInteraction(error)).toBe(false)
  })
})

describe('isAccessBlocked', () => {
  it.each(['50057', '50053', '50034', '50105', '53003', '7000112'])(
    'returns true for a ServerError with errorNo %s',
    (errorNo) => {
      expect(isAccessBlocked(serverError('invalid_grant', 'x', errorNo))).toBe(true)
    },
  )

  it('returns true when only the description names AADSTS50057', () => {
    const error = serverError('access_denied', 'AADSTS50057: The user account is disabled.')
    expect(isAccessBlocked(error)).toBe(true)
  })

  it('returns false for AADSTS50076 (MFA required: a prompt fixes it)', () => {
    const error = new InteractionRequiredAuthError('invalid_grant', 'cid', 'AADSTS50076: mfa', '')
    expect(isAccessBlocked(error)).toBe(false)
  })

  it('returns false for an AADSTS number that merely starts with a blocking one', () => {
    expect(isAccessBlocked(serverError('invalid_grant', 'AADSTS500571'))).toBe(false)
  })
})

describe('classifyInteractive', () => {
  it('returns ERR_CAE_POPUP_BLOCKED for popup_window_error and empty_window_error', () => {
    expect(classifyInteractive(new BrowserAuthError('popup_window_error', 'cid'))).toBe(
      'ERR_CAE_POPUP_BLOCKED',
    )
    expect(classifyInteractive(new BrowserAuthError('empty_window_error', 'cid'))).toBe(
      'ERR_CAE_POPUP_BLOCKED',
    )
  })

  it('returns ERR_CAE_INTERACTION_CANCELLED for user_cancelled', () => {
    expect(classifyInteractive(new BrowserAuthError('user_cancelled', 'cid'))).toBe(
      'ERR_CAE_INTERACTION_CANCELLED',
    )
  })

  it('returns ERR_CAE_ACCESS_BLOCKED for a disabled user reported by the authorize endpoint', () => {
    const error = serverError('access_denied', 'AADSTS50057: disabled', '50057')
    expect(classifyInteractive(error)).toBe('ERR_CAE_ACCESS_BLOCKED')
  })

  it('returns undefined for other failures', () => {
    expect(classifyInteractive(new BrowserAuthError('interaction_in_progress', 'cid'))).toBe(
      undefined,
    )
    expect(classifyInteractive(serverError('server_error'))).toBe(undefined)
  })
})

describe('claimsOf', () => {
  it('returns the claims an InteractionRequiredAuthError carries', () => {
    const claims = '{"access_token":{"capolids":{"essential":true,"values":["p1"]}}}'
    const error = new InteractionRequiredAuthError(
      'invalid_grant',
      'cid',
      '',
      'basic_action',
      '',
      '',
      claims,
    )
    expect(claimsOf(error)).toBe(claims)
  })

  it('returns undefined for empty claims', () => {
    expect(claimsOf(new InteractionRequiredAuthError('login_required', 'cid'))).toBe(undefined)
  })
})

describe('interactionError', () => {
  it('builds the error class of the code, with the claims, scopes and cause', () => {
    const cause = new BrowserAuthError('popup_window_error', 'cid')
    const error = interactionError('ERR_CAE_POPUP_BLOCKED', cause, ['api://x/.default'], '{"a":1}')
    expect(error).toMatchObject({
      name: 'PopupBlockedError',
      code: 'ERR_CAE_POPUP_BLOCKED',
      claims: '{"a":1}',
      scopes: ['api://x/.default'],
      cause,
    })
    expect(error.message).toBe('popup blocked')
  })
})
