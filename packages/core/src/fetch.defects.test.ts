// @vitest-environment node
/**
 * Defects of issue 11 seen through `createCaeFetch`: each test failed before its fix.
 */
import { FormData as UndiciFormData, Request as UndiciRequest } from 'undici'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { encodeClaims, getClaimsChallenge } from './claims'
import type { CaeEvent } from './events'
import { createCaeFetch } from './fetch'
import type { TokenProvider, TokenRequest } from './provider'

const CLAIMS = '{"access_token":{"nbf":{"essential":true,"value":"1"}}}'
const CHALLENGE = `Bearer error="insufficient_claims", claims="${encodeClaims(CLAIMS)}"`
const challenged = () =>
  new Response('challenged', { status: 401, headers: { 'www-authenticate': CHALLENGE } })

function counting(token = (n: number, request: TokenRequest) => `tok-${n}-${request.scopes}`) {
  const calls: TokenRequest[] = []
  const tokenProvider: TokenProvider = {
    async getToken(request) {
      calls.push(request)
      return { token: token(calls.length, request) }
    },
  }
  return { tokenProvider, calls }
}

/** A fetch that records what it was sent and answers with `reply`. */
function recording(reply: (request: Request) => Response | Promise<Response>) {
  const seen: { url: string; authorization: string | null; request: Request }[] = []
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init)
    seen.push({ url: request.url, authorization: request.headers.get('authorization'), request })
    return reply(request)
  }
  return { fetch: fetch as typeof globalThis.fetch, seen }
}

afterEach(() => {
  vi.unstubAllGlobals()
  vi.useRealTimers()
})

describe('defect 1: a hop into a more specific resource', () => {
  const resources = [
    { url: 'https://api.test', scopes: ['A'] },
    { url: 'https://api.test/admin', scopes: ['B'] },
  ]

  it("never carries the outer resource's token there, nor answers its challenge with it", async () => {
    const { tokenProvider, calls } = counting()
    const { fetch, seen } = recording((request) =>
      request.url.endsWith('/x')
        ? new Response(null, { status: 302, headers: { location: '/admin/y' } })
        : challenged(),
    )
    const caeFetch = createCaeFetch({ tokenProvider, resources, fetch })
    const response = await caeFetch('https://api.test/x')
    expect(response.status).toBe(401)
    expect(seen.map(({ url, authorization }) => [url, authorization])).toEqual([
      ['https://api.test/x', 'Bearer tok-1-A'],
      ['https://api.test/admin/y', null],
    ])
    expect(calls.map((call) => call.scopes)).toEqual([['A']])
  })
})

describe('defect 2: a token provider call that never settles', () => {
  it('is bounded: waiters fail with a timeout cause, the provider is aborted, the next request starts afresh', async () => {
    const signals: AbortSignal[] = []
    let calls = 0
    const tokenProvider: TokenProvider = {
      getToken: ({ signal }) => {
        calls++
        if (signal) signals.push(signal)
        return calls === 1 ? new Promise(() => {}) : Promise.resolve({ token: 'late' })
      },
    }
    const { fetch, seen } = recording(() => new Response('ok'))
    const caeFetch = createCaeFetch({
      tokenProvider,
      resources: [{ url: 'https://api.test', scopes: ['s'] }],
      fetch,
      acquisitionTimeoutMs: 50,
    })
    const [a, b] = await Promise.all([
      caeFetch('https://api.test/a').catch((e: unknown) => e),
      caeFetch('https://api.test/b').catch((e: unknown) => e),
    ])
    for (const error of [a, b]) {
      expect(error).toMatchObject({ code: 'ERR_CAE_TOKEN_ACQUISITION_FAILED' })
      expect((error as Error).cause).toMatchObject({ name: 'TimeoutError' })
    }
    expect(signals[0]?.aborted).toBe(true)
    expect((await caeFetch('https://api.test/c')).status).toBe(200)
    expect(calls).toBe(2)
    expect(seen.map((s) => s.authorization)).toEqual(['Bearer late'])
  })

  it('waits for an interactive prompt the user is still working in', async () => {
    const tokenProvider: TokenProvider = {
      async getToken({ interactionStarted }) {
        const done = interactionStarted?.()
        await new Promise((resolve) => setTimeout(resolve, 150))
        done?.()
        return { token: 'after-prompt' }
      },
    }
    const { fetch, seen } = recording(() => new Response('ok'))
    const caeFetch = createCaeFetch({
      tokenProvider,
      resources: [{ url: 'https://api.test', scopes: ['s'] }],
      fetch,
      acquisitionTimeoutMs: 50,
    })
    expect((await caeFetch('https://api.test/a')).status).toBe(200)
    expect(seen.map((s) => s.authorization)).toEqual(['Bearer after-prompt'])
  })
})

