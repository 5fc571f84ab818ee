import axios, { AxiosError } from 'axios'
import { describe, expect, it } from 'vitest'
import { counting, resources, useChallengingApi } from '../test/challenging-api'
import { attachCae } from './attach'
import { isCaeAxiosError } from './cae-axios-error'

useChallengingApi({ challenges: (path) => path === '/v1/always' })

describe('isCaeAxiosError', () => {
  it('recognises the error of a replay challenged again and reads its caeKit', async () => {
    const instance = axios.create()
    attachCae(instance, { tokenProvider: counting(), resources })
    const error = await instance.get('https://api.test/v1/always').catch((e: unknown) => e)
    expect(isCaeAxiosError(error)).toBe(true)
    if (!isCaeAxiosError(error)) throw error
    expect(error.response?.status).toBe(401)
    expect(error.caeKit).toEqual({
      code: 'ERR_CAE_CHALLENGE_AFTER_REPLAY',
      claims: '{"access_token":{"nbf":{"essential":true}}}',
      stepUp: undefined,
      scopes: ['api://test/.default'],
    })
  })

  it('rejects other axios errors: a 401 without cae-kit, a timeout', async () => {
    const plain = await axios.get('https://api.test/v1/always').catch((e: unknown) => e)
    expect(plain).toBeInstanceOf(AxiosError)
    expect(isCaeAxiosError(plain)).toBe(false)
    expect(isCaeAxiosError(new AxiosError('timeout', AxiosError.ECONNABORTED))).toBe(false)
  })

  it('rejects look-alikes: no isAxiosError, another caeKit code, null and primitives', () => {
    const caeKit = { code: 'ERR_CAE_CHALLENGE_AFTER_REPLAY', scopes: [] }
    expect(isCaeAxiosError({ caeKit })).toBe(false)
    expect(isCaeAxiosError(Object.assign(new Error('x'), { caeKit }))).toBe(false)
    expect(isCaeAxiosError({ isAxiosError: true, caeKit: { code: 'ERR_OTHER' } })).toBe(false)
    expect(isCaeAxiosError({ isAxiosError: true, caeKit: null })).toBe(false)
    expect(isCaeAxiosError({ isAxiosError: 'true', caeKit })).toBe(false)
    for (const value of [null, undefined, 0, '', 'ERR_CAE_CHALLENGE_AFTER_REPLAY', true]) {
      expect(isCaeAxiosError(value)).toBe(false)
    }
  })

  it('accepts the error of another copy of axios, as axios.isAxiosError does', () => {
    // A second axios bundled elsewhere: its errors are no instance of this copy's AxiosError.
    const foreign = {
      isAxiosError: true,
      message: 'x',
      caeKit: { code: 'ERR_CAE_CHALLENGE_AFTER_REPLAY', scopes: [] },
    }
    expect(foreign instanceof AxiosError).toBe(false)
    expect(isCaeAxiosError(foreign)).toBe(true)
  })
})
