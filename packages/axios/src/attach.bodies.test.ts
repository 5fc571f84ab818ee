// @vitest-environment node

import { Readable } from 'node:stream'
import { createGzip } from 'node:zlib'
import axios, { type AxiosRequestTransformer } from 'axios'
import { describe, expect, it } from 'vitest'
import { counting, resources, useChallengingApi } from '../test/challenging-api'
import { attachCae } from './attach'

const { seen, revoked } = useChallengingApi()

/** Body of a multipart request without its boundary, to compare two sends. */
const parts = (body: string) => body.replace(/-{2,}[-\w]+/g, '--B')

describe('bodies as dispatched, on the first send and the replay', () => {
  it('replays an object posted with postForm (multipart) with the same parts', async () => {
    const instance = axios.create({ timeout: 2000 })
    attachCae(instance, { tokenProvider: counting(), resources })
    await instance.get('https://api.test/v1/warm')
    revoked.add('Bearer tok-1')
    const outcome = await instance.postForm('https://api.test/v1/upload', { field: 'value' }).then(
      (r) => r.status,
      (e: unknown) => (e as { code?: string }).code,
    )
    // The replay must carry the same parts, not the consumed form-data stream (a hang).
    expect(seen[1]?.body).toContain('value')
    expect(outcome).toBe(200)
    const [, first, replay] = seen
    expect(first?.body).toContain('value')
    expect(parts(replay?.body ?? '')).toBe(parts(first?.body ?? ''))
  })

  it('replays an object posted with a multipart Content-Type with the same parts', async () => {
    const instance = axios.create({ timeout: 2000 })
    attachCae(instance, { tokenProvider: counting(), resources })
    await instance.get('https://api.test/v1/warm')
    revoked.add('Bearer tok-1')
    const outcome = await instance
      .post(
        'https://api.test/v1/upload',
        { field: 'value' },
        { headers: { 'Content-Type': 'multipart/form-data' } },
      )
      .then(
        (r) => r.status,
        (e: unknown) => (e as { code?: string }).code,
      )
    expect(outcome).toBe(200)
    const [, first, replay] = seen
    expect(parts(replay?.body ?? '')).toBe(parts(first?.body ?? ''))
  })

  it("sends what the caller's transformRequest made of a FormData", async () => {
    const instance = axios.create()
    attachCae(instance, { tokenProvider: counting(), resources })
    const addCsrf: AxiosRequestTransformer = (data) => {
      if (data instanceof FormData) data.append('csrf', 'c-123')
      return data
    }
    const form = new FormData()
    form.append('field', 'value')
    const transformRequest = [
      addCsrf,
      ...(axios.defaults.transformRequest as AxiosRequestTransformer[]),
    ]
    await axios.create().post('https://api.test/v1/upload', form, { transformRequest })
    expect(seen[0]?.body).toContain('c-123') // without cae-kit
    const other = new FormData()
    other.append('field', 'value')
    await instance.post('https://api.test/v1/upload', other, { transformRequest })
    expect(seen[1]?.body).toContain('c-123')
  })

  it("sends what the caller's transformRequest made of a stream (gzip)", async () => {
    const instance = axios.create()
    attachCae(instance, { tokenProvider: counting(), resources })
    const gzip: AxiosRequestTransformer = (data, headers) => {
      headers.set('Content-Encoding', 'gzip')
      return (data as Readable).pipe(createGzip())
    }
    await instance.post('https://api.test/v1/upload', Readable.from([Buffer.from('hello')]), {
      transformRequest: [gzip],
    })
    // A gzip stream starts with 1f 8b; the body must not be the raw 'hello'.
    expect(seen[0]?.body).not.toBe('hello')
  })
})
