// @vitest-environment node
import {
  type AuthenticationResult,
  BrowserAuthError,
  InteractionRequiredAuthError,
} from '@azure/msal-browser'
import { InteractionRequiredError, isCaeError } from '@cae-kit/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  alice,
  bob,
  deferred,
  fakeLocks,
  fakePca,
  fakeStorage,
  flush,
  msalResult,
  serverError,
} from '../test/fakes'
import { fromMsalBrowser } from './provider'

const scopes = ['api://cae/.default']
const claims = '{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}'
const revoked = () => new InteractionRequiredAuthError('login_required', 'cid')

const rejection = async (promise: Promise<unknown>) => {
  try {
    await promise
  } catch (error) {
    return error as Record<string, unknown>
  }
  throw new Error('expected a rejection')
}

let warn: ReturnType<typeof vi.spyOn>
beforeEach(() => {
  warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
  vi.stubGlobal('sessionStorage', fakeStorage())
  // Every test is a fresh page. Node 24 has a real, process-wide `navigator.locks`: a redirect
  // left pending by one test would hold the interaction lock for every later one.
  vi.stubGlobal('navigator', { locks: fakeLocks() })
})
afterEach(() => {
  vi.restoreAllMocks()
  vi.unstubAllGlobals()
})

describe('fromMsalBrowser silent path', () => {
  it('returns the silent token with its expiry and sends no claims key without claims', async () => {
    const pca = fakePca()
    const token = await fromMsalBrowser(pca).getToken({ scopes })
    expect(token).toEqual({ token: 'silent-token', expiresOn: 1_900_000_000_000 })
    expect(pca.acquireTokenSilent).toHaveBeenCalledWith({ scopes, account: alice })
  })

  it('passes the decoded claims to acquireTokenSilent and opens no popup when it succeeds', async () => {
    const pca = fakePca()
    await fromMsalBrowser(pca).getToken({ scopes, claims })
    expect(pca.acquireTokenSilent).toHaveBeenCalledWith({ scopes, account: alice, claims })
    expect(pca.acquireTokenPopup).not.toHaveBeenCalled()
  })

  it('uses the only account when none is active', async () => {
    const pca = fakePca({ active: null, accounts: [bob] })
    await fromMsalBrowser(pca).getToken({ scopes })
    expect(pca.acquireTokenSilent).toHaveBeenCalledWith({ scopes, account: bob })
  })

  it('sends no account when none is active and several are signed in', async () => {
    const pca = fakePca({ active: null, accounts: [alice, bob] })
    await fromMsalBrowser(pca).getToken({ scopes })
    expect(pca.acquireTokenSilent).toHaveBeenCalledWith({ scopes })
  })

  it('uses the account option, given as a value or as a function', async () => {
    const pca = fakePca()
    await fromMsalBrowser(pca, { account: bob }).getToken({ scopes })
    await fromMsalBrowser(pca, { account: async () => bob }).getToken({ scopes })
    expect(pca.acquireTokenSilent.mock.calls.map(([r]) => r)).toEqual([
      { scopes, account: bob },
      { scopes, account: bob },
    ])
  })

  it('rethrows a silent failure that no prompt can fix, unchanged', async () => {
    const pca = fakePca()
    const failure = new BrowserAuthError('no_network_connectivity', 'cid')
    pca.acquireTokenSilent.mockRejectedValue(failure)
    await expect(fromMsalBrowser(pca).getToken({ scopes, claims })).rejects.toBe(failure)
    expect(pca.acquireTokenPopup).not.toHaveBeenCalled()
  })

  it('rejects ERR_CAE_ACCESS_BLOCKED without a popup when the account is disabled', async () => {
    const pca = fakePca()
    const disabled = serverError('invalid_grant', 'AADSTS50057: disabled', '50057')
    pca.acquireTokenSilent.mockRejectedValue(disabled)
    const error = await rejection(fromMsalBrowser(pca).getToken({ scopes, claims }))
    expect(error).toMatchObject({ code: 'ERR_CAE_ACCESS_BLOCKED', claims, scopes, cause: disabled })
    expect(error).toMatchObject({ name: 'AccessBlockedError' })
    // An app that shows a sign-in button on `instanceof InteractionRequiredError` must not here.
    expect(error).not.toBeInstanceOf(InteractionRequiredError)
    expect(pca.acquireTokenPopup).not.toHaveBeenCalled()
  })
})

