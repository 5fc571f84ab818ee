import type { SendAttempt } from '@cae-kit/core'
import { describe, expect, it, vi } from 'vitest'
import { fetchWithinResource } from './fetch-within-resource'
import { fetchWithinResource as inBrowsers } from './fetch-within-resource.browser'

const attempt: SendAttempt = {
  replay: false,
  signal: undefined,
  body: undefined,
  covers: () => true,
  guardsRedirects: false,
}

describe('fetchWithinResource', () => {
  it('sends a call made with a URL as one Request built from it', async () => {
    const fetch = vi.fn(async () => new Response('ok'))
    await fetchWithinResource(
      fetch,
      'https://api.test/me',
      { method: 'POST', body: 'x' },
      attempt,
      'x',
    )
    const [request] = fetch.mock.calls[0] as unknown as [Request]
    expect(request).toBeInstanceOf(Request)
    expect([request.method, request.url]).toEqual(['POST', 'https://api.test/me'])
  })

  it('passes the call on as made in browsers (their fetch follows redirects itself)', async () => {
    const fetch = vi.fn(async () => new Response('ok'))
    const init = { method: 'PUT' }
    await inBrowsers(fetch, 'https://api.test/me', init, attempt, undefined)
    expect(fetch).toHaveBeenCalledWith('https://api.test/me', init)
  })
})