describe('defect 5: a provider token that is not a valid header value', () => {
  it('is never cached, and its text is in no message or event', async () => {
    const secret = 'secret-token\r\nx-injected: 1'
    const { tokenProvider, calls } = counting(() => secret)
    const events: CaeEvent[] = []
    const { fetch, seen } = recording(() => new Response('ok'))
    const caeFetch = createCaeFetch({
      tokenProvider,
      resources: [{ url: 'https://api.test', scopes: ['s'] }],
      fetch,
      onEvent: (event) => events.push(event),
    })
    for (let i = 0; i < 2; i++) {
      const error = (await caeFetch('https://api.test/a').catch((e: unknown) => e)) as Error
      expect(error).toMatchObject({ code: 'ERR_CAE_TOKEN_ACQUISITION_FAILED' })
      expect(`${error.message} ${(error.cause as Error).message}`).not.toContain('secret')
    }
    expect(calls).toHaveLength(2)
    expect(seen).toHaveLength(0)
    expect(JSON.stringify(events)).not.toContain('secret')
  })
})

describe('defect 6: a cae fetch installed as the global fetch', () => {
  it('recognises itself and sends through the fetch that was global before it', async () => {
    const { fetch, seen } = recording(() => new Response('ok'))
    vi.stubGlobal('fetch', fetch)
    const caeFetch = createCaeFetch({
      tokenProvider: counting().tokenProvider,
      resources: [{ url: 'https://api.test', scopes: ['s'] }],
    })
    globalThis.fetch = caeFetch
    expect((await fetch('https://api.test/a')).status).toBe(200)
    expect((await globalThis.fetch('https://api.test/me')).status).toBe(200)
    expect((await globalThis.fetch('https://other.test/')).status).toBe(200)
    expect(seen.map((s) => [s.url, s.authorization])).toEqual([
      ['https://api.test/a', null],
      ['https://api.test/me', 'Bearer tok-1-s'],
      ['https://other.test/', null],
    ])
  })
})

describe('defect 7: a Request and FormData of another fetch implementation (npm undici)', () => {
  const resources = [{ url: 'https://api.test', scopes: ['s'] }]

  it('accepts the Request', async () => {
    const { fetch, seen } = recording(() => new Response('ok'))
    const caeFetch = createCaeFetch({ tokenProvider: counting().tokenProvider, resources, fetch })
    const request = new UndiciRequest('https://api.test/items', {
      method: 'POST',
      body: 'hello',
      headers: { 'content-type': 'text/plain' },
    })
    const response = await caeFetch(request as unknown as Request)
    expect(response.status).toBe(200)
    expect(seen[0]?.authorization).toBe('Bearer tok-1-s')
    expect(seen[0]?.request.method).toBe('POST')
    expect(await seen[0]?.request.text()).toBe('hello')
  })

  it('replays the FormData with the same bytes and multipart boundary', async () => {
    const bodies: { type: string | null; text: string }[] = []
    const { fetch } = recording(async (request) => {
      bodies.push({ type: request.headers.get('content-type'), text: await request.text() })
      return bodies.length === 1 ? challenged() : new Response('ok')
    })
    const caeFetch = createCaeFetch({ tokenProvider: counting().tokenProvider, resources, fetch })
    const form = new UndiciFormData()
    form.append('name', 'value')
    const response = await caeFetch('https://api.test/upload', {
      method: 'POST',
      body: form as unknown as FormData,
    })
    expect(response.status).toBe(200)
    expect(bodies).toHaveLength(2)
    expect(bodies[0]?.type).toMatch(/^multipart\/form-data; boundary=/)
    expect(bodies[1]).toEqual(bodies[0])
    expect(bodies[0]?.text).toContain('value')
  })
})

