import axios, { type AxiosResponse } from 'axios'
import { describe, expect, it } from 'vitest'
import { counting, resources, useChallengingApi } from '../test/challenging-api'
import { attachCae } from './attach'

const { seen, revoked } = useChallengingApi()

describe('interceptors around attachCae', () => {
  it('applies a data-unwrapping response interceptor added after attachCae once on a replay', async () => {
    const instance = axios.create()
    attachCae(instance, { tokenProvider: counting(), resources })
    instance.interceptors.response.use((response: AxiosResponse) => response.data)
    expect(await instance.get('https://api.test/v1/me')).toEqual({ ok: true })
    revoked.add('Bearer tok-1')
    // Without a challenge the interceptor unwraps once; after a replay it must do the same.
    expect(await instance.get('https://api.test/v1/me')).toEqual({ ok: true })
  })

  it('accepts headers replaced by a plain object in an interceptor that runs before it', async () => {
    const instance = axios.create()
    attachCae(instance, { tokenProvider: counting(), resources })
    // Registered later, so it runs first (axios runs request interceptors in reverse order).
    instance.interceptors.request.use(
      (config) => ({ ...config, headers: { ...config.headers, 'x-app': '1' } }) as never,
      undefined,
      { synchronous: true },
    )
    // Works without cae-kit:
    const bare = axios.create()
    bare.interceptors.request.use(
      (config) => ({ ...config, headers: { ...config.headers, 'x-app': '1' } }) as never,
    )
    await bare.get('https://api.test/v1/me')
    const response = await instance.get('https://api.test/v1/me')
    expect(response.status).toBe(200)
    expect(seen.map((s) => s.authorization)).toEqual([null, 'Bearer tok-1'])
  })

  it('never sends the token to an origin that an interceptor running after it switched to', async () => {
    const instance = axios.create({ baseURL: 'https://api.test/v1' })
    // Registered first, so it runs after cae-kit's interceptor: a tenant router.
    instance.interceptors.request.use((config) => {
      config.baseURL = 'https://tenant.other.test/v1'
      return config
    })
    attachCae(instance, { tokenProvider: counting(), resources })
    await instance.get('/me')
    await instance.get('/me')
    expect(seen.map((s) => new URL(s.url).origin)).toEqual([
      'https://tenant.other.test',
      'https://tenant.other.test',
    ])
    expect(seen.map((s) => s.authorization)).toEqual([null, null])
  })

  it('keeps the same Authorization from an interceptor running after it, cached token or not', async () => {
    const instance = axios.create()
    // Registered first, so it runs after cae-kit's interceptor: an existing app auth interceptor.
    instance.interceptors.request.use((config) => {
      config.headers.set('Authorization', 'Bearer mine')
      return config
    })
    attachCae(instance, { tokenProvider: counting(), resources })
    await instance.get('https://api.test/v1/me') // first token: acquired in the send
    await instance.get('https://api.test/v1/me') // cached token: set in the interceptor
    expect(seen[0]?.authorization).toBe(seen[1]?.authorization)
  })
})
