// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { CLIENTS, DAEMON, type Member, startFleet, useEmulator } from './fleet'
import { useRedisServer } from './redis-server'

const idp = useEmulator()
const redis = useRedisServer()

describe.each(CLIENTS)('%s', (_name, open) => {
  it('makes one token request fleet-wide at start-up and for one challenge event', async () => {
    const fleet = await startFleet(idp(), 4, open, redis().url)
    try {
      const api = `${idp().apiUrl}/messages`
      const first = await Promise.all(fleet.members.map((member) => member.caeFetch(api)))
      expect(first.map((r) => r.status)).toEqual([200, 200, 200, 200])
      expect(idp().admin.tokenRequests()).toHaveLength(1)

      idp().admin.leaveTrustedLocation()
      const storm = await Promise.all(
        fleet.members.flatMap((member) => Array.from({ length: 5 }, () => member.caeFetch(api))),
      )
      expect(storm.map((r) => r.status)).toEqual(Array(20).fill(200))
      const requests = idp().admin.tokenRequests()
      expect(requests).toHaveLength(2)
      expect(requests[1]).toMatchObject({ ok: true, claims: expect.any(String) })
    } finally {
      await fleet.close()
    }
  })
})

describe.each(CLIENTS)('%s, with the emulator', (_name, open) => {
  it('lets a process challenged later take the token another process renewed (rejected-token rule)', async () => {
    const fleet = await startFleet(idp(), 2, open, redis().url)
    try {
      const [a, b] = fleet.members as [Member, Member]
      const api = `${idp().apiUrl}/messages`
      await a.caeFetch(api)
      await b.caeFetch(api)
      expect(idp().admin.tokenRequests()).toHaveLength(1)
      idp().admin.leaveTrustedLocation()
      expect((await a.caeFetch(api)).status).toBe(200)
      expect(idp().admin.tokenRequests()).toHaveLength(2)
      // b still holds the rejected token: challenged, it takes a's renewal without asking Entra.
      expect((await b.caeFetch(api)).status).toBe(200)
      expect(idp().admin.tokenRequests()).toHaveLength(2)
      expect(b.events.map((event) => event.type)).toEqual(['token', 'challenge', 'token', 'replay'])
      expect(
        idp()
          .admin.apiRequests()
          .map((r) => r.status),
      ).toEqual([200, 200, 401, 200, 401, 200])
    } finally {
      await fleet.close()
    }
  })

  it('shares a blocked service principal: one token request, every process gets ERR_CAE_ACCESS_BLOCKED', async () => {
    const fleet = await startFleet(idp(), 4, open, redis().url)
    try {
      const api = `${idp().apiUrl}/messages`
      await Promise.all(fleet.members.map((member) => member.caeFetch(api)))
      idp().admin.disableServicePrincipal(DAEMON.clientId)
      const outcomes = await Promise.all(
        fleet.members.flatMap((member) =>
          Array.from({ length: 5 }, () => member.caeFetch(api).catch((error: unknown) => error)),
        ),
      )
      for (const outcome of outcomes) {
        expect(outcome).toMatchObject({ code: 'ERR_CAE_ACCESS_BLOCKED' })
      }
      const failed = idp()
        .admin.tokenRequests()
        .filter((request) => !request.ok)
      expect(failed).toHaveLength(1)
    } finally {
      await fleet.close()
    }
  })
})
