// @vitest-environment node
import { Readable } from 'node:stream'
import axios from 'axios'
import { describe, expect, it } from 'vitest'
import { counting, resources, useChallengingApi } from '../test/challenging-api'
import { attachCae } from './attach'
import { isCaeAxiosError } from './cae-axios-error'

const { seen, revoked } = useChallengingApi()

describe('opt-outs, ended streams and retries', () => {
  it('treats credentials in the URL as the caller opting out, like auth', async () => {
    const instance = axios.create()
    const provider = counting()
    attachCae(instance, { tokenProvider: provider, resources })
    await instance.get('https://u:p@api.test/v1/me')
    expect(seen[0]?.authorization).toMatch(/^Basic /)
    expect(provider.count).toBe(0)
  })

  it('two attachCae on one instance for two resources each authorize their own', async () => {
    const instance = axios.create()
    const a = counting('a')
    const b = counting('b')
    attachCae(instance, { tokenProvider: a, resources })
    attachCae(instance, {
      tokenProvider: b,
      resources: [{ url: 'https://other.test', scopes: ['api://other/.default'] }],
    })
    await instance.get('https://api.test/v1/me')
    await instance.get('https://other.test/me')
    revoked.add('Bearer a-1')
    revoked.add('Bearer b-1')
    expect((await instance.get('https://api.test/v1/me')).status).toBe(200)
    expect((await instance.get('https://other.test/me')).status).toBe(200)
    expect([a.count, b.count]).toEqual([2, 2])
  })

  it('sends a stream that has already ended as axios would (empty), without hanging', async () => {
    const controller = new AbortController()
    const instance = axios.create({ timeout: 2000 })
    attachCae(instance, { tokenProvider: counting(), resources })
    const stream = Readable.from([Buffer.from('x')])
    for await (const _ of stream) {
      // drain it
    }
    const bare = await axios.create({ timeout: 2000 }).post('https://api.test/v1/up', stream)
    expect(bare.status).toBe(200)
    // An 'end' emitted long ago must not be waited for: axios' timeout would never start.
    const abort = setTimeout(() => controller.abort(), 2500)
    const outcome = await Promise.race([
      instance.post('https://api.test/v1/up', stream, { signal: controller.signal }).then(
        (r) => r.status,
        (e: unknown) => (e as { code?: string }).code,
      ),
      new Promise((resolve) => setTimeout(resolve, 5000, 'hung')),
    ])
    clearTimeout(abort)
    expect(outcome).toBe(200)
  })

  it('handles a retry of error.config after ERR_CAE_CHALLENGE_AFTER_REPLAY like a new request', async () => {
    const instance = axios.create()
    const provider = counting()
    attachCae(instance, { tokenProvider: provider, resources })
    await instance.get('https://api.test/v1/me')
    revoked.add('Bearer tok-1')
    revoked.add('Bearer tok-2')
    const error = await instance.get('https://api.test/v1/me').catch((e: unknown) => e)
    if (!isCaeAxiosError(error) || !error.config) throw error
    expect(error.caeKit.code).toBe('ERR_CAE_CHALLENGE_AFTER_REPLAY')
    // The app reacts (e.g. the user signs in again) and retries the failed call, the axios way.
    const fresh = await instance.get('https://api.test/v1/me')
    expect(fresh.status).toBe(200) // a new call is answered: tok-2 challenged, tok-3 replayed
    const retried = await instance.request(error.config).catch((e: unknown) => e)
    // The retry carries the current token, and a challenge to it is answered like any other.
    expect(seen.at(-1)?.authorization).toBe('Bearer tok-3')
    expect((retried as { status?: number }).status).toBe(200)
  })
})