describe("defect 9: the caller's own Authorization", () => {
  const resources = [{ url: 'https://api.test', scopes: ['s'] }]

  it('is no opt-out when it is an empty credential (graph-client sends "Bearer ")', async () => {
    const { fetch, seen } = recording(() => new Response('ok'))
    const caeFetch = createCaeFetch({ tokenProvider: counting().tokenProvider, resources, fetch })
    await caeFetch('https://api.test/a', { headers: { Authorization: 'Bearer ' } })
    await caeFetch('https://api.test/b', { headers: new Headers({ authorization: 'Bearer' }) })
    expect(seen.map((s) => s.authorization)).toEqual(['Bearer tok-1-s', 'Bearer tok-1-s'])
  })

  it('is reported when it is a real opt-out', async () => {
    const events: CaeEvent[] = []
    const info = vi.fn()
    const { fetch, seen } = recording(() => new Response('ok'))
    const caeFetch = createCaeFetch({
      tokenProvider: counting().tokenProvider,
      resources,
      fetch,
      onEvent: (event) => events.push(event),
      logger: { info },
    })
    await caeFetch('https://api.test/a?q=secret', { headers: { Authorization: 'Bearer mine' } })
    expect(seen.map((s) => s.authorization)).toEqual(['Bearer mine'])
    expect(events).toMatchObject([
      { type: 'opt-out', url: 'https://api.test/a?q=secret', method: 'GET', scopes: ['s'] },
    ])
    expect(info).toHaveBeenCalledWith(expect.stringContaining('opt-out on GET https://api.test/a'))
    expect(JSON.stringify(info.mock.calls)).not.toContain('mine')
  })
})

describe('defect 10: a challenge the held token already answered', () => {
  it('is not answered again when a client retries the 401 itself (Kiota)', async () => {
    const { tokenProvider, calls } = counting()
    const { fetch, seen } = recording(() => challenged())
    const caeFetch = createCaeFetch({
      tokenProvider,
      resources: [{ url: 'https://api.test', scopes: ['s'] }],
      fetch,
    })
    // Kiota's FetchRequestAdapter retries any 401 carrying claims once, itself.
    const kiotaLike = async (url: string) => {
      const first = await caeFetch(url)
      return getClaimsChallenge(first) ? caeFetch(url) : first
    }
    const response = await kiotaLike('https://api.test/me')
    expect(response.status).toBe(401)
    expect(getClaimsChallenge(response)?.claims).toBe(CLAIMS)
    expect(calls.filter((call) => call.claims !== undefined)).toHaveLength(1)
    expect(seen.length).toBeLessThanOrEqual(3)
  })
})

describe('a path-prefixed resource (redirects followed by cae-kit)', () => {
  it('surfaces a replay challenged again as unsatisfied, and not as redirected', async () => {
    const events: CaeEvent[] = []
    const { fetch, seen } = recording(() => challenged())
    const caeFetch = createCaeFetch({
      tokenProvider: counting().tokenProvider,
      resources: [{ url: 'https://api.test/v1', scopes: ['s'] }],
      fetch,
      onEvent: (event) => events.push(event),
    })
    const response = await caeFetch('https://api.test/v1/me')
    expect(response.status).toBe(401)
    expect(response.redirected).toBe(false)
    expect(seen).toHaveLength(2)
    expect(events.map((event) => event.type)).toEqual([
      'token',
      'challenge',
      'token',
      'replay',
      'challenge-unsatisfied',
    ])
  })
})
