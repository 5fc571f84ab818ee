// @vitest-environment node
import { getClaimsChallenge } from '@cae-kit/core'
import { GraphError } from '@microsoft/microsoft-graph-client'
import { expect, it } from 'vitest'
import { AccessBlockedError, getCaeOutcome } from '../src/index'
import { graphClient, traffic, useEmulator } from './support'

const { emulator } = useEmulator()

it('gets through a CAE challenge after leaving the trusted location: 1 token request, 1 replay', async () => {
  const idp = emulator()
  const { client, events } = graphClient(idp)
  await client.api('/messages').get()
  idp.admin.leaveTrustedLocation()
  const seen = traffic(idp)

  const messages = await client.api('/messages').get()

  expect(messages.value[0].from).toBe('system')
  expect(seen().tokenRequests).toHaveLength(1)
  expect(seen().tokenRequests[0]?.claims).toContain('"xms_cc"')
  expect(seen().apiRequests.map((r) => r.status)).toEqual([401, 200])
  expect(events.filter((e) => e.type === 'replay')).toHaveLength(1)
})

it('replays a POST with its JSON body intact', async () => {
  const idp = emulator()
  const { client } = graphClient(idp)
  await client.api('/messages').get()
  idp.admin.leaveTrustedLocation()
  const seen = traffic(idp)

  const created = await client.api('/messages').post({ subject: 'graph-client', n: 3 })

  expect(created.body).toEqual({ subject: 'graph-client', n: 3 })
  expect(seen().apiRequests.map((r) => [r.method, r.status, r.body])).toEqual([
    ['POST', 401, '{"subject":"graph-client","n":3}'],
    ['POST', 201, '{"subject":"graph-client","n":3}'],
  ])
})

it('surfaces an unsatisfiable challenge as a GraphError after 1 token request and 2 API calls', async () => {
  const idp = emulator()
  const { client, events } = graphClient(idp)
  await client.api('/messages').get()
  idp.admin.alwaysChallenge(true)
  const seen = traffic(idp)

  const error = await client
    .api('/messages')
    .get()
    .catch((caught: unknown) => caught)

  expect(error).toBeInstanceOf(GraphError)
  const graphError = error as GraphError
  expect(graphError.statusCode).toBe(401)
  expect(seen().tokenRequests).toHaveLength(1)
  expect(seen().apiRequests.map((r) => r.status)).toEqual([401, 401])
  expect(events.filter((e) => e.type === 'challenge-unsatisfied')).toHaveLength(1)
  // The app tells the CAE outcome, and reaches the claims two ways.
  const outcome = getCaeOutcome(error)
  expect(outcome?.code).toBe('ERR_CAE_CHALLENGE_AFTER_REPLAY')
  expect(outcome?.claims).toBe(seen().apiRequests[1]?.claims)
  const headers = graphError.headers as Headers
  expect(getClaimsChallenge({ status: 401, headers })?.claims).toBe(outcome?.claims)
})

it('lets the app tell ERR_CAE_ACCESS_BLOCKED when the service principal is disabled', async () => {
  const idp = emulator()
  const { client } = graphClient(idp)
  await client.api('/messages').get()
  idp.admin.disableServicePrincipal(idp.msalNodeConfig().auth.clientId)

  const error = await client
    .api('/messages')
    .get()
    .catch((caught: unknown) => caught)

  expect(error).toBeInstanceOf(GraphError)
  expect((error as GraphError).code).toBe('ERR_CAE_ACCESS_BLOCKED')
  expect(getCaeOutcome(error)).toMatchObject({ code: 'ERR_CAE_ACCESS_BLOCKED' })
  expect(getCaeOutcome(error)?.claims).toContain('"access_token"')
  expect(getCaeOutcome(error)?.error).toBeInstanceOf(AccessBlockedError)
})

it('tells no CAE outcome for an ordinary Graph error', async () => {
  const idp = emulator()
  const { client } = graphClient(idp)
  const error = await client
    .api('/nowhere')
    .get()
    .catch((caught: unknown) => caught)
  expect((error as GraphError).statusCode).toBe(404)
  expect(getCaeOutcome(error)).toBeUndefined()
})

it('requests 1 token for 1,000 concurrent calls challenged at once', async () => {
  const idp = emulator()
  const { client, events } = graphClient(idp)
  await client.api('/messages').get()
  idp.admin.leaveTrustedLocation()
  const seen = traffic(idp)

  const results = await Promise.all(
    Array.from({ length: 1000 }, () => client.api('/messages').get()),
  )

  expect(results.every((result) => Array.isArray(result.value))).toBe(true)
  expect(seen().tokenRequests).toHaveLength(1)
  expect(events.filter((e) => e.type === 'replay')).toHaveLength(1000)
}, 180_000)