describe('fromMsalBrowser popup path', () => {
  it('opens a popup with the same scopes, claims and account when silent needs a user', async () => {
    const pca = fakePca()
    pca.acquireTokenSilent.mockRejectedValue(revoked())
    const token = await fromMsalBrowser(pca).getToken({ scopes, claims })
    expect(token.token).toBe('popup-token')
    expect(pca.acquireTokenPopup).toHaveBeenCalledWith({ scopes, account: alice, claims })
  })

  it('tells cae-kit a prompt is open from before the popup opens until it closes', async () => {
    const pca = fakePca()
    pca.acquireTokenSilent.mockRejectedValue(revoked())
    const log: string[] = []
    pca.acquireTokenPopup.mockImplementation(async () => {
      log.push('popup')
      return msalResult('popup-token')
    })
    await fromMsalBrowser(pca).getToken({
      scopes,
      claims,
      interactionStarted: () => {
        log.push('started')
        return () => log.push('ended')
      },
    })
    expect(log).toEqual(['started', 'popup', 'ended'])
  })

  it('opens a popup after a ServerError invalid_grant', async () => {
    const pca = fakePca()
    pca.acquireTokenSilent.mockRejectedValue(serverError('invalid_grant', 'AADSTS70043'))
    await expect(fromMsalBrowser(pca).getToken({ scopes, claims })).resolves.toMatchObject({
      token: 'popup-token',
    })
  })

  it('asks the popup for the claims the token endpoint named when the request had none', async () => {
    const pca = fakePca()
    const named = '{"access_token":{"capolids":{"essential":true,"values":["p1"]}}}'
    pca.acquireTokenSilent.mockRejectedValue(
      new InteractionRequiredAuthError('invalid_grant', 'cid', '', 'basic_action', '', '', named),
    )
    await fromMsalBrowser(pca).getToken({ scopes })
    expect(pca.acquireTokenPopup).toHaveBeenCalledWith({ scopes, account: alice, claims: named })
  })

  it('passes interactiveRequest fields through to the popup', async () => {
    const pca = fakePca()
    pca.acquireTokenSilent.mockRejectedValue(revoked())
    const interactiveRequest = { redirectUri: 'http://localhost/redirect.html', prompt: 'login' }
    await fromMsalBrowser(pca, { interactiveRequest }).getToken({ scopes, claims })
    expect(pca.acquireTokenPopup).toHaveBeenCalledWith({
      ...interactiveRequest,
      scopes,
      account: alice,
      claims,
    })
  })

  it('calls onInteraction before the popup opens, with the prompt kind, scopes and claims', async () => {
    const pca = fakePca()
    pca.acquireTokenSilent.mockRejectedValue(revoked())
    const order: string[] = []
    pca.acquireTokenPopup.mockImplementation(async () => {
      order.push('popup')
      return msalResult('popup-token')
    })
    const onInteraction = vi.fn(async () => void order.push('hook'))
    await fromMsalBrowser(pca, { onInteraction }).getToken({ scopes, claims })
    expect(onInteraction).toHaveBeenCalledWith({ kind: 'popup', scopes, claims, account: alice })
    expect(order).toEqual(['hook', 'popup'])
  })

  it('rejects ERR_CAE_INTERACTION_CANCELLED without a popup when onInteraction throws', async () => {
    const pca = fakePca()
    pca.acquireTokenSilent.mockRejectedValue(revoked())
    const declined = new Error('user dismissed the toast')
    const provider = fromMsalBrowser(pca, { onInteraction: () => Promise.reject(declined) })
    const error = await rejection(provider.getToken({ scopes, claims }))
    expect(error).toMatchObject({ code: 'ERR_CAE_INTERACTION_CANCELLED', cause: declined })
    expect(pca.acquireTokenPopup).not.toHaveBeenCalled()
  })

  it('rejects ERR_CAE_POPUP_BLOCKED with the claims when the popup cannot open', async () => {
    const pca = fakePca()
    pca.acquireTokenSilent.mockRejectedValue(revoked())
    pca.acquireTokenPopup.mockRejectedValue(new BrowserAuthError('popup_window_error', 'cid'))
    const error = await rejection(fromMsalBrowser(pca).getToken({ scopes, claims }))
    expect(error).toMatchObject({ name: 'PopupBlockedError', code: 'ERR_CAE_POPUP_BLOCKED' })
    expect(error).toMatchObject({ claims, scopes })
    expect(isCaeError(error)).toBe(true)
  })

  it('rejects ERR_CAE_INTERACTION_CANCELLED and keeps no claims for later calls', async () => {
    const pca = fakePca()
    pca.acquireTokenSilent.mockRejectedValueOnce(revoked())
    pca.acquireTokenPopup.mockRejectedValue(new BrowserAuthError('user_cancelled', 'cid'))
    const provider = fromMsalBrowser(pca)
    const error = await rejection(provider.getToken({ scopes, claims }))
    expect(error.code).toBe('ERR_CAE_INTERACTION_CANCELLED')
    await provider.getToken({ scopes })
    expect(pca.acquireTokenSilent).toHaveBeenLastCalledWith({ scopes, account: alice })
  })

  it('rejects ERR_CAE_ACCESS_BLOCKED when the popup reports a disabled user', async () => {
    const pca = fakePca()
    pca.acquireTokenSilent.mockRejectedValue(revoked())
    pca.acquireTokenPopup.mockRejectedValue(
      serverError('access_denied', 'AADSTS50057: user disabled', '50057'),
    )
    const error = await rejection(fromMsalBrowser(pca).getToken({ scopes, claims }))
    expect(error.code).toBe('ERR_CAE_ACCESS_BLOCKED')
  })

  it('rethrows other popup failures unchanged', async () => {
    const pca = fakePca()
    pca.acquireTokenSilent.mockRejectedValue(revoked())
    const failure = new BrowserAuthError('interaction_in_progress', 'cid')
    pca.acquireTokenPopup.mockRejectedValue(failure)
    await expect(fromMsalBrowser(pca).getToken({ scopes, claims })).rejects.toBe(failure)
  })

  it('skips silent for a step-up and asks the popup for max_age and acr_values', async () => {
    const pca = fakePca()
    const provider = fromMsalBrowser(pca, {
      interactiveRequest: { extraQueryParameters: { domain_hint: 'contoso.test' } },
    })
    await provider.getToken({ scopes, stepUp: { acrValues: ['c1', 'c2'], maxAge: 300 } })
    expect(pca.acquireTokenSilent).not.toHaveBeenCalled()
    expect(pca.acquireTokenPopup).toHaveBeenCalledWith({
      scopes,
      account: alice,
      maxAge: 300,
      extraQueryParameters: { domain_hint: 'contoso.test', acr_values: 'c1 c2' },
    })
  })
})

