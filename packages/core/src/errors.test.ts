import { describe, expect, it } from 'vitest'
import {
  AccessBlockedError,
  type AnyCaeError,
  BodyNotReplayableError,
  CaeError,
  type CaeErrorCode,
  CaeOptionsError,
  ClaimsDecodeError,
  createCaeError,
  InteractionCancelledError,
  InteractionRequiredError,
  isCaeError,
  isCaeErrorCode,
  PopupBlockedError,
  TokenAcquisitionError,
} from './errors'

/** Every code with the class it is thrown as: the table the docs promise. */
const classOfCode: [CaeErrorCode, abstract new (...args: never[]) => CaeError, string][] = [
  ['ERR_CAE_CLAIMS_INVALID', ClaimsDecodeError, 'ClaimsDecodeError'],
  ['ERR_CAE_TOKEN_ACQUISITION_FAILED', TokenAcquisitionError, 'TokenAcquisitionError'],
  ['ERR_CAE_BODY_NOT_REPLAYABLE', BodyNotReplayableError, 'BodyNotReplayableError'],
  ['ERR_CAE_INTERACTION_REQUIRED', InteractionRequiredError, 'InteractionRequiredError'],
  ['ERR_CAE_INTERACTION_CANCELLED', InteractionCancelledError, 'InteractionCancelledError'],
  ['ERR_CAE_POPUP_BLOCKED', PopupBlockedError, 'PopupBlockedError'],
  ['ERR_CAE_ACCESS_BLOCKED', AccessBlockedError, 'AccessBlockedError'],
  ['ERR_CAE_INVALID_OPTIONS', CaeOptionsError, 'CaeOptionsError'],
  ['ERR_CAE_CAPABILITY_MISSING', CaeOptionsError, 'CaeOptionsError'],
]

describe('createCaeError', () => {
  it.each(classOfCode)('builds %s as a %s with what it was given', (code, ErrorClass, name) => {
    const cause = new Error('provider failed')
    const request = { url: 'https://api.test/x' }
    const response = { status: 401 }
    const error = createCaeError(code, 'what happened', {
      cause,
      claims: '{"a":1}',
      scopes: ['api://x/.default'],
      request,
      response,
    })
    expect(error).toBeInstanceOf(ErrorClass)
    expect(error).toBeInstanceOf(CaeError)
    expect(error).toBeInstanceOf(Error)
    expect(error).toMatchObject({ name, code, message: 'what happened', claims: '{"a":1}', cause })
    expect(error.scopes).toEqual(['api://x/.default'])
    expect(error.request).toBe(request)
    expect(error.response).toBe(response)
    expect(isCaeError(error)).toBe(true)
    expect(isCaeErrorCode(code)).toBe(true)
  })

  it('gives every code exactly one class, and no class to two outcomes but the setup error', () => {
    const classes = new Set(classOfCode.map(([, ErrorClass]) => ErrorClass))
    expect(classes.size).toBe(classOfCode.length - 1)
  })

  it('refuses the after-replay code: an unsatisfied replay is a report, never a thrown error', () => {
    expect(isCaeErrorCode('ERR_CAE_CHALLENGE_AFTER_REPLAY')).toBe(false)
    expect(() =>
      createCaeError('ERR_CAE_CHALLENGE_AFTER_REPLAY' as CaeErrorCode, 'challenged again'),
    ).toThrow(expect.objectContaining({ name: 'CaeOptionsError', code: 'ERR_CAE_INVALID_OPTIONS' }))
  })

  it.each(['constructor', '__proto__', 'toString', 'ERR_CAE_NOPE', '', 42, null])(
    'refuses %j as a code with a CaeOptionsError',
    (code) => {
      expect(isCaeErrorCode(code)).toBe(false)
      expect(() => createCaeError(code as CaeErrorCode, 'x')).toThrow(CaeOptionsError)
    },
  )

  it('keeps a long foreign code out of the message beyond 64 characters', () => {
    const code = `ERR_${'X'.repeat(500)}`
    expect(() => createCaeError(code as CaeErrorCode, 'x')).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/^"code" must be .{1,120}$/) }),
    )
  })
})

describe('error classes', () => {
  it('make AccessBlockedError no InteractionRequiredError: a blocked user is not sent to sign in', () => {
    const blocked = new AccessBlockedError('access blocked for scopes api://x/.default')
    expect(blocked).not.toBeInstanceOf(InteractionRequiredError)
    expect(blocked.code).toBe('ERR_CAE_ACCESS_BLOCKED')
  })

  it('throw a missing CP1 as the setup error with its own code', () => {
    const error = new CaeOptionsError('no CP1', { code: 'ERR_CAE_CAPABILITY_MISSING' })
    expect(error).toMatchObject({ name: 'CaeOptionsError', code: 'ERR_CAE_CAPABILITY_MISSING' })
    expect(new CaeOptionsError('"resources" must be an array').code).toBe('ERR_CAE_INVALID_OPTIONS')
  })

  it('never print request or response when logged or serialised', () => {
    const error = new TokenAcquisitionError('token provider failed', {
      request: { headers: { authorization: 'Bearer secret-token' } },
      response: { status: 401 },
      claims: '{}',
    })
    expect(JSON.stringify(error)).not.toContain('secret-token')
    expect(Object.keys(error)).not.toContain('request')
    expect(Object.keys(error)).not.toContain('response')
  })

  it('narrow by code in a switch over AnyCaeError', () => {
    const explain = (error: AnyCaeError): string => {
      switch (error.code) {
        case 'ERR_CAE_ACCESS_BLOCKED':
          return error.name satisfies string
        case 'ERR_CAE_CAPABILITY_MISSING':
        case 'ERR_CAE_INVALID_OPTIONS':
          return (error satisfies CaeOptionsError).name
        default:
          return 'other'
      }
    }
    expect(explain(createCaeError('ERR_CAE_ACCESS_BLOCKED', 'x'))).toBe('AccessBlockedError')
    expect(explain(createCaeError('ERR_CAE_CAPABILITY_MISSING', 'x'))).toBe('CaeOptionsError')
  })
})

describe('isCaeError', () => {
  it('recognises an error of another copy of core by its code', () => {
    const foreign = Object.assign(new Error('x'), { code: 'ERR_CAE_ACCESS_BLOCKED' })
    expect(isCaeError(foreign)).toBe(true)
  })

  it('rejects plain objects and errors of other libraries', () => {
    expect(isCaeError({ code: 'ERR_CAE_ACCESS_BLOCKED' })).toBe(false)
    expect(isCaeError(Object.assign(new Error('x'), { code: 'ERR_BAD_REQUEST' }))).toBe(false)
    expect(isCaeError(undefined)).toBe(false)
  })
})
