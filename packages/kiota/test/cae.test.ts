// @vitest-environment node
import { isCaeError } from '@cae-kit/core'
import { DefaultApiError } from '@microsoft/kiota-abstractions'
import { expect, it } from 'vitest'
import { getCaeOutcome } from '../src/index'
import { call, kiotaAdapter, traffic, useEmulator } from './support'

const { emulator, fetch } = useEmulator()

type Messages = { value: { from: string }[] }

it('gets through a CAE challenge after leaving the trusted location: 1 token request, 1 replay', async () => {
  const idp = emulator()
  const { adapter, events } = kiotaAdapter(idp, fetch)
  await call(adapter, 'GET', '/messages')
  idp.admin.leaveTrustedLocation()
  const seen = traffic(idp)

  const messages = (await call(adapter, 'GET', '/messages')) as Messages

  expect(messages.value[0]?.from).toBe('system')
  expect(seen().tokenRequests).toHaveLength(1)
  expect(seen().apiRequests.map((r) => r.status)).toEqual([401, 200])
  expect(events.filter((e) => e.type === 'replay')).toHaveLength(1)
})

it('replays a POST with its JSON body intact', async () => {
  const idp = emulator()
  const { adapter } = kiotaAdapter(idp, fetch)
  await call(adapter, 'GET', '/messages')
  idp.admin.leaveTrustedLocation()
  const seen = traffic(idp)

  const created = (await call(adapter, 'POST', '/messages', { subject: 'kiota', n: 4 })) as {
    body: unknown
  }

  expect(created.body).toEqual({ subject: 'kiota', n: 4 })
  expect(seen().apiRequests.map((r) => [r.method, r.status, r.body])).toEqual([
    ['POST', 401, '{"subject":"kiota","n":4}'],
    ['POST', 201, '{"subject":"kiota","n":4}'],
  ])
})

it('surfaces an unsatisfiable challenge as an ApiError after 1 token request and at most 3 API calls', async () => {
  const idp = emulator()
  const { adapter } = kiotaAdapter(idp, fetch)
  await call(adapter, 'GET', '/messages')
  idp.admin.alwaysChallenge(true)
  const seen = traffic(idp)

  const error = await call(adapter, 'GET', '/messages').catch((caught: unknown) => caught)

  expect(error).toBeInstanceOf(DefaultApiError)
  expect((error as DefaultApiError).responseStatusCode).toBe(401)
  expect(seen().tokenRequests).toHaveLength(1)
  // cae-kit's first send and replay, then Kiota's own retry of a 401 carrying claims.
  expect(seen().apiRequests.map((r) => r.status)).toEqual([401, 401, 401])
  const outcome = getCaeOutcome(error)
  expect(outcome?.code).toBe('ERR_CAE_CHALLENGE_AFTER_REPLAY')
  expect(outcome?.claims).toBe(seen().apiRequests[2]?.claims)
})

it('rejects with ERR_CAE_ACCESS_BLOCKED when the service principal is disabled', async () => {
  const idp = emulator()
  const { adapter } = kiotaAdapter(idp, fetch)
  await call(adapter, 'GET', '/messages')
  idp.admin.disableServicePrincipal(idp.msalNodeConfig().auth.clientId)

  const error = await call(adapter, 'GET', '/messages').catch((caught: unknown) => caught)

  expect(isCaeError(error) && error.code).toBe('ERR_CAE_ACCESS_BLOCKED')
  expect(getCaeOutcome(error)).toMatchObject({ code: 'ERR_CAE_ACCESS_BLOCKED', error })
})

it('tells no CAE outcome for an ordinary API error', async () => {
  const idp = emulator()
  const { adapter } = kiotaAdapter(idp, fetch)
  const error = await call(adapter, 'GET', '/nowhere').catch((caught: unknown) => caught)
  expect((error as DefaultApiError).responseStatusCode).toBe(404)
  expect(getCaeOutcome(error)).toBeUndefined()
})

it('requests 1 token for 1,000 concurrent calls challenged at once', async () => {
  const idp = emulator()
  const { adapter, events } = kiotaAdapter(idp, fetch)
  await call(adapter, 'GET', '/messages')
  idp.admin.leaveTrustedLocation()
  const seen = traffic(idp)

  const results = await Promise.all(
    Array.from({ length: 1000 }, () => call(adapter, 'GET', '/messages') as Promise<Messages>),
  )

  expect(results.every((result) => Array.isArray(result.value))).toBe(true)
  expect(seen().tokenRequests).toHaveLength(1)
  expect(events.filter((e) => e.type === 'replay')).toHaveLength(1000)
}, 180_000)
