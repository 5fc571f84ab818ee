// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { createCaeFetch } from './fetch'

/**
 * A browser's fetch (Chromium, as in an Electron renderer, where `process.versions` is an object
 * too): `redirect: 'manual'` yields an opaque-redirect response (status 0), and 'follow' follows.
 */
function browserLikeFetch(): typeof fetch {
  return async (input, init) => {
    const url = String(input instanceof Request ? input.url : input)
    const redirect = init?.redirect ?? (input instanceof Request ? input.redirect : 'follow')
    if (url.endsWith('/api/go')) {
      if (redirect === 'manual') {
        const opaque = new Response(null, { status: 200 })
        Object.defineProperty(opaque, 'status', { value: 0 })
        Object.defineProperty(opaque, 'type', { value: 'opaqueredirect' })
        return opaque
      }
      const followed = new Response('landed', { status: 200 })
      Object.defineProperty(followed, 'redirected', { value: true })
      return followed
    }
    return new Response('ok', { status: 200 })
  }
}

describe('runtimes whose manual redirects are opaque', () => {
  it('follows a redirect in a runtime with process.versions and a browser fetch (Electron renderer)', async () => {
    const caeFetch = createCaeFetch({
      fetch: browserLikeFetch(),
      tokenProvider: { getToken: async () => ({ token: 't' }) },
      resources: [{ url: 'https://app.test/api', scopes: ['s'] }],
    })
    // process.versions is an object here, as in an Electron renderer with nodeIntegration.
    expect(typeof process.versions).toBe('object')
    const response = await caeFetch('https://app.test/api/go')
    expect(response.status).toBe(200)
  })
})