describe('fromMsalBrowser interaction: none', () => {
  it('rejects ERR_CAE_INTERACTION_REQUIRED carrying the claims and the MSAL cause', async () => {
    const pca = fakePca()
    const cause = revoked()
    pca.acquireTokenSilent.mockRejectedValue(cause)
    const error = await rejection(
      fromMsalBrowser(pca, { interaction: 'none' }).getToken({ scopes, claims }),
    )
    expect(error).toMatchObject({ code: 'ERR_CAE_INTERACTION_REQUIRED', claims, scopes, cause })
    expect(pca.acquireTokenPopup).not.toHaveBeenCalled()
  })
})

describe('fromMsalBrowser one prompt at a time', () => {
  it('queues a challenge with other claims behind the open popup, then satisfies it silently', async () => {
    const pca = fakePca()
    const popup = deferred<AuthenticationResult>()
    let sessionRenewed = false
    pca.acquireTokenSilent.mockImplementation(async () => {
      if (!sessionRenewed) throw revoked()
      return msalResult('silent-after-popup')
    })
    pca.acquireTokenPopup.mockImplementation(async () => {
      const result = await popup.promise
      sessionRenewed = true
      return result
    })
    const provider = fromMsalBrowser(pca)
    const first = provider.getToken({ scopes, claims })
    const second = provider.getToken({ scopes: ['api://other/.default'], claims: '{"b":1}' })
    await flush()
    expect(pca.acquireTokenPopup).toHaveBeenCalledTimes(1)
    popup.resolve(msalResult('popup-token'))
    expect((await first).token).toBe('popup-token')
    expect((await second).token).toBe('silent-after-popup')
    expect(pca.acquireTokenPopup).toHaveBeenCalledTimes(1)
  })

  it('prompts again for a queued request that silent still cannot satisfy', async () => {
    const pca = fakePca()
    pca.acquireTokenSilent.mockRejectedValue(revoked())
    const provider = fromMsalBrowser(pca)
    await Promise.all([
      provider.getToken({ scopes, claims }),
      provider.getToken({ scopes: ['api://other/.default'], claims }),
    ])
    expect(pca.acquireTokenPopup).toHaveBeenCalledTimes(2)
    // Initial silent x2, then one silent retry for the queued request after the first popup.
    expect(pca.acquireTokenSilent).toHaveBeenCalledTimes(3)
  })

  it('shares the queue between two providers over the same application', async () => {
    const pca = fakePca()
    pca.acquireTokenSilent.mockRejectedValue(revoked())
    const popup = deferred<AuthenticationResult>()
    pca.acquireTokenPopup.mockReturnValueOnce(popup.promise)
    const a = fromMsalBrowser(pca).getToken({ scopes, claims })
    const b = fromMsalBrowser(pca).getToken({ scopes, claims })
    await flush()
    expect(pca.acquireTokenPopup).toHaveBeenCalledTimes(1)
    popup.resolve(msalResult('popup-token'))
    await Promise.all([a, b])
  })
})

