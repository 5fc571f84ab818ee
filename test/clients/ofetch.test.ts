// @vitest-environment node
/** ofetch with a cae fetch: `ofetch.create(defaults, { fetch })`. */
import { getClaimsChallenge } from '@cae-kit/core'
import { FetchError, ofetch } from 'ofetch'
import { expect, it } from 'vitest'
import { daemonCaeFetch, traffic, useEmulator } from './support'

const emulator = useEmulator()

/** An ofetch instance over the cae fetch that counts each hook call. */
function ofetchOverCae(caeFetch: typeof fetch, baseURL: string) {
  const calls = { onRequest: 0, onResponse: [] as number[], onResponseError: 0 }
  const api = ofetch.create(
    {
      baseURL,
      onRequest: () => void calls.onRequest++,
      onResponse: ({ response }) => void calls.onResponse.push(response.status),
      onResponseError: () => void calls.onResponseError++,
    },
    { fetch: caeFetch },
  )
  return { api, calls }
}

it('gets through a claims challenge: one token request, one replay, hooks once', async () => {
  const idp = emulator()
  const { caeFetch, events } = daemonCaeFetch(idp)
  const { api, calls } = ofetchOverCae(caeFetch, idp.apiUrl)
  await api('/messages')
  idp.admin.leaveTrustedLocation()
  const seen = traffic(idp)

  const body = await api<{ value: { from: string }[] }>('/messages')

  expect(body.value[0]?.from).toBe('system')
  expect(seen().tokenRequests).toHaveLength(1)
  expect(seen().apiRequests.map((r) => r.status)).toEqual([401, 200])
  expect(events.filter((e) => e.type === 'replay')).toHaveLength(1)
  expect(calls).toEqual({ onRequest: 2, onResponse: [200, 200], onResponseError: 0 })
})

it('posts through a claims challenge with the JSON body intact on both sends', async () => {
  const idp = emulator()
  const { caeFetch } = daemonCaeFetch(idp)
  const { api, calls } = ofetchOverCae(caeFetch, idp.apiUrl)
  await api('/messages')
  idp.admin.leaveTrustedLocation()
  const seen = traffic(idp)

  const created = await api<{ body: unknown }>('/messages', {
    method: 'POST',
    body: { subject: 'ofetch', n: 2 },
  })

  expect(created.body).toEqual({ subject: 'ofetch', n: 2 })
  expect(seen().tokenRequests).toHaveLength(1)
  expect(seen().apiRequests.map((r) => [r.method, r.status, r.body])).toEqual([
    ['POST', 401, '{"subject":"ofetch","n":2}'],
    ['POST', 201, '{"subject":"ofetch","n":2}'],
  ])
  expect(calls).toEqual({ onRequest: 2, onResponse: [200, 201], onResponseError: 0 })
})

it('surfaces an unsatisfiable challenge as one FetchError that still carries the claims', async () => {
  const idp = emulator()
  const { caeFetch, events } = daemonCaeFetch(idp)
  const { api, calls } = ofetchOverCae(caeFetch, idp.apiUrl)
  await api('/messages')
  idp.admin.alwaysChallenge(true)
  const seen = traffic(idp)

  const error = await api('/messages').catch((caught: unknown) => caught)

  expect(error).toBeInstanceOf(FetchError)
  const response = (error as FetchError).response
  expect(response?.status).toBe(401)
  expect(response && getClaimsChallenge(response)?.claims).toContain('"access_token"')
  expect(seen().tokenRequests).toHaveLength(1)
  // ofetch retries a GET once on 408/409/425/429/5xx, never on a 401.
  expect(seen().apiRequests.map((r) => r.status)).toEqual([401, 401])
  expect(events.filter((e) => e.type === 'challenge-unsatisfied')).toHaveLength(1)
  expect(calls).toEqual({ onRequest: 2, onResponse: [200, 401], onResponseError: 1 })
})
