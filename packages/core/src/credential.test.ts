// @vitest-environment node
import { describe, expect, it, vi } from 'vitest'
import { fromTokenCredential, type TokenCredentialLike } from './credential'

describe('fromTokenCredential', () => {
  it('asks the credential for a CAE token with the decoded claims and the signal', async () => {
    const getToken = vi.fn<TokenCredentialLike['getToken']>(async () => ({
      token: 'abc',
      expiresOnTimestamp: 1_700_000_000_000,
      tokenType: 'Bearer',
    }))
    const signal = new AbortController().signal
    const token = await fromTokenCredential({ getToken }).getToken({
      scopes: ['https://graph.test/.default'],
      claims: '{"access_token":{"nbf":{"essential":true}}}',
      signal,
    })
    expect(getToken).toHaveBeenCalledWith(['https://graph.test/.default'], {
      enableCae: true,
      claims: '{"access_token":{"nbf":{"essential":true}}}',
      abortSignal: signal,
    })
    expect(token).toEqual({ token: 'abc', expiresOn: 1_700_000_000_000, tokenType: 'Bearer' })
  })

  it('always passes enableCae, also without claims', async () => {
    const getToken = vi.fn<TokenCredentialLike['getToken']>(async () => ({
      token: 'abc',
      expiresOnTimestamp: 1,
    }))
    expect(await fromTokenCredential({ getToken }).getToken({ scopes: ['s'] })).toEqual({
      token: 'abc',
      expiresOn: 1,
    })
    expect(getToken).toHaveBeenCalledWith(['s'], { enableCae: true })
  })

  it('rejects with ERR_CAE_TOKEN_ACQUISITION_FAILED when the credential returns null', async () => {
    const provider = fromTokenCredential({ getToken: async () => null })
    await expect(provider.getToken({ scopes: ['s'], claims: '{}' })).rejects.toMatchObject({
      code: 'ERR_CAE_TOKEN_ACQUISITION_FAILED',
      claims: '{}',
      scopes: ['s'],
    })
  })
})
