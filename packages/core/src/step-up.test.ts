// @vitest-environment node
import { expect, it } from 'vitest'
import type { HeadersLike } from './headers'
import { getStepUpChallenge } from './step-up'

const res = (header: string, status = 401) => ({
  status,
  headers: { 'WWW-Authenticate': header } as HeadersLike,
})

it('reads acr_values from the RFC 9470 §3 example', () => {
  const header =
    'Bearer error="insufficient_user_authentication", error_description="A different authentication level is required", acr_values="myACR"'
  expect(getStepUpChallenge(res(header))).toStrictEqual({
    error: 'insufficient_user_authentication',
    errorDescription: 'A different authentication level is required',
    acrValues: ['myACR'],
    challenge: {
      scheme: 'bearer',
      params: {
        error: 'insufficient_user_authentication',
        error_description: 'A different authentication level is required',
        acr_values: 'myACR',
      },
    },
  })
})

it('reads max_age from the RFC 9470 §3 example in a fetch Response', () => {
  const header =
    'Bearer error="insufficient_user_authentication", error_description="More recent authentication is required", max_age="5"'
  const response = new Response(null, { status: 401, headers: { 'WWW-Authenticate': header } })
  expect(getStepUpChallenge(response)?.maxAge).toBe(5)
})

it('splits acr_values on spaces in order and reads a token max_age', () => {
  const header =
    'Bearer error="insufficient_user_authentication", acr_values=" urn:a  phr c1 ", max_age=0'
  const found = getStepUpChallenge(res(header))
  expect(found?.acrValues).toStrictEqual(['urn:a', 'phr', 'c1'])
  expect(found?.maxAge).toBe(0)
  expect(found && 'errorDescription' in found).toBe(false)
})

it('omits acrValues when acr_values is empty', () => {
  const found = getStepUpChallenge(
    res('Bearer error="insufficient_user_authentication", acr_values="  "'),
  )
  expect(found).toBeDefined()
  expect(found && 'acrValues' in found).toBe(false)
})

it('ignores a max_age that is not a non-negative integer and keeps the challenge', () => {
  for (const maxAge of ['-1', '1.5', '5s', '', ' 5', '0x10', '1e3', '\uff15', '1234567890123456']) {
    const found = getStepUpChallenge(
      res(`Bearer error="insufficient_user_authentication", max_age="${maxAge}"`),
    )
    expect(found?.error, maxAge).toBe('insufficient_user_authentication')
    expect(found && 'maxAge' in found, maxAge).toBe(false)
  }
})

it('finds the step-up challenge in a later Bearer challenge', () => {
  const header =
    'DPoP algs="ES256", Bearer error="invalid_token", Bearer error="insufficient_user_authentication", acr_values="c2"'
  expect(getStepUpChallenge(res(header))?.acrValues).toStrictEqual(['c2'])
})

it('ignores other statuses, errors and schemes', () => {
  const stepUp = 'Bearer error="insufficient_user_authentication", acr_values="c1"'
  expect(getStepUpChallenge(res(stepUp, 403))).toBeUndefined()
  expect(
    getStepUpChallenge(res('Bearer error="insufficient_claims", claims="e30="')),
  ).toBeUndefined()
  expect(getStepUpChallenge(res('DPoP error="insufficient_user_authentication"'))).toBeUndefined()
  expect(getStepUpChallenge(res('Bearer realm="x"'))).toBeUndefined()
})

it('never throws on missing input', () => {
  expect(getStepUpChallenge({ status: 401 } as never)).toBeUndefined()
  expect(getStepUpChallenge(null as never)).toBeUndefined()
})
