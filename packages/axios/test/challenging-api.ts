/**
 * A CAE-style API for the axios tests, served by msw: it records every request and challenges the
 * tokens a test revokes, with a claims challenge as Entra sends it.
 */
import { encodeClaims, type TokenProvider } from '@cae-kit/core'
import { HttpResponse, http, type RequestHandler } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll } from 'vitest'

export const CHALLENGE = `Bearer error="insufficient_claims", claims="${encodeClaims('{"access_token":{"nbf":{"essential":true}}}')}"`

/** The claims challenge of the `n`th revocation: `nbf` says when it happened. */
export const revocation = (n: number) =>
  `Bearer error="insufficient_claims", claims="${encodeClaims(`{"access_token":{"nbf":{"essential":true,"value":"${n}"}}}`)}"`

/** The protected resource of these tests. */
export const resources = [{ url: 'https://api.test/v1', scopes: ['api://test/.default'] }]

/** One request as the API saw it. */
export interface SeenRequest {
  url: string
  path: string
  authorization: string | null
  type: string | null
  body: string
}

/**
 * Starts the API for the test file (any https origin). Requests whose token is in `revoked`, or
 * for which `challenges(path)` says so, get a 401 claims challenge; others `ok`. `before` handlers
 * (redirects, say) take precedence. Logs and revocations are cleared after each test.
 */
export function useChallengingApi(
  options: { before?: RequestHandler[]; challenges?: (path: string) => boolean } = {},
) {
  const seen: SeenRequest[] = []
  const revoked = new Set<string>()
  const server = setupServer(
    ...(options.before ?? []),
    http.all('https://*/*', async ({ request }) => {
      const authorization = request.headers.get('authorization')
      const url = new URL(request.url)
      seen.push({
        url: request.url,
        path: url.pathname,
        authorization,
        type: request.headers.get('content-type'),
        body: await request.text(),
      })
      if (authorization && revoked.has(authorization)) {
        // Each revocation is its own event, as with Entra: its claims name when it happened.
        return new HttpResponse('challenged', {
          status: 401,
          headers: { 'www-authenticate': revocation([...revoked].indexOf(authorization) + 1) },
        })
      }
      if (options.challenges?.(url.pathname)) {
        return new HttpResponse('challenged', {
          status: 401,
          headers: { 'www-authenticate': CHALLENGE },
        })
      }
      return HttpResponse.json({ ok: true })
    }),
  )
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
  afterEach(() => {
    seen.length = 0
    revoked.clear()
  })
  afterAll(() => server.close())
  return { seen, revoked }
}

/** A provider that counts its calls and hands out `<prefix>-1`, `<prefix>-2`, ... */
export function counting(prefix = 'tok'): TokenProvider & { count: number } {
  const provider = {
    count: 0,
    async getToken() {
      provider.count++
      return { token: `${prefix}-${provider.count}` }
    },
  }
  return provider
}
