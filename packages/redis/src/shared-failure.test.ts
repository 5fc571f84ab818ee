// @vitest-environment node
import { AccessBlockedError, InteractionRequiredError, TokenAcquisitionError } from '@cae-kit/core'
import { expect, it } from 'vitest'
import { overlappedFailure, sharedFailure } from './shared-failure'

it('shares an access block for apps and users alike', () => {
  const blocked = new AccessBlockedError('access blocked', { claims: '{"x":1}' })
  expect(sharedFailure(blocked, undefined)).toEqual({
    code: 'ERR_CAE_ACCESS_BLOCKED',
    message: 'access blocked',
    claims: '{"x":1}',
  })
  expect(sharedFailure(blocked, 'alice')).toMatchObject({ code: 'ERR_CAE_ACCESS_BLOCKED' })
})

it("shares interaction required for an app flow only, not for one user's partition", () => {
  const required = new InteractionRequiredError('interaction required')
  expect(sharedFailure(required, undefined)).toMatchObject({ code: 'ERR_CAE_INTERACTION_REQUIRED' })
  expect(sharedFailure(required, 'alice')).toBeUndefined()
})

it('keeps retryable failures and foreign errors to the process that met them', () => {
  expect(sharedFailure(new TokenAcquisitionError('network'), undefined)).toBeUndefined()
  expect(sharedFailure(new Error('ECONNRESET'), undefined)).toBeUndefined()
  expect(sharedFailure('a string', undefined)).toBeUndefined()
})

it("hands a failed attempt's waiters its cae-kit error, or a coded failure without foreign detail", () => {
  const failed = new TokenAcquisitionError('token acquisition failed: GET https://api.test/a')
  expect(overlappedFailure(failed, undefined)).toEqual({
    code: 'ERR_CAE_TOKEN_ACQUISITION_FAILED',
    message: 'token acquisition failed: GET https://api.test/a',
    claims: undefined,
  })
  const foreign = overlappedFailure(new Error('ECONNRESET secret=abc'), '{"a":1}')
  expect(foreign).toMatchObject({ code: 'ERR_CAE_TOKEN_ACQUISITION_FAILED', claims: '{"a":1}' })
  expect(foreign.message).not.toContain('secret')
})
