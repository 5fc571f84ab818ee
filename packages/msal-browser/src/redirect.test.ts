// @vitest-environment node
import { BrowserAuthError } from '@azure/msal-browser'
import type { PendingRequest } from '@cae-kit/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { fakePca, fakeStorage, msalResult, serverError } from '../test/fakes'
import { resumeAfterRedirect } from './redirect'

const now = 1_800_000_000_000
const post: PendingRequest = {
  method: 'POST',
  url: 'https://api.test/messages',
  headers: { 'content-type': 'application/json' },
  body: '{"text":"hi"}',
}
const resources = [{ url: 'https://api.test' }]
const get: PendingRequest = { method: 'GET', url: 'https://api.test/me', headers: {} }

/** Simulates a page that left `ageMs` ago with `pending` stored under its state. */
const returningPage = (pending: PendingRequest[], ageMs = 1_000) => {
  const state = `cae-kit.redirect.${now - ageMs}`
  sessionStorage.setItem(state, JSON.stringify(pending))
  const pca = fakePca()
  pca.handleRedirectPromise.mockResolvedValue(msalResult('redirect-token', { state }))
  return { pca, state }
}

beforeEach(() => {
  vi.useFakeTimers({ now, toFake: ['Date'] })
  vi.stubGlobal('sessionStorage', fakeStorage())
})
afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