describe('fromMsalBrowser redirect path', () => {
  const pending = [{ method: 'POST', url: 'https://api/messages', headers: {}, body: '{"a":1}' }]

  it('stores the pending requests under the MSAL state and stays pending while the page leaves', async () => {
    const pca = fakePca()
    pca.acquireTokenSilent.mockRejectedValue(revoked())
    pca.acquireTokenRedirect.mockReturnValue(new Promise(() => undefined))
    const settled = vi.fn()
    fromMsalBrowser(pca, { interaction: 'redirect' })
      .getToken({ scopes, claims, pendingRequests: async () => pending })
      .then(settled, settled)
    await flush()
    const request = pca.acquireTokenRedirect.mock.calls[0]?.[0] as { state: string }
    expect(request).toMatchObject({ scopes, claims, account: alice })
    expect(request.state).toMatch(/^cae-kit\.redirect\.\d+$/)
    expect(JSON.parse(sessionStorage.getItem(request.state) ?? 'null')).toEqual(pending)
    expect(settled).not.toHaveBeenCalled()
  })

  it('stores an empty list when the engine gives no pendingRequests', async () => {
    const pca = fakePca()
    pca.acquireTokenSilent.mockRejectedValue(revoked())
    pca.acquireTokenRedirect.mockReturnValue(new Promise(() => undefined))
    void fromMsalBrowser(pca, { interaction: 'redirect' }).getToken({ scopes, claims })
    await flush()
    const request = pca.acquireTokenRedirect.mock.calls[0]?.[0] as { state: string }
    expect(sessionStorage.getItem(request.state)).toBe('[]')
  })

  it('rejects ERR_CAE_INTERACTION_REQUIRED when MSAL returns without leaving the page', async () => {
    const pca = fakePca()
    pca.acquireTokenSilent.mockRejectedValue(revoked())
    const error = await rejection(
      fromMsalBrowser(pca, { interaction: 'redirect' }).getToken({ scopes, claims }),
    )
    expect(error.code).toBe('ERR_CAE_INTERACTION_REQUIRED')
  })

  it('removes the stored entry and rethrows when acquireTokenRedirect fails', async () => {
    const pca = fakePca()
    pca.acquireTokenSilent.mockRejectedValue(revoked())
    const failure = new BrowserAuthError('interaction_in_progress', 'cid')
    pca.acquireTokenRedirect.mockRejectedValue(failure)
    const provider = fromMsalBrowser(pca, { interaction: 'redirect' })
    await expect(provider.getToken({ scopes, pendingRequests: async () => pending })).rejects.toBe(
      failure,
    )
    expect(sessionStorage.length).toBe(0)
  })

  it('falls back to a redirect when the popup is blocked and fallbackToRedirect is set', async () => {
    const pca = fakePca()
    pca.acquireTokenSilent.mockRejectedValue(revoked())
    pca.acquireTokenPopup.mockRejectedValue(new BrowserAuthError('empty_window_error', 'cid'))
    pca.acquireTokenRedirect.mockReturnValue(new Promise(() => undefined))
    const onInteraction = vi.fn()
    void fromMsalBrowser(pca, { fallbackToRedirect: true, onInteraction }).getToken({
      scopes,
      claims,
      pendingRequests: async () => pending,
    })
    await flush()
    expect(pca.acquireTokenRedirect).toHaveBeenCalledWith(
      expect.objectContaining({ scopes, claims, account: alice }),
    )
    expect(onInteraction.mock.calls.map(([event]) => event.kind)).toEqual(['popup', 'redirect'])
  })
})

describe('fromMsalBrowser CP1 check', () => {
  it('warns once at creation when clientCapabilities lacks CP1', () => {
    fromMsalBrowser(fakePca({ capabilities: [] }))
    expect(warn).toHaveBeenCalledTimes(1)
  })

  it('throws ERR_CAE_CAPABILITY_MISSING when requireCapability is set', () => {
    const create = () => fromMsalBrowser(fakePca({ capabilities: [] }), { requireCapability: true })
    expect(create).toThrow(
      expect.objectContaining({ name: 'CaeOptionsError', code: 'ERR_CAE_CAPABILITY_MISSING' }),
    )
  })

  it('stays silent when CP1 is declared or the configuration cannot be read', () => {
    fromMsalBrowser(fakePca(), { requireCapability: true })
    const { getConfiguration: _, ...withoutConfiguration } = fakePca({ capabilities: [] })
    fromMsalBrowser(withoutConfiguration, { requireCapability: true })
    expect(warn).not.toHaveBeenCalled()
  })
})
