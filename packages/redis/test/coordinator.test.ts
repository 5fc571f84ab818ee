// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { CLIENTS, startFleet, useEmulator } from './fleet'
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
