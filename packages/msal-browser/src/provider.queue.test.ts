// @vitest-environment node
import {
  type AccountInfo,
  type AuthenticationResult,
  BrowserAuthError,
  InteractionRequiredAuthError,
} from '@azure/msal-browser'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { deferred, fakeLocks, fakePca, fakeStorage, flush, msalResult } from '../test/fakes'
import { fromMsalBrowser } from './provider'

const scopes = ['api://cae/.default']
const claims = '{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}'
const revoked = () => new InteractionRequiredAuthError('login_required', 'cid')

beforeEach(() => {
  vi.spyOn(console, 'warn').mockImplementation(() => undefined)
  vi.stubGlobal('sessionStorage', fakeStorage())
})
afterEach(() => {
  vi.restoreAllMocks()
  vi.unstubAllGlobals()
})

describe('abort while waiting for another tab', () => {
  it('never prompts for a request aborted while it waited for the cross-tab Web Lock', async () => {
    vi.stubGlobal('navigator', { locks: fakeLocks() })
    // Two tabs of the same app (same clientId), each with its own MSAL instance.
    const tabA = fakePca()
    const tabB = fakePca()
    tabA.acquireTokenSilent.mockRejectedValue(revoked())
    tabB.acquireTokenSilent.mockRejectedValue(revoked())
    const popupA = deferred<AuthenticationResult>()
    tabA.acquireTokenPopup.mockReturnValue(popupA.promise)

    const a = fromMsalBrowser(tabA).getToken({ scopes, claims })
    await flush()
    expect(tabA.acquireTokenPopup).toHaveBeenCalledTimes(1) // tab A holds the lock

    const controller = new AbortController()
    const b = fromMsalBrowser(tabB).getToken({ scopes, claims, signal: controller.signal })
    await flush() // tab B is now queued on the Web Lock
    expect(tabB.acquireTokenPopup).not.toHaveBeenCalled()
    controller.abort(new Error('nobody waits any more'))
    await expect(b).rejects.toThrow('nobody waits any more')

    popupA.resolve(msalResult('popup-a'))
    await a
    await flush()
    await flush()
    // The gate's contract: "a task whose signal aborted while queued never runs".
    expect(tabB.acquireTokenPopup).not.toHaveBeenCalled()
  })
})

describe('account of a queued request', () => {
  it('lets a queued request use the account the prompt just signed in (one popup)', async () => {
    // Fresh page: nobody signed in yet. After the popup, MSAL knows one account.
    let accounts: AccountInfo[] = []
    const pca = fakePca({ active: null })
    pca.getAllAccounts.mockImplementation(() => accounts)
    pca.acquireTokenSilent.mockImplementation(async (request: unknown) => {
      // MSAL browser: a silent request without an account fails with no_account_error.
      if (!(request as { account?: unknown }).account) {
        throw new BrowserAuthError('no_account_error', 'cid')
      }
      return msalResult('silent-token')
    })
    const popup = deferred<AuthenticationResult>()
    pca.acquireTokenPopup.mockImplementationOnce(async () => {
      const result = await popup.promise
      accounts = [result.account as AccountInfo]
      return result
    })
    const provider = fromMsalBrowser(pca)
    const first = provider.getToken({ scopes })
    const second = provider.getToken({ scopes: ['api://other/.default'] })
    await flush()
    popup.resolve(msalResult('popup-token'))
    await Promise.all([first, second])
    // The queued request should retry silently with the now-only account, not prompt again.
    expect(pca.acquireTokenPopup).toHaveBeenCalledTimes(1)
  })
})

describe('waiters share a cancelled prompt', () => {
  it('does not re-prompt (or redirect) the queued challenges after the user closed the popup', async () => {
    const pca = fakePca()
    pca.acquireTokenSilent.mockRejectedValue(revoked())
    pca.acquireTokenPopup
      // The user closes the sign-in popup.
      .mockRejectedValueOnce(new BrowserAuthError('user_cancelled', 'cid'))
      // Any later window.open has no user activation left: the browser blocks it.
      .mockRejectedValue(new BrowserAuthError('popup_window_error', 'cid'))
    pca.acquireTokenRedirect.mockReturnValue(new Promise(() => undefined))
    const provider = fromMsalBrowser(pca, { fallbackToRedirect: true })
    // Two challenges at once for two resources (two engine flights).
    const first = provider.getToken({ scopes, claims }).catch((e: unknown) => e)
    const second = provider
      .getToken({ scopes: ['api://other/.default'], claims })
      .catch((e: unknown) => e)
    expect(await first).toMatchObject({ code: 'ERR_CAE_INTERACTION_CANCELLED' })
    await flush()
    // Waiters share the prompt's result: no second popup (it would be blocked) and no redirect
    // right after the user said no.
    expect(pca.acquireTokenRedirect).not.toHaveBeenCalled()
    expect(pca.acquireTokenPopup).toHaveBeenCalledTimes(1)
    expect(await second).toMatchObject({ code: 'ERR_CAE_INTERACTION_CANCELLED' })
  })

  it('prompts again for a request that starts after the user closed the popup', async () => {
    const pca = fakePca()
    pca.acquireTokenSilent.mockRejectedValue(revoked())
    pca.acquireTokenPopup
      .mockRejectedValueOnce(new BrowserAuthError('user_cancelled', 'cid'))
      .mockResolvedValueOnce(msalResult('second-try'))
    const provider = fromMsalBrowser(pca)
    await expect(provider.getToken({ scopes, claims })).rejects.toMatchObject({
      code: 'ERR_CAE_INTERACTION_CANCELLED',
    })
    await new Promise((resolve) => setTimeout(resolve, 2)) // a later click, a later request
    await expect(provider.getToken({ scopes, claims })).resolves.toMatchObject({
      token: 'second-try',
    })
  })
})
