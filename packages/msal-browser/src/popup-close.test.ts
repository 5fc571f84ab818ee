// @vitest-environment node
/**
 * The user closes the sign-in popup. Entra's sign-in page sends COOP same-origin, so nothing
 * reaches the app from the popup window; what reaches it is the window manager giving the app
 * window the focus back. Here `window` and `document` are event targets driven like a browser.
 */
import {
  type AuthenticationResult,
  BrowserAuthError,
  InteractionRequiredAuthError,
} from '@azure/msal-browser'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { deferred, fakePca, fakeStorage, msalResult } from '../test/fakes'
import { fromMsalBrowser } from './provider'

const scopes = ['api://cae/.default']
const claims = '{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}'
const revoked = () => new InteractionRequiredAuthError('login_required', 'cid')

/** A page whose focus the test moves, as the window manager does around a popup. */
const page = () => {
  const window = new EventTarget()
  const document = Object.assign(new EventTarget(), {
    visibilityState: 'visible',
    focused: true,
    hasFocus: () => document.focused,
  })
  vi.stubGlobal('window', window)
  vi.stubGlobal('document', document)
  return {
    /** The popup opened and took the focus. */
    popupOpened: () => {
      document.focused = false
      window.dispatchEvent(new Event('blur'))
    },
    /** The popup closed: the app window is active again. */
    popupClosed: () => {
      document.focused = true
      window.dispatchEvent(new Event('focus'))
    },
  }
}

/** A revoked session: silent needs a user, the popup stays open until the test settles it. */
const signedOutApp = () => {
  const pca = fakePca()
  pca.acquireTokenSilent.mockRejectedValue(revoked())
  const popup = deferred<AuthenticationResult>()
  pca.acquireTokenPopup.mockReturnValueOnce(popup.promise)
  return { pca, popup }
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
  vi.spyOn(console, 'warn').mockImplementation(() => undefined)
  vi.stubGlobal('sessionStorage', fakeStorage())
})
afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
  vi.unstubAllGlobals()
})

describe('closing the sign-in popup', () => {
  it('rejects the prompting request and every request queued behind it with ERR_CAE_INTERACTION_CANCELLED within 2 s', async () => {
    const browser = page()
    const { pca } = signedOutApp()
    const provider = fromMsalBrowser(pca)
    const first = provider.getToken({ scopes, claims }).catch((e: unknown) => e)
    const queued = provider
      .getToken({ scopes: ['api://other/.default'], claims })
      .catch((e: unknown) => e)
    await vi.advanceTimersByTimeAsync(0)
    expect(pca.acquireTokenPopup).toHaveBeenCalledTimes(1)
    browser.popupOpened()
    await vi.advanceTimersByTimeAsync(5_000)
    browser.popupClosed()
    await vi.advanceTimersByTimeAsync(2_000)

    expect(await first).toMatchObject({ code: 'ERR_CAE_INTERACTION_CANCELLED' })
    expect(await queued).toMatchObject({ code: 'ERR_CAE_INTERACTION_CANCELLED' })
    expect(pca.acquireTokenPopup).toHaveBeenCalledTimes(1)
  })

  it('lets the next call prompt again, overriding the interaction MSAL still waits for', async () => {
    const browser = page()
    const { pca } = signedOutApp()
    const provider = fromMsalBrowser(pca)
    const first = provider.getToken({ scopes, claims }).catch((e: unknown) => e)
    await vi.advanceTimersByTimeAsync(0)
    browser.popupOpened()
    browser.popupClosed()
    await vi.advanceTimersByTimeAsync(1_000)
    expect(await first).toMatchObject({ code: 'ERR_CAE_INTERACTION_CANCELLED' })

    await vi.advanceTimersByTimeAsync(1)
    const next = await provider.getToken({ scopes, claims })
    expect(next.token).toBe('popup-token')
    expect(pca.acquireTokenPopup).toHaveBeenCalledTimes(2)
    expect(pca.acquireTokenPopup.mock.calls[1]?.[0]).toMatchObject({
      overrideInteractionInProgress: true,
    })
  })

  it('never cancels a slow sign-in: the popup keeps the focus for 10 s, then completes', async () => {
    const browser = page()
    const { pca, popup } = signedOutApp()
    const settled = vi.fn()
    const token = fromMsalBrowser(pca).getToken({ scopes, claims })
    token.then(settled, settled)
    await vi.advanceTimersByTimeAsync(0)
    browser.popupOpened()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(settled).not.toHaveBeenCalled()
    popup.resolve(msalResult('after-10-s'))
    expect((await token).token).toBe('after-10-s')
  })

  it('ignores a focus that does not last (a flicker while the popup opens)', async () => {
    const browser = page()
    const { pca, popup } = signedOutApp()
    const token = fromMsalBrowser(pca).getToken({ scopes, claims })
    await vi.advanceTimersByTimeAsync(0)
    browser.popupOpened()
    browser.popupClosed()
    await vi.advanceTimersByTimeAsync(100)
    browser.popupOpened()
    await vi.advanceTimersByTimeAsync(5_000)
    popup.resolve(msalResult('kept'))
    expect((await token).token).toBe('kept')
  })

  it('prompts without watching for the focus where a document has no window (a test stub)', async () => {
    vi.stubGlobal('window', undefined)
    vi.stubGlobal('document', { visibilityState: 'visible', hasFocus: () => true })
    const { pca, popup } = signedOutApp()
    const token = fromMsalBrowser(pca).getToken({ scopes, claims })
    await vi.waitFor(() => expect(pca.acquireTokenPopup).toHaveBeenCalled())
    popup.resolve(msalResult('after-popup'))
    await expect(token).resolves.toMatchObject({ token: 'after-popup' })
  })

  it('reports MSAL giving up on the popup (timed_out) as ERR_CAE_INTERACTION_CANCELLED', async () => {
    const pca = fakePca()
    pca.acquireTokenSilent.mockRejectedValue(revoked())
    pca.acquireTokenPopup.mockRejectedValue(
      new BrowserAuthError('timed_out', 'redirect_bridge_timeout'),
    )
    const error = await fromMsalBrowser(pca)
      .getToken({ scopes, claims })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'ERR_CAE_INTERACTION_CANCELLED' })
  })
})
