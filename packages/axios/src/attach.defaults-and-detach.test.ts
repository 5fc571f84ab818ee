// @vitest-environment node
import axios, { type AxiosAdapter, isCancel } from 'axios'
import { describe, expect, it } from 'vitest'
import { counting, resources, useChallengingApi } from '../test/challenging-api'
import { attachCae } from './attach'

const { seen, revoked } = useChallengingApi()

describe('detach and configs that never reached the adapter', () => {
  it('once detached, retries a config canceled before dispatch with the signal it is given', async () => {
    const instance = axios.create()
    const detach = attachCae(instance, { tokenProvider: counting(), resources })
    const controller = new AbortController()
    controller.abort()
    const error = await instance
      .get('https://api.test/v1/me', { signal: controller.signal })
      .catch((e: unknown) => e)
    expect(isCancel(error)).toBe(true)
    detach()
    const config = (error as { config: Parameters<typeof instance.request>[0] }).config
    const retried = await instance
      .request({ ...config, signal: new AbortController().signal })
      .catch((e: unknown) => e)
    expect((retried as { status?: number }).status).toBe(200)
  })
})

describe('axios defaults and adapters', () => {
  it('treats a per-method default Authorization as the caller opting out', async () => {
    const instance = axios.create()
    instance.defaults.headers.get.Authorization = 'Bearer mine'
    const provider = counting()
    attachCae(instance, { tokenProvider: provider, resources })
    await instance.get('https://api.test/v1/me')
    expect(seen.at(-1)?.authorization).toBe('Bearer mine')
    expect(provider.count).toBe(0)
  })

  it('uses defaults.adapter changed after attachCae, once per send, with a custom adapter function', async () => {
    const instance = axios.create()
    const provider = counting()
    attachCae(instance, { tokenProvider: provider, resources })
    let calls = 0
    const http = axios.getAdapter('http')
    const custom: AxiosAdapter = (config) => {
      calls++
      return http(config)
    }
    instance.defaults.adapter = custom
    await instance.get('https://api.test/v1/me')
    revoked.add('Bearer tok-1')
    const response = await instance.get('https://api.test/v1/me')
    expect(response.status).toBe(200)
    expect(response.config.caeKit?.replay).toBe(true)
    expect(calls).toBe(3)
    expect(seen.map((s) => s.authorization)).toEqual([
      'Bearer tok-1',
      'Bearer tok-1',
      'Bearer tok-2',
    ])
  })

  it('replays once with an adapter array and a validateStatus that accepts 401', async () => {
    const instance = axios.create({ adapter: ['fetch', 'http'], validateStatus: () => true })
    const provider = counting()
    attachCae(instance, { tokenProvider: provider, resources })
    await instance.get('https://api.test/v1/me')
    revoked.add('Bearer tok-1')
    revoked.add('Bearer tok-2')
    const response = await instance.get('https://api.test/v1/me')
    expect(response.status).toBe(401)
    expect(seen).toHaveLength(3)
  })
})
