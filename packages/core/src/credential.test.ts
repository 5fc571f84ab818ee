// @vitest-environment node
import { describe, expect, it, vi } from 'vitest'
import { encodeClaims } from './claims'
import { fromTokenCredential, type TokenCredentialLike } from './credential'
import { AccessBlockedError, InteractionRequiredError, isCaeError } from './errors'
import { createCaeFetch } from './fetch'

const CLAIMS = '{"access_token":{"nbf":{"essential":true}}}'
const CHALLENGE = `Bearer error="insufficient_claims", claims="${encodeClaims(CLAIMS)}"`
const resources = [{ url: 'https://api.test', scopes: ['s'] }]

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

  it('fails a request with ERR_CAE_TOKEN_ACQUISITION_FAILED when the credential returns null', async () => {
    const fetch = vi.fn(async () => new Response('ok'))
    const caeFetch = createCaeFetch({
      tokenProvider: fromTokenCredential({ getToken: async () => null }),
      resources,
      fetch,
    })
    const error = await caeFetch('https://api.test/me').catch((e: unknown) => e)
    expect(isCaeError(error) && error.code).toBe('ERR_CAE_TOKEN_ACQUISITION_FAILED')
    expect((error as Error).cause).toBeInstanceOf(TypeError)
    expect(fetch).not.toHaveBeenCalled()
  })

  it('fails a challenged request with the claims and the 401 when the credential returns null', async () => {
    let calls = 0
    const credential = {
      getToken: vi.fn(async () => {
        calls++
        return calls === 1 ? { token: 'first', expiresOnTimestamp: Date.now() + 3_600_000 } : null
      }),
    }
    const fetch = vi.fn(
      async () => new Response('no', { status: 401, headers: { 'www-authenticate': CHALLENGE } }),
    )
    const caeFetch = createCaeFetch({
      tokenProvider: fromTokenCredential(credential),
      resources,
      fetch,
    })
    const error = await caeFetch('https://api.test/me').catch((e: unknown) => e)
    expect(isCaeError(error) && error.code).toBe('ERR_CAE_TOKEN_ACQUISITION_FAILED')
    // The error says what was being answered: the claims and the 401 response.
    expect((error as { claims?: string }).claims).toBe(CLAIMS)
    expect((error as { response?: Response }).response?.status).toBe(401)
  })

  // Failed on a3aa53b: both rejected with ERR_CAE_TOKEN_ACQUISITION_FAILED (fromMsalNode gave the
  // coded errors for the same Entra responses).
  it.each([
    [
      'unauthorized_client: Error(s): 7000112 - Description: AADSTS7000112: Application is disabled.',
      AccessBlockedError,
    ],
    ['invalid_grant: AADSTS50173: The provided grant has expired.', InteractionRequiredError],
  ])(
    'rejects an @azure/identity error "%s" with its cae-kit class',
    async (message, ErrorClass) => {
      // @azure/identity 4.13 throws an AuthenticationRequiredError with the response in its message.
      const cause = Object.assign(new Error(message), { name: 'AuthenticationRequiredError' })
      const caeFetch = createCaeFetch({
        tokenProvider: fromTokenCredential({ getToken: () => Promise.reject(cause) }),
        resources,
        fetch: async () => new Response('ok'),
      })
      const error = await caeFetch('https://api.test/me').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ErrorClass)
      expect(error).toMatchObject({ cause, scopes: ['s'] })
    },
  )
})
