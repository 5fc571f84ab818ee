// @vitest-environment node
import type {
  AccountInfo,
  AuthenticationResult,
  ClientCredentialRequest,
  OnBehalfOfRequest,
  SilentFlowRequest,
} from '@azure/msal-node'
import { InteractionRequiredAuthError, ServerError } from '@azure/msal-node'
import { isCaeError } from '@cae-kit/core'
import { describe, expect, it, vi } from 'vitest'
import { fromMsalNode } from './from-msal-node'
import type { MsalNodeProviderOptions } from './types'

const quiet = { logger: { warn: () => {} } }
const scopes = ['api://demo/.default']
const claims = '{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}'
const account = { homeAccountId: 'uid.utid', username: 'alice@contoso.test' } as AccountInfo

function result(overrides: Partial<AuthenticationResult> = {}): AuthenticationResult {
  return {
    accessToken: 'at-1',
    tokenType: 'Bearer',
    expiresOn: new Date(1_900_000_000_000),
    ...overrides,
  } as AuthenticationResult
}

/** A confidential client double recording every MSAL request it receives. */
function fakeCca(answer: () => Promise<AuthenticationResult | null> = async () => result()) {
  const calls: { method: string; request: object }[] = []
  return {
    calls,
    app: {
      config: { auth: { clientCapabilities: ['CP1'] } },
      acquireTokenByClientCredential: (request: ClientCredentialRequest) => {
        calls.push({ method: 'clientCredential', request })
        return answer()
      },
      acquireTokenOnBehalfOf: (request: OnBehalfOfRequest) => {
        calls.push({ method: 'onBehalfOf', request })
        return answer()
      },
      acquireTokenSilent: (request: SilentFlowRequest) => {
        calls.push({ method: 'silent', request })
        return answer()
      },
    },
  }
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (error: unknown) => error,
  )
}

