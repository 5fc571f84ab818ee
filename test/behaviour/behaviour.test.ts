// @vitest-environment node
/**
 * The behaviour table: every rule of the engine, run against both adapters (fetch and axios)
 * with msw standing in for the network, so the adapters cannot drift apart.
 */

import {
  type CaeEvent,
  type CaeOptions,
  InteractionRequiredError,
  isCaeError,
  type TokenAcquisitionError,
} from '@cae-kit/core'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { adapters, type BodyKind } from './adapters'
import { API, CLAIMS, createApi, createProvider, RESOURCE, until } from './fixtures'

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => {
  server.resetHandlers()
  vi.useRealTimers()
})
afterAll(() => server.close())

function setup(
  adapter: (typeof adapters)[number],
  extra: Partial<CaeOptions> = {},
  provided = createProvider(),
) {
  const api = createApi()
  server.use(...api.handlers)
  const events: CaeEvent[] = []
  const client = adapter.create({
    tokenProvider: provided.provider,
    resources: [RESOURCE],
    onEvent: (event) => events.push(event),
    ...extra,
  })
  return { api, client, events, ...provided }
}

const id = (value: string) => ({ 'x-request-id': value })

describe.each(adapters)('$name adapter', (adapter) => {
  // Rule 1: tokens on matching requests only, cached, refreshed before expiry.
  it('sends Bearer <token> to the resource and reuses the cached token', async () => {
    const { api, client, calls } = setup(adapter)
    await client.send(`${API}/v1/me`)
    await client.send(`${API}/v1/me/messages`)
    expect(calls).toHaveLength(1)
    expect(calls[0]?.scopes).toEqual(RESOURCE.scopes)
    expect(calls[0]?.claims).toBeUndefined()
    expect(api.records.map((r) => r.authorization)).toEqual([
      'Bearer tok-1-SECRET',
      'Bearer tok-1-SECRET',
    ])
  })

  it('uses the tokenType the provider returns', async () => {
    const { api, client } = setup(adapter, {}, createProvider({ tokenType: 'PoP' }))
    await client.send(`${API}/v1/me`)
    expect(api.records[0]?.authorization).toBe('PoP tok-1-SECRET')
  })

  it('passes requests outside the resources through untouched, challenges included', async () => {
    const { api, client, calls, events } = setup(adapter)
    const outcome = await client.send(`${API}/v10/me`)
    const other = await client.send('https://other.test/me')
    expect(calls).toHaveLength(0)
    expect(api.records.map((r) => r.authorization)).toEqual([null, null])
    expect([outcome.status, other.status]).toEqual([401, 401])
    expect(outcome.caeKit).toBeUndefined()
    expect(events).toEqual([])
  })

  it('checks the origin before any token is looked up', async () => {
    const provided = createProvider()
    const release = provided.hold()
    const { api, client, calls } = setup(adapter, {}, provided)
    // The provider would hang: a request outside the resource must not even ask it.
    const outside = await client.send('https://other.test/x')
    expect(outside.status).toBe(401)
    expect(calls).toHaveLength(0)
    const inside = client.send(`${API}/v1/me`)
    await until(() => calls.length === 1)
    expect(api.records).toHaveLength(1)
    release()
    expect((await inside).status).toBe(200)
  })

  it("keeps the caller's own Authorization and leaves that request alone", async () => {
    const { api, client, calls } = setup(adapter)
    api.revoke('mine')
    const outcome = await client.send(`${API}/v1/me`, { headers: { Authorization: 'Bearer mine' } })
    expect(outcome.status).toBe(401)
    expect(outcome.caeKit).toBeUndefined()
    expect(calls).toHaveLength(0)
    expect(api.records.map((r) => r.authorization)).toEqual(['Bearer mine'])
  })

  it('single-flights concurrent first acquisitions', async () => {
    const { api, client, calls } = setup(adapter)
    await Promise.all(Array.from({ length: 20 }, () => client.send(`${API}/v1/me`)))
    expect(calls).toHaveLength(1)
    expect(new Set(api.records.map((r) => r.authorization))).toEqual(
      new Set(['Bearer tok-1-SECRET']),
    )
  })

  it('refreshes the token shortly before it expires', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const { api, client, calls } = setup(adapter, {}, createProvider({ expiresInMs: 3_600_000 }))
    await client.send(`${API}/v1/me`)
    vi.setSystemTime(Date.now() + 3_600_000 - 120_000)
    await client.send(`${API}/v1/me`)
    expect(calls).toHaveLength(1)
    vi.setSystemTime(Date.now() + 90_000)
    await client.send(`${API}/v1/me`)
    expect(calls).toHaveLength(2)
    expect(api.records.map((r) => r.authorization)).toEqual([
      'Bearer tok-1-SECRET',
      'Bearer tok-1-SECRET',
      'Bearer tok-2-SECRET',
    ])
  })

  // Rule 2: one provider call per scopes + claims, each request replayed once.
  it('requests one token for ten concurrent challenges with the same claims', async () => {
    const { api, client, calls } = setup(adapter)
    await client.send(`${API}/v1/me`)
    api.revoke('tok-1-SECRET')
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) => client.send(`${API}/v1/me`, { headers: id(`r${i}`) })),
    )
    expect(outcomes.map((o) => o.status)).toEqual(Array(10).fill(200))
    expect(calls).toHaveLength(2)
    expect(calls[1]).toMatchObject({ scopes: RESOURCE.scopes, claims: CLAIMS })
    for (let i = 0; i < 10; i++) {
      expect(api.sent(`r${i}`).map((r) => r.authorization)).toEqual([
        'Bearer tok-1-SECRET',
        'Bearer tok-2-SECRET',
      ])
    }
    // The new token replaced the old one.
    await client.send(`${API}/v1/me`, { headers: id('after') })
    expect(api.sent('after').map((r) => r.authorization)).toEqual(['Bearer tok-2-SECRET'])
    expect(calls).toHaveLength(2)
  })

  it('asks again for different claims', async () => {
    const { api, client, calls } = setup(adapter)
    await client.send(`${API}/v1/me`)
    api.revoke('tok-1-SECRET')
    await client.send(`${API}/v1/me`)
    api.revoke('tok-2-SECRET')
    api.state.claims = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}'
    await client.send(`${API}/v1/me`)
    expect(calls.map((c) => c.claims)).toEqual([undefined, CLAIMS, api.state.claims])
  })

  // Rule 3: stale token.
  it('replays a request sent with an older token with the current one, without a provider call', async () => {
    const { api, client, calls, events } = setup(adapter)
    await client.send(`${API}/v1/me`)
    api.revoke('tok-1-SECRET')
    const release = api.hold('slow')
    const slow = client.send(`${API}/v1/me`, { headers: id('slow') })
    await until(() => api.sent('slow').length === 1)
    // Another request meets the challenge first and obtains tok-2.
    expect((await client.send(`${API}/v1/me`, { headers: id('fast') })).status).toBe(200)
    expect(calls).toHaveLength(2)
    release()
    expect((await slow).status).toBe(200)
    expect(calls).toHaveLength(2)
    expect(api.sent('slow').map((r) => r.authorization)).toEqual([
      'Bearer tok-1-SECRET',
      'Bearer tok-2-SECRET',
    ])
    const replays = events.filter((e) => e.type === 'replay')
    expect(replays.map((e) => e.reused)).toEqual([false, true])
  })

  // Rule 4: never a loop.
  it('replays once and surfaces the second challenge', async () => {
    const { api, client, calls, events } = setup(adapter)
    api.state.challengeAll = true
    const outcome = await client.send(`${API}/v1/me`, { headers: id('once') })
    expect(outcome.status).toBe(401)
    expect(api.sent('once')).toHaveLength(2)
    expect(calls).toHaveLength(2)
    if (adapter.name === 'axios') {
      expect(outcome.rejected).toBe(true)
      expect(outcome.caeKit).toEqual({
        code: 'ERR_CAE_CHALLENGE_AFTER_REPLAY',
        claims: CLAIMS,
        stepUp: undefined,
        scopes: RESOURCE.scopes,
      })
    } else {
      expect(outcome.rejected).toBe(false)
    }
    expect(events.map((e) => e.type)).toEqual([
      'token',
      'challenge',
      'token',
      'replay',
      'challenge-unsatisfied',
    ])
  })

  // Rule 5: provider failure.
  it('rejects every waiter with TokenAcquisitionError and does not cache the failure', async () => {
    const provided = createProvider()
    const { api, client, calls, events } = setup(adapter, {}, provided)
    await client.send(`${API}/v1/me`)
    api.revoke('tok-1-SECRET')
    const cause = new Error('provider down')
    provided.failNext(cause)
    const results = await Promise.allSettled(
      Array.from({ length: 3 }, () => client.send(`${API}/v1/me`)),
    )
    expect(calls).toHaveLength(2)
    for (const result of results) {
      expect(result.status).toBe('rejected')
      const error = (result as PromiseRejectedResult).reason as TokenAcquisitionError
      expect(error.code).toBe('ERR_CAE_TOKEN_ACQUISITION_FAILED')
      expect(error.cause).toBe(cause)
      expect(error.claims).toBe(CLAIMS)
      expect(error.scopes).toEqual(RESOURCE.scopes)
      expect((error.response as { status: number }).status).toBe(401)
    }
    expect(events.filter((e) => e.type === 'error')).toHaveLength(3)
    // Not cached: the next request asks again and succeeds.
    expect((await client.send(`${API}/v1/me`)).status).toBe(200)
    expect(calls).toHaveLength(3)
  })

  it("rejects with the provider's own CaeError unchanged", async () => {
    const provided = createProvider()
    const { api, client } = setup(adapter, {}, provided)
    await client.send(`${API}/v1/me`)
    api.revoke('tok-1-SECRET')
    const interaction = new InteractionRequiredError('sign in')
    provided.failNext(interaction)
    await expect(client.send(`${API}/v1/me`)).rejects.toBe(interaction)
  })

  it('rejects the first acquisition failure too, and retries on the next request', async () => {
    const provided = createProvider()
    const { client, calls } = setup(adapter, {}, provided)
    provided.failNext(new Error('offline'))
    const error = await client.send(`${API}/v1/me`).catch((e: unknown) => e)
    expect(isCaeError(error) && error.code).toBe('ERR_CAE_TOKEN_ACQUISITION_FAILED')
    expect((await client.send(`${API}/v1/me`)).status).toBe(200)
    expect(calls).toHaveLength(2)
  })

  // Rule 6: abort.
  it('aborts one waiter without cancelling the others or the shared provider call', async () => {
    const provided = createProvider()
    const { api, client, calls } = setup(adapter, {}, provided)
    await client.send(`${API}/v1/me`)
    api.revoke('tok-1-SECRET')
    const release = provided.hold()
    const controller = new AbortController()
    const aborted = client.send(`${API}/v1/me`, { signal: controller.signal, headers: id('a') })
    const kept = client.send(`${API}/v1/me`, { headers: id('b') })
    await until(() => calls.length === 2 && api.sent('b').length === 1)
    const reason = new Error('user navigated away')
    controller.abort(reason)
    const error = await aborted.catch((e: unknown) => e)
    expect(adapter.isAbort(error, reason)).toBe(true)
    expect(calls[1]?.signal?.aborted).toBe(false)
    release()
    expect((await kept).status).toBe(200)
    expect(api.sent('a')).toHaveLength(1)
  })

  it('aborts the shared provider call once every waiter has aborted', async () => {
    const provided = createProvider()
    const { client, calls } = setup(adapter, {}, provided)
    const release = provided.hold()
    const controllers = [new AbortController(), new AbortController()]
    const pending = controllers.map((c) =>
      client.send(`${API}/v1/me`, { signal: c.signal }).catch((e: unknown) => e),
    )
    await until(() => calls.length === 1)
    controllers[0]?.abort()
    expect(calls[0]?.signal?.aborted).toBe(false)
    controllers[1]?.abort()
    expect(calls[0]?.signal?.aborted).toBe(true)
    await Promise.all(pending)
    release()
  })

  // Rule 7: bodies.
  const kinds: BodyKind[] = [
    'string',
    'json',
    'url-search-params',
    'form-data',
    'blob',
    'array-buffer',
    'typed-array',
    'stream',
  ]
  it.each(kinds)('replays a %s body byte for byte', async (kind) => {
    const { api, client } = setup(adapter)
    await client.send(`${API}/v1/me`)
    api.revoke('tok-1-SECRET')
    const text =
      kind === 'json'
        ? '{"subject":"héllo","n":1}'
        : kind === 'url-search-params'
          ? 'a=1&b=h%C3%A9'
          : 'héllo, wörld — a body of some length'
    const outcome = await client.send(`${API}/v1/echo`, {
      method: 'POST',
      headers: id(kind),
      body: { kind, text },
    })
    expect(outcome.status).toBe(200)
    const [first, replay] = api.sent(kind)
    expect(replay?.authorization).toBe('Bearer tok-2-SECRET')
    expect(replay?.contentType).toBe(first?.contentType)
    expect(replay?.body).toEqual(first?.body)
    if (kind === 'form-data') {
      // The form is serialised once: same boundary, same parts.
      const parts = await Promise.all(
        [first, replay].map(async (r) => {
          const form = await new Response(r?.body as BodyInit, {
            headers: { 'content-type': r?.contentType ?? '' },
          }).formData()
          return [form.get('field'), await (form.get('file') as File).text()]
        }),
      )
      expect(parts).toEqual([
        [text, text],
        [text, text],
      ])
    } else {
      expect(new TextDecoder().decode(replay?.body)).toBe(
        kind === 'url-search-params' ? 'a=1&b=h%C3%A9' : text,
      )
    }
  })

  it('sends a stream over the limit whole, and rejects with BodyNotReplayableError when challenged', async () => {
    const { api, client, calls } = setup(adapter, { maxReplayBodyBytes: 16 })
    await client.send(`${API}/v1/me`)
    api.revoke('tok-1-SECRET')
    const text = 'x'.repeat(100)
    const error = await client
      .send(`${API}/v1/upload`, {
        method: 'POST',
        headers: id('big'),
        body: { kind: 'stream', text },
      })
      .catch((e: unknown) => e)
    expect(isCaeError(error) && error.code).toBe('ERR_CAE_BODY_NOT_REPLAYABLE')
    expect((error as { response: { status: number } }).response.status).toBe(401)
    expect(new TextDecoder().decode(api.sent('big')[0]?.body)).toBe(text)
    expect(api.sent('big')).toHaveLength(1)
    // The challenge was still answered: the next request carries the new token.
    expect(calls.map((c) => c.claims)).toEqual([undefined, CLAIMS])
    await client.send(`${API}/v1/me`, { headers: id('next') })
    expect(api.sent('next')[0]?.authorization).toBe('Bearer tok-2-SECRET')
  })

  // Rule 8: nothing from the challenge is followed; tokens stay inside the resources.
  it('never follows authorization_uri', async () => {
    const { api, client } = setup(adapter)
    api.state.challengeAll = true
    await client.send(`${API}/v1/me`)
    expect(api.records.filter((r) => !r.url.startsWith(API))).toEqual([])
  })

  it.each(['cross-origin', 'subdomain'])(
    'drops the token on a %s redirect and passes the challenge from there through',
    async (target) => {
      const { api, client, calls } = setup(adapter)
      const outcome = await client.send(`${API}/v1/redirect/${target}`)
      expect(outcome.status).toBe(401)
      expect(outcome.caeKit).toBeUndefined()
      const landed = api.records.filter((r) => !r.url.startsWith(API))
      expect(landed).toHaveLength(1)
      expect(landed[0]?.authorization).toBeNull()
      expect(calls).toHaveLength(1)
    },
  )

  it('drops the token on a same-origin redirect out of the resource path', async () => {
    const { api, client } = setup(adapter)
    const outcome = await client.send(`${API}/v1/redirect/same-origin`)
    expect(outcome.status).toBe(200)
    const landed = api.records.filter((r) => r.url === `${API}/public/landing`)
    expect(landed).toHaveLength(1)
    expect(landed[0]?.authorization).toBeNull()
  })

  // Rule 9: RFC 9470 step-up.
  it('answers an RFC 9470 step-up challenge with stepUp and replays once', async () => {
    const { api, client, calls } = setup(adapter)
    await client.send(`${API}/v1/me`)
    api.state.kind = 'step-up'
    api.revoke('tok-1-SECRET')
    const outcome = await client.send(`${API}/v1/me`, { headers: id('step') })
    expect(outcome.status).toBe(200)
    expect(calls[1]).toMatchObject({
      scopes: RESOURCE.scopes,
      stepUp: { acrValues: ['c1', 'c2'], maxAge: 300 },
    })
    expect(calls[1]?.claims).toBeUndefined()
    expect(api.sent('step')).toHaveLength(2)
  })

  it('honours strict: only insufficient_claims is answered', async () => {
    const { api, client, calls } = setup(adapter, { strict: true })
    api.state.claims = CLAIMS
    await client.send(`${API}/v1/me`)
    api.revoke('tok-1-SECRET')
    expect((await client.send(`${API}/v1/me`)).status).toBe(200)
    expect(calls).toHaveLength(2)
  })

  // Rule 10: events and logging.
  it('reports each step as one event with url, method, scopes, claims and timing', async () => {
    const { api, client, events } = setup(adapter)
    await client.send(`${API}/v1/me`)
    api.revoke('tok-1-SECRET')
    await client.send(`${API}/v1/me?x=1`, { method: 'PUT', body: { kind: 'string', text: 'b' } })
    expect(events.map((e) => [e.type, 'reason' in e ? e.reason : undefined])).toEqual([
      ['token', 'initial'],
      ['challenge', undefined],
      ['token', 'challenge'],
      ['replay', undefined],
    ])
    for (const event of events.slice(1)) {
      expect(event).toMatchObject({
        url: `${API}/v1/me?x=1`,
        method: 'PUT',
        scopes: RESOURCE.scopes,
        claims: CLAIMS,
      })
      expect(event.durationMs).toBeGreaterThanOrEqual(0)
      expect(event.at).toBeGreaterThan(0)
    }
    expect(events[1]).toMatchObject({
      type: 'challenge',
      status: 401,
      error: 'insufficient_claims',
    })
  })

  it('keeps requests working when onEvent throws', async () => {
    const warn = vi.fn()
    const { api, client } = setup(adapter, {
      onEvent: () => {
        throw new Error('listener bug')
      },
      logger: { warn },
    })
    await client.send(`${API}/v1/me`)
    api.revoke('tok-1-SECRET')
    expect((await client.send(`${API}/v1/me`)).status).toBe(200)
    expect(warn).toHaveBeenCalled()
  })

  it('never hands a token to the logger or to events', async () => {
    const lines: string[] = []
    const log = (message: string) => lines.push(message)
    const provided = createProvider()
    const { api, client, events } = setup(
      adapter,
      { logger: { debug: log, info: log, warn: log, error: log } },
      provided,
    )
    await client.send(`${API}/v1/me`)
    api.revoke('tok-1-SECRET')
    await client.send(`${API}/v1/me`)
    api.state.challengeAll = true
    await client.send(`${API}/v1/me`)
    provided.failNext(new Error('down'))
    await client.send(`${API}/v1/me`).catch(() => {})
    expect(lines.length).toBeGreaterThan(3)
    const serialised =
      lines.join('\n') + JSON.stringify(events.map((e) => ({ ...e, error: undefined })))
    expect(serialised).not.toContain('SECRET')
  })

  // The storm: 1,000 concurrent challenged requests.
  it('answers 1,000 concurrent challenged requests with one provider call', async () => {
    const { api, client, calls } = setup(adapter)
    await client.send(`${API}/v1/me`)
    api.revoke('tok-1-SECRET')
    const outcomes = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        client.send(`${API}/v1/items`, {
          method: 'POST',
          headers: id(`s${i}`),
          body: { kind: 'string', text: `body-${i}` },
        }),
      ),
    )
    expect(calls).toHaveLength(2)
    expect(outcomes.every((o, i) => o.status === 200 && o.text === `body-${i}`)).toBe(true)
    const perRequest = new Map<string, number>()
    for (const r of api.records) if (r.id) perRequest.set(r.id, (perRequest.get(r.id) ?? 0) + 1)
    expect(perRequest.size).toBe(1000)
    expect(Math.max(...perRequest.values())).toBe(2)
  })
})
