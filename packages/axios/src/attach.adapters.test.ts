import axios, { isCancel } from 'axios'
import { HttpResponse, http } from 'msw'
import { afterEach, describe, expect, it } from 'vitest'
import { counting, resources, useChallengingApi } from '../test/challenging-api'
import { attachCae } from './attach'
import { isCaeAxiosError } from './cae-axios-error'

let challengeOutside = false
const { seen, revoked } = useChallengingApi({
  before: [
    http.all(
      'https://api.test/v1/go',
      () =>
        new HttpResponse(null, {
          status: 302,
          headers: { location: 'https://api.test/public/landing' },
        }),
    ),
  ],
  challenges: (path) => challengeOutside && path.startsWith('/public'),
})
afterEach(() => {
  challengeOutside = false
})

describe('adapters, cancellation and detach', () => {
  it('fetch adapter: replays a JSON POST once and rejects the second challenge with caeKit', async () => {
    const instance = axios.create({ adapter: 'fetch' })
    const provider = counting()
    attachCae(instance, { tokenProvider: provider, resources })
    await instance.get('https://api.test/v1/warm')
    revoked.add('Bearer tok-1')
    const ok = await instance.post('https://api.test/v1/me', { a: 1 })
    expect(ok.status).toBe(200)
    revoked.add('Bearer tok-2')
    revoked.add('Bearer tok-3')
    const error = await instance.post('https://api.test/v1/me', { a: 1 }).catch((e: unknown) => e)
    expect(isCaeAxiosError(error) && error.caeKit.code).toBe('ERR_CAE_CHALLENGE_AFTER_REPLAY')
    expect(seen.map((s) => s.body)).toEqual(['', '{"a":1}', '{"a":1}', '{"a":1}', '{"a":1}'])
  })

  it('fetch adapter: passes through a challenge from a redirect target outside the resource', async () => {
    const instance = axios.create({ adapter: 'fetch', validateStatus: () => true })
    const provider = counting()
    attachCae(instance, { tokenProvider: provider, resources })
    challengeOutside = true
    const response = await instance.get('https://api.test/v1/go')
    expect(response.status).toBe(401)
    // Only the first token: the challenge from /public is not the resource's to answer.
    expect(provider.count).toBe(1)
  })

  it('http adapter: passes through a challenge from a redirect target outside the resource', async () => {
    const instance = axios.create({ validateStatus: () => true })
    const provider = counting()
    attachCae(instance, { tokenProvider: provider, resources })
    challengeOutside = true
    const response = await instance.get('https://api.test/v1/go')
    expect(response.status).toBe(401)
    expect(provider.count).toBe(1)
  })

  it('cancelToken: a request canceled before it is sent rejects as canceled', async () => {
    const instance = axios.create()
    attachCae(instance, { tokenProvider: counting(), resources })
    const source = axios.CancelToken.source()
    source.cancel('stop')
    const error = await instance
      .get('https://api.test/v1/me', { cancelToken: source.token })
      .catch((e: unknown) => e)
    expect(isCancel(error)).toBe(true)
    expect(seen).toEqual([])
  })

  it('detach while a request waits for its first token: the request still completes', async () => {
    const instance = axios.create()
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const detach = attachCae(instance, {
      tokenProvider: {
        async getToken() {
          await gate
          return { token: 'tok-1' }
        },
      },
      resources,
    })
    const pending = instance.get('https://api.test/v1/me')
    detach()
    release()
    expect((await pending).status).toBe(200)
    expect(seen.map((s) => s.authorization)).toEqual(['Bearer tok-1'])
  })

  it('detach while a challenged request is answered: the replay is sent once', async () => {
    const instance = axios.create()
    const provider = counting()
    const detach = attachCae(instance, { tokenProvider: provider, resources })
    await instance.get('https://api.test/v1/warm')
    revoked.add('Bearer tok-1')
    const pending = instance.get('https://api.test/v1/me')
    await new Promise((r) => setTimeout(r, 0))
    detach()
    const response = await pending.catch((e: unknown) => e)
    expect((response as { status?: number }).status).toBe(200)
  })
})
