// @vitest-environment node
import { BrowserAuthError, InteractionRequiredAuthError } from '@azure/msal-browser'
import type { PendingRequest } from '@cae-kit/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { fakeLocks, fakePca, fakeStorage, flush, msalResult } from '../test/fakes'
import { fromMsalBrowser } from './provider'
import { resumeAfterRedirect } from './redirect'

const scopes = ['api://cae/.default']
const claims = '{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}'
const resources = [{ url: 'https://api.test' }]
const revoked = () => new InteractionRequiredAuthError('login_required', 'cid')
const post: PendingRequest = {
  method: 'POST',
  url: 'https://api.test/messages',
  headers: { 'content-type': 'application/json' },
  body: '{"text":"hi"}',
}

beforeEach(() => {
  vi.spyOn(console, 'warn').mockImplementation(() => undefined)
  vi.stubGlobal('sessionStorage', fakeStorage())
  // Every test is a fresh page. Node 24 has a real, process-wide `navigator.locks`: a redirect
  // left pending by one test would hold the interaction lock for every later one.
  vi.stubGlobal('navigator', { locks: fakeLocks() })
})
afterEach(() => {
  vi.restoreAllMocks()
  vi.unstubAllGlobals()
})

describe('redirect start', () => {
  it('still redirects (without replay) when sessionStorage refuses the entry (quota)', async () => {
    const pca = fakePca()
    pca.acquireTokenSilent.mockRejectedValue(revoked())
    pca.acquireTokenRedirect.mockReturnValue(new Promise(() => undefined))
    const setItem = vi.spyOn(sessionStorage, 'setItem').mockImplementation(() => {
      throw new DOMException('quota', 'QuotaExceededError')
    })
    const settled = vi.fn()
    void fromMsalBrowser(pca, { interaction: 'redirect' })
      .getToken({ scopes, claims, pendingRequests: async () => [post] })
      .then(settled, settled)
    await flush()
    expect(setItem).toHaveBeenCalled()
    // A storage failure costs the replay, not the sign-in: the user must still be able to sign in.
    expect(pca.acquireTokenRedirect).toHaveBeenCalledTimes(1)
    expect(settled).not.toHaveBeenCalled()
  })

  it('stores the waiting requests without their credential headers', async () => {
    const pca = fakePca()
    pca.acquireTokenSilent.mockRejectedValue(revoked())
    pca.acquireTokenRedirect.mockReturnValue(new Promise(() => undefined))
    const withCookie = {
      ...post,
      headers: { ...post.headers, cookie: 'sid=1', Authorization: 'x' },
    }
    void fromMsalBrowser(pca, { interaction: 'redirect' }).getToken({
      scopes,
      claims,
      pendingRequests: async () => [withCookie],
    })
    await flush()
    const request = pca.acquireTokenRedirect.mock.calls[0]?.[0] as { state: string }
    expect(JSON.parse(sessionStorage.getItem(request.state) ?? '[]')).toEqual([post])
  })

  it('maps a redirect the user backed out of (bfcache user_cancelled) to ERR_CAE_INTERACTION_CANCELLED', async () => {
    const pca = fakePca()
    pca.acquireTokenSilent.mockRejectedValue(revoked())
    // MSAL 5 RedirectClient rejects acquireTokenRedirect with user_cancelled on pageshow(persisted).
    pca.acquireTokenRedirect.mockRejectedValue(new BrowserAuthError('user_cancelled', 'cid'))
    const error = await fromMsalBrowser(pca, { interaction: 'redirect' })
      .getToken({ scopes, claims })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'ERR_CAE_INTERACTION_CANCELLED' })
  })

  it('persists the requests of every challenge waiting for the prompt, not only the first', async () => {
    const pca = fakePca()
    pca.acquireTokenSilent.mockRejectedValue(revoked())
    pca.acquireTokenRedirect.mockReturnValue(new Promise(() => undefined))
    const other: PendingRequest = { ...post, url: 'https://other.test/orders' }
    const provider = fromMsalBrowser(pca, { interaction: 'redirect' })
    void provider.getToken({ scopes, claims, pendingRequests: async () => [post] })
    // A challenge from another resource (other scopes: another engine flight), queued behind the
    // redirect; the page leaves with it.
    void provider.getToken({
      scopes: ['api://other/.default'],
      claims,
      pendingRequests: async () => [other],
    })
    await flush()
    const request = pca.acquireTokenRedirect.mock.calls[0]?.[0] as { state: string }
    const { state } = request
    expect(JSON.parse(sessionStorage.getItem(state) ?? '[]')).toEqual([post, other])
  })
})

describe('resumeAfterRedirect with a corrupt entry', () => {
  it('treats stored JSON that is not an array as nothing pending', async () => {
    const now = Date.now()
    const state = `cae-kit.redirect.${now - 1_000}`
    sessionStorage.setItem(state, '{"method":"POST"}')
    const pca = fakePca()
    pca.handleRedirectPromise.mockResolvedValue(msalResult('t', { state }))
    const fetch = vi.fn()
    const resume = await resumeAfterRedirect(pca, { fetch, resources })
    expect(resume.pending).toEqual([])
    expect(resume.result?.accessToken).toBe('t')
  })
})

describe('resumeAfterRedirect without usable storage', () => {
  it('still completes the sign-in, with nothing pending, when sessionStorage throws', async () => {
    vi.stubGlobal('sessionStorage', {
      get length(): number {
        throw new DOMException('denied', 'SecurityError')
      },
    })
    const pca = fakePca()
    pca.handleRedirectPromise.mockResolvedValue(
      msalResult('t', { state: `cae-kit.redirect.${Date.now()}` }),
    )
    const resume = await resumeAfterRedirect(pca, { fetch: vi.fn(), resources })
    expect(resume).toMatchObject({ pending: [], replays: [] })
    expect(resume.result?.accessToken).toBe('t')
  })
})
