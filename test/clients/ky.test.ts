// @vitest-environment node
/**
 * ky with a cae fetch as its `fetch` option. ky 1.14 is pinned: ky 2 needs Node 22.
 */
import { getClaimsChallenge } from '@cae-kit/core'
import ky, { HTTPError } from 'ky'
import { expect, it } from 'vitest'
import { daemonCaeFetch, traffic, useEmulator } from './support'

const emulator = useEmulator()

/** A ky instance over the cae fetch that counts each hook call. */
function kyOverCae(caeFetch: typeof fetch, prefixUrl: string) {
  const calls = { beforeRequest: 0, afterResponse: [] as number[], beforeError: 0, beforeRetry: 0 }
  const api = ky.create({
    prefixUrl,
    fetch: caeFetch,
    hooks: {
      beforeRequest: [() => void calls.beforeRequest++],
      afterResponse: [
        (_request, _options, response) => void calls.afterResponse.push(response.status),
      ],
      beforeError: [
        (error) => {
          calls.beforeError++
          return error
        },
      ],
      beforeRetry: [() => void calls.beforeRetry++],
    },
  })
  return { api, calls }
}

it('gets through a claims challenge: one token request, one replay, hooks once', async () => {
  const idp = emulator()
  const { caeFetch, events } = daemonCaeFetch(idp)
  const { api, calls } = kyOverCae(caeFetch, idp.apiUrl)
  await api.get('messages').json()
  idp.admin.leaveTrustedLocation()
  const seen = traffic(idp)

  const body = await api.get('messages').json<{ value: { from: string }[] }>()

  expect(body.value[0]?.from).toBe('system')
  expect(seen().tokenRequests).toHaveLength(1)
  expect(seen().tokenRequests[0]?.claims).toContain('"xms_cc"')
  expect(seen().apiRequests.map((r) => r.status)).toEqual([401, 200])
  expect(events.filter((e) => e.type === 'replay')).toHaveLength(1)
  expect(calls).toEqual({
    beforeRequest: 2,
    afterResponse: [200, 200],
    beforeError: 0,
    beforeRetry: 0,
  })
})

it('posts through a claims challenge with the JSON body intact on both sends', async () => {
  const idp = emulator()
  const { caeFetch } = daemonCaeFetch(idp)
  const { api, calls } = kyOverCae(caeFetch, idp.apiUrl)
  await api.get('messages')
  idp.admin.leaveTrustedLocation()
  const seen = traffic(idp)

  const created = await api
    .post('messages', { json: { subject: 'ky', n: 1 } })
    .json<{ body: unknown }>()

  expect(created.body).toEqual({ subject: 'ky', n: 1 })
  expect(seen().tokenRequests).toHaveLength(1)
  expect(seen().apiRequests.map((r) => [r.method, r.status, r.body])).toEqual([
    ['POST', 401, '{"subject":"ky","n":1}'],
    ['POST', 201, '{"subject":"ky","n":1}'],
  ])
  expect(calls.beforeRequest).toBe(2)
  expect(calls.afterResponse).toEqual([200, 201])
})

it('surfaces an unsatisfiable challenge as one HTTPError that still carries the claims', async () => {
  const idp = emulator()
  const { caeFetch, events } = daemonCaeFetch(idp)
  const { api, calls } = kyOverCae(caeFetch, idp.apiUrl)
  await api.get('messages')
  idp.admin.alwaysChallenge(true)
  const seen = traffic(idp)

  const error = await api.get('messages').catch((caught: unknown) => caught)

  expect(error).toBeInstanceOf(HTTPError)
  const { response } = error as HTTPError
  expect(response.status).toBe(401)
  expect(getClaimsChallenge(response)?.claims).toContain('"access_token"')
  expect(seen().tokenRequests).toHaveLength(1)
  expect(seen().apiRequests.map((r) => r.status)).toEqual([401, 401])
  expect(events.filter((e) => e.type === 'challenge-unsatisfied')).toHaveLength(1)
  // ky does not retry a 401: each hook ran once for the call.
  expect(calls).toEqual({
    beforeRequest: 2,
    afterResponse: [200, 401],
    beforeError: 1,
    beforeRetry: 0,
  })
})
