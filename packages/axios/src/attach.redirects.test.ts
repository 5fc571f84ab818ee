// @vitest-environment node
import axios from 'axios'
import { HttpResponse, http } from 'msw'
import { describe, expect, it } from 'vitest'
import { counting, resources, useChallengingApi } from '../test/challenging-api'
import { attachCae } from './attach'

const { seen } = useChallengingApi({
  before: [
    http.all(
      'https://api.test/v1/sub',
      () =>
        new HttpResponse(null, { status: 302, headers: { location: 'https://x.api.test/v1/me' } }),
    ),
  ],
})

describe('http adapter redirects', () => {
  it("drops the token on a redirect to a subdomain, after the caller's beforeRedirect", async () => {
    const instance = axios.create()
    const hops: string[] = []
    attachCae(instance, { tokenProvider: counting(), resources })
    const response = await instance.get('https://api.test/v1/sub', {
      beforeRedirect: (options) => {
        hops.push(String(options.href))
      },
    })
    expect(response.status).toBe(200)
    expect(hops).toEqual(['https://x.api.test/v1/me'])
    expect(seen.map((s) => [s.url, s.authorization])).toEqual([['https://x.api.test/v1/me', null]])
  })
})