describe('fromMsalNode', () => {
  it('sends only scopes to acquireTokenByClientCredential when there are no claims', async () => {
    const { app, calls } = fakeCca()
    const provider = fromMsalNode(app, { flow: 'clientCredentials', ...quiet })
    await expect(provider.getToken({ scopes })).resolves.toEqual({
      token: 'at-1',
      tokenType: 'Bearer',
      expiresOn: 1_900_000_000_000,
    })
    expect(calls).toEqual([{ method: 'clientCredential', request: { scopes } }])
  })

  it('passes decoded claims unchanged to acquireTokenByClientCredential', async () => {
    const { app, calls } = fakeCca()
    await fromMsalNode(app, { flow: 'clientCredentials', ...quiet }).getToken({ scopes, claims })
    expect(calls).toEqual([{ method: 'clientCredential', request: { scopes, claims } }])
  })

  it('rejects base64 claims with ERR_CAE_CLAIMS_INVALID before calling msal', async () => {
    const { app, calls } = fakeCca()
    const provider = fromMsalNode(app, { flow: 'clientCredentials', ...quiet })
    const error = await rejection(provider.getToken({ scopes, claims: btoa(claims) }))
    expect(error).toMatchObject({ code: 'ERR_CAE_CLAIMS_INVALID' })
    const arrayError = await rejection(provider.getToken({ scopes, claims: '[1]' }))
    expect(arrayError).toMatchObject({ code: 'ERR_CAE_CLAIMS_INVALID' })
    expect(calls).toEqual([])
  })

  it('sends the assertion string with claims to acquireTokenOnBehalfOf', async () => {
    const { app, calls } = fakeCca()
    const provider = fromMsalNode(app, { flow: 'onBehalfOf', assertion: 'user-token', ...quiet })
    await provider.getToken({ scopes, claims })
    expect(calls).toEqual([
      { method: 'onBehalfOf', request: { scopes, claims, oboAssertion: 'user-token' } },
    ])
  })

  it('reads an assertion function on every token request', async () => {
    const { app, calls } = fakeCca()
    let n = 0
    const provider = fromMsalNode(app, {
      flow: 'onBehalfOf',
      assertion: async () => `user-token-${++n}`,
      ...quiet,
    })
    await provider.getToken({ scopes })
    await provider.getToken({ scopes })
    expect(calls.map((call) => (call.request as OnBehalfOfRequest).oboAssertion)).toEqual([
      'user-token-1',
      'user-token-2',
    ])
  })

  it('marks a confidential provider that reads its caller per call as caller-scoped', () => {
    const { app } = fakeCca()
    const of = (options: MsalNodeProviderOptions) => fromMsalNode(app, options).callerScoped
    expect(of({ flow: 'onBehalfOf', assertion: () => 'user-token', ...quiet })).toBe(true)
    expect(of({ flow: 'silent', account: () => account, ...quiet })).toBe(true)
    expect(of({ flow: 'onBehalfOf', assertion: 'user-token', ...quiet })).toBeUndefined()
    expect(of({ flow: 'silent', account, ...quiet })).toBeUndefined()
    expect(of({ flow: 'clientCredentials', ...quiet })).toBeUndefined()
  })

  it("trusts a public client's account function to name the one signed-in user", () => {
    const pca = { acquireTokenSilent: vi.fn(async () => result()) }
    const provider = fromMsalNode(pca, { flow: 'silent', account: () => account, ...quiet })
    expect(provider.callerScoped).toBeUndefined()
  })

  it('rejects with ERR_CAE_INVALID_OPTIONS when the assertion function returns nothing', async () => {
    const { app } = fakeCca()
    const provider = fromMsalNode(app, { flow: 'onBehalfOf', assertion: () => '', ...quiet })
    await expect(rejection(provider.getToken({ scopes }))).resolves.toMatchObject({
      code: 'ERR_CAE_INVALID_OPTIONS',
    })
  })

  it('sends the account to acquireTokenSilent, from a value or a function', async () => {
    const { app, calls } = fakeCca()
    await fromMsalNode(app, { flow: 'silent', account, ...quiet }).getToken({ scopes, claims })
    await fromMsalNode(app, { flow: 'silent', account: async () => account, ...quiet }).getToken({
      scopes,
    })
    expect(calls).toEqual([
      { method: 'silent', request: { scopes, claims, account } },
      { method: 'silent', request: { scopes, account } },
    ])
  })

  it('rejects with ERR_CAE_INTERACTION_REQUIRED when the account function finds nobody', async () => {
    const { app, calls } = fakeCca()
    const provider = fromMsalNode(app, { flow: 'silent', account: () => null, ...quiet })
    const error = await rejection(provider.getToken({ scopes, claims }))
    expect(error).toMatchObject({ code: 'ERR_CAE_INTERACTION_REQUIRED', claims, scopes })
    expect(calls).toEqual([])
  })

  it('accepts a public client shape for the silent flow', async () => {
    const pca = {
      acquireTokenSilent: vi.fn(async (_request: SilentFlowRequest) => result()),
      getAllAccounts: async () => [account],
    }
    const provider = fromMsalNode(pca, { flow: 'silent', account, ...quiet })
    await expect(provider.getToken({ scopes })).resolves.toMatchObject({ token: 'at-1' })
  })

  it('uses the tokenType msal returns and defaults to Bearer', async () => {
    const pop = fakeCca(async () => result({ tokenType: 'pop' }))
    const none = fakeCca(async () => result({ tokenType: '' }))
    const options = { flow: 'clientCredentials', ...quiet } as const
    await expect(fromMsalNode(pop.app, options).getToken({ scopes })).resolves.toMatchObject({
      tokenType: 'pop',
    })
    await expect(fromMsalNode(none.app, options).getToken({ scopes })).resolves.toMatchObject({
      tokenType: 'Bearer',
    })
  })

  it('omits expiresOn when msal gives no expiry', async () => {
    const { app } = fakeCca(async () => result({ expiresOn: null }))
    const token = await fromMsalNode(app, { flow: 'clientCredentials', ...quiet }).getToken({
      scopes,
    })
    expect(token).toEqual({ token: 'at-1', tokenType: 'Bearer' })
  })

  it('rejects with ERR_CAE_TOKEN_ACQUISITION_FAILED when msal resolves null', async () => {
    const { app } = fakeCca(async () => null)
    const provider = fromMsalNode(app, { flow: 'clientCredentials', ...quiet })
    await expect(rejection(provider.getToken({ scopes, claims }))).resolves.toMatchObject({
      code: 'ERR_CAE_TOKEN_ACQUISITION_FAILED',
      claims,
    })
  })

  it('maps msal interaction errors to a coded error carrying msal claims', async () => {
    const msalClaims = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}'
    const msalError = new InteractionRequiredAuthError(
      'invalid_grant',
      'corr',
      'AADSTS50076',
      'basic_action',
      '',
      '',
      msalClaims,
    )
    const { app } = fakeCca(() => Promise.reject(msalError))
    const provider = fromMsalNode(app, { flow: 'onBehalfOf', assertion: 't', ...quiet })
    const error = await rejection(provider.getToken({ scopes, claims }))
    expect(isCaeError(error)).toBe(true)
    expect(error).toMatchObject({
      code: 'ERR_CAE_INTERACTION_REQUIRED',
      claims: msalClaims,
      scopes,
      cause: msalError,
    })
  })

  it('propagates other msal errors unchanged', async () => {
    const msalError = new ServerError('temporarily_unavailable', 'corr', '5xx', '', '', 503)
    const { app } = fakeCca(() => Promise.reject(msalError))
    const provider = fromMsalNode(app, { flow: 'clientCredentials', ...quiet })
    await expect(rejection(provider.getToken({ scopes }))).resolves.toBe(msalError)
  })

  it('rejects with signal.reason without calling msal when already aborted', async () => {
    const { app, calls } = fakeCca()
    const provider = fromMsalNode(app, { flow: 'clientCredentials', ...quiet })
    const reason = new Error('gone')
    await expect(
      rejection(provider.getToken({ scopes, signal: AbortSignal.abort(reason) })),
    ).resolves.toBe(reason)
    expect(calls).toEqual([])
  })

  it('rejects with signal.reason when aborted while msal is running', async () => {
    let finish: (value: AuthenticationResult) => void = () => {}
    const { app } = fakeCca(() => new Promise((resolve) => (finish = resolve)))
    const provider = fromMsalNode(app, { flow: 'clientCredentials', ...quiet })
    const controller = new AbortController()
    const pending = rejection(provider.getToken({ scopes, signal: controller.signal }))
    const reason = new Error('caller left')
    controller.abort(reason)
    await expect(pending).resolves.toBe(reason)
    finish(result())
  })

  it.each([
    ['an unknown flow', { flow: 'deviceCode' }],
    ['a missing flow', {}],
    ['onBehalfOf without assertion', { flow: 'onBehalfOf' }],
    ['onBehalfOf with an empty assertion', { flow: 'onBehalfOf', assertion: '' }],
    ['silent without account', { flow: 'silent' }],
    ['silent with a null account', { flow: 'silent', account: null }],
  ])('throws ERR_CAE_INVALID_OPTIONS at creation for %s', (_name, options) => {
    const { app } = fakeCca()
    expect(() => fromMsalNode(app, { ...quiet, ...options } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_CAE_INVALID_OPTIONS' }),
    )
  })

  it('throws ERR_CAE_INVALID_OPTIONS when the app lacks the flow method', () => {
    const pca = { acquireTokenSilent: async () => result() }
    expect(() => fromMsalNode(pca as never, { flow: 'clientCredentials', ...quiet })).toThrow(
      expect.objectContaining({ code: 'ERR_CAE_INVALID_OPTIONS' }),
    )
    expect(() =>
      fromMsalNode(pca as never, { flow: 'onBehalfOf', assertion: 't', ...quiet }),
    ).toThrow(expect.objectContaining({ code: 'ERR_CAE_INVALID_OPTIONS' }))
    expect(() => fromMsalNode(null as never, { flow: 'silent', account, ...quiet })).toThrow(
      expect.objectContaining({ code: 'ERR_CAE_INVALID_OPTIONS' }),
    )
  })
})