describe('resumeAfterRedirect', () => {
  it('replays each pending request once through fetch, in order, with method, headers and body', async () => {
    const { pca } = returningPage([post, get])
    const fetch = vi.fn(async (url: string) => new Response(url))
    const resume = await resumeAfterRedirect(pca, { fetch, resources })
    expect(fetch.mock.calls).toEqual([
      [post.url, { method: 'POST', headers: post.headers, body: post.body }],
      [get.url, { method: 'GET', headers: {}, body: null }],
    ])
    expect(resume.pending).toEqual([post, get])
    expect(resume.replays.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled'])
    expect(resume.result?.accessToken).toBe('redirect-token')
  })

  it('deletes the entry before replaying, so a second call replays nothing', async () => {
    const { pca, state } = returningPage([post])
    const fetch = vi.fn(async () => {
      expect(sessionStorage.getItem(state)).toBe(null)
      return new Response('ok')
    })
    await resumeAfterRedirect(pca, { fetch, resources })
    const again = await resumeAfterRedirect(pca, { fetch, resources })
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(again.pending).toEqual([])
  })

  it('hands the pending requests to replay instead of fetch when both are given', async () => {
    const { pca } = returningPage([post])
    const fetch = vi.fn()
    const replay = vi.fn(async (request: PendingRequest) => request.url)
    const resume = await resumeAfterRedirect(pca, { fetch, replay, resources })
    expect(replay).toHaveBeenCalledWith(post)
    expect(fetch).not.toHaveBeenCalled()
    expect(resume.replays).toEqual([{ status: 'fulfilled', value: post.url }])
  })

  it('returns the pending requests without replaying when given neither fetch nor replay', async () => {
    const { pca, state } = returningPage([post])
    const resume = await resumeAfterRedirect(pca)
    expect(resume.pending).toEqual([post])
    expect(resume.replays).toEqual([])
    expect(sessionStorage.getItem(state)).toBe(null)
  })

  it('reports a failed replay and goes on with the next one', async () => {
    const { pca } = returningPage([post, get])
    const failure = new TypeError('failed to fetch')
    const fetch = vi.fn().mockRejectedValueOnce(failure).mockResolvedValueOnce(new Response('ok'))
    const resume = await resumeAfterRedirect(pca, { fetch, resources })
    expect(resume.replays[0]).toEqual({ status: 'rejected', reason: failure })
    expect(resume.replays[1]?.status).toBe('fulfilled')
  })

  it('rejects a request whose body was not stored with ERR_CAE_BODY_NOT_REPLAYABLE', async () => {
    const upload: PendingRequest = {
      method: 'PUT',
      url: 'https://api.test/file',
      headers: {},
      bodyOmitted: true,
    }
    const { pca } = returningPage([upload])
    const fetch = vi.fn()
    const resume = await resumeAfterRedirect(pca, { fetch, resources })
    expect(fetch).not.toHaveBeenCalled()
    expect(resume.replays[0]).toMatchObject({
      status: 'rejected',
      reason: { code: 'ERR_CAE_BODY_NOT_REPLAYABLE' },
    })
  })

  it('drops an entry older than maxAgeMs without replaying it', async () => {
    const { pca, state } = returningPage([post], 11 * 60_000)
    const fetch = vi.fn()
    const resume = await resumeAfterRedirect(pca, { fetch, resources })
    expect(resume.pending).toEqual([])
    expect(fetch).not.toHaveBeenCalled()
    expect(sessionStorage.getItem(state)).toBe(null)
  })

  it.each([
    ['in the future', 60_000],
    ['non-finite', Number.POSITIVE_INFINITY],
  ])('expires an entry dated %s: never replayed, swept', async (_, time) => {
    const state = `cae-kit.redirect.${time === 60_000 ? now + time : time}`
    sessionStorage.setItem(state, JSON.stringify([post]))
    sessionStorage.setItem(`cae-kit.redirect.${now + 3_600_000}`, '[]')
    const pca = fakePca()
    pca.handleRedirectPromise.mockResolvedValue(msalResult('t', { state }))
    const fetch = vi.fn()
    const resume = await resumeAfterRedirect(pca, { fetch, resources })
    expect(resume.pending).toEqual([])
    expect(fetch).not.toHaveBeenCalled()
    expect(sessionStorage.length).toBe(0)
  })

  it('never replays credential headers stored in an entry', async () => {
    const stored = {
      ...post,
      headers: {
        ...post.headers,
        authorization: 'Bearer stale',
        Cookie: 'session=1',
        'proxy-authorization': 'Basic eA==',
      },
    }
    const { pca } = returningPage([stored])
    const fetch = vi.fn(async (_url: string, _init: RequestInit) => new Response('ok'))
    const resume = await resumeAfterRedirect(pca, { fetch, resources })
    expect(fetch.mock.calls[0]?.[1]).toMatchObject({ headers: post.headers })
    expect(resume.pending[0]?.headers).toEqual(post.headers)
  })

  it('drops an entry whose URL lies outside the resources of the replaying client', async () => {
    const outside = [
      { ...get, url: 'https://evil.test/me' },
      { ...get, url: 'https://api.test.evil.test/me' },
      { ...get, url: 'https://api.test/v10' },
      { ...get, url: 'not a url' },
    ]
    const { pca } = returningPage([...outside, { ...get, url: 'https://api.test/v1/me' }])
    const fetch = vi.fn(async (_url: string, _init: RequestInit) => new Response('ok'))
    const resume = await resumeAfterRedirect(pca, {
      fetch,
      resources: [{ url: 'https://api.test/v1' }],
    })
    expect(fetch.mock.calls.map(([url]) => url)).toEqual(['https://api.test/v1/me'])
    expect(resume.pending.map((p) => p.url)).toEqual(['https://api.test/v1/me'])
  })

  it('refuses to replay without the resources of the replaying client', async () => {
    const { pca } = returningPage([post])
    await expect(resumeAfterRedirect(pca, { fetch: vi.fn() })).rejects.toMatchObject({
      code: 'ERR_CAE_INVALID_OPTIONS',
    })
  })

  it('honours a custom maxAgeMs', async () => {
    const { pca } = returningPage([post], 90_000)
    const resume = await resumeAfterRedirect(pca, { maxAgeMs: 60_000 })
    expect(resume.pending).toEqual([])
  })

  it('sweeps stale entries of earlier redirects and keeps fresh ones and foreign keys', async () => {
    sessionStorage.setItem(`cae-kit.redirect.${now - 20 * 60_000}`, '[]')
    sessionStorage.setItem('cae-kit.redirect.garbage', '[]')
    sessionStorage.setItem(`cae-kit.redirect.${now - 5_000}`, '[]')
    sessionStorage.setItem('msal.some.key', 'x')
    await resumeAfterRedirect(fakePca())
    expect(sessionStorage.length).toBe(2)
    expect(sessionStorage.getItem(`cae-kit.redirect.${now - 5_000}`)).toBe('[]')
    expect(sessionStorage.getItem('msal.some.key')).toBe('x')
  })

  it('leaves storage alone for a redirect with a state this package did not write', async () => {
    sessionStorage.setItem('app-state', 'x')
    const pca = fakePca()
    pca.handleRedirectPromise.mockResolvedValue(msalResult('t', { state: 'app-state' }))
    const resume = await resumeAfterRedirect(pca, { fetch: vi.fn(), resources })
    expect(resume.pending).toEqual([])
    expect(sessionStorage.getItem('app-state')).toBe('x')
  })

  it('returns a null result and nothing pending on a normal page load', async () => {
    const resume = await resumeAfterRedirect(fakePca())
    expect(resume).toEqual({ result: null, pending: [], replays: [] })
  })

  it('rejects ERR_CAE_INTERACTION_CANCELLED and drops stored entries when the user cancelled', async () => {
    const { pca } = returningPage([post])
    pca.handleRedirectPromise.mockRejectedValue(new BrowserAuthError('user_cancelled', 'cid'))
    await expect(resumeAfterRedirect(pca, { fetch: vi.fn(), resources })).rejects.toMatchObject({
      code: 'ERR_CAE_INTERACTION_CANCELLED',
    })
    expect(sessionStorage.length).toBe(0)
  })

  it('rejects ERR_CAE_ACCESS_BLOCKED when the sign-in reports a disabled user', async () => {
    const pca = fakePca()
    pca.handleRedirectPromise.mockRejectedValue(
      serverError('access_denied', 'AADSTS50057: disabled', '50057'),
    )
    await expect(resumeAfterRedirect(pca)).rejects.toMatchObject({ code: 'ERR_CAE_ACCESS_BLOCKED' })
  })

  it('rethrows other MSAL failures unchanged', async () => {
    const pca = fakePca()
    const failure = new BrowserAuthError('no_network_connectivity', 'cid')
    pca.handleRedirectPromise.mockRejectedValue(failure)
    await expect(resumeAfterRedirect(pca)).rejects.toBe(failure)
  })
})
