// @vitest-environment node
import { randomBytes } from 'node:crypto'
import type { ConfidentialClientApplication } from '@azure/msal-node'
import type { TokenProvider } from '@cae-kit/core'
import { fromMsalNode } from '@cae-kit/msal-node'
import { describe, expect, it } from 'vitest'
import type { RedisClientLike } from '../src'
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
  it('answers a storm with one failing token request when Entra fails, and recovers with one more', async () => {
    const fleet = await startFleet(idp(), 4, open, redis().url)
    try {
      const api = `${idp().apiUrl}/messages`
      await Promise.all(fleet.members.map((member) => member.caeFetch(api)))
      idp().admin.leaveTrustedLocation()
      idp().admin.delayTokenRequests(1, 1_000) // the failing attempt still runs when all wait
      idp().admin.failTokenRequests(1)
      const storm = () =>
        Promise.all(
          fleet.members.flatMap((member) =>
            Array.from({ length: 5 }, () =>
              member.caeFetch(api).then(
                (response) => response.status,
                (error: unknown) => (error as { code?: string }).code,
              ),
            ),
          ),
        )
      expect(await storm()).toEqual(Array(20).fill('ERR_CAE_TOKEN_ACQUISITION_FAILED'))
      expect(idp().admin.tokenRequests().slice(1)).toEqual([expect.objectContaining({ ok: false })])
      expect(await storm()).toEqual(Array(20).fill(200))
      expect(idp().admin.tokenRequests().slice(2)).toEqual([expect.objectContaining({ ok: true })])
    } finally {
      await fleet.close()
    }
  })

  it('keeps MSAL tokens encrypted in Redis, and a process with another key acquires its own', async () => {
    const issued: string[] = []
    const recording = (app: ConfidentialClientApplication): TokenProvider => {
      const inner = fromMsalNode(app, { flow: 'clientCredentials' })
      return {
        getToken: async (request) => {
          const token = await inner.getToken(request)
          issued.push(token.token)
          return token
        },
      }
    }
    const key = randomBytes(32)
    const fleet = await startFleet(idp(), 2, open, redis().url, { encryptionKey: key }, recording)
    const rotated = await startFleet(idp(), 1, open, redis().url, {
      namespace: fleet.namespace,
      encryptionKey: randomBytes(32),
    })
    try {
      const api = `${idp().apiUrl}/messages`
      for (const member of fleet.members) expect((await member.caeFetch(api)).status).toBe(200)
      expect(issued).toHaveLength(1)
      const client = fleet.members[0]?.client as RedisClientLike
      const names = (await client.sendCommand(['KEYS', `cae-kit:${fleet.namespace}:*`])) as string[]
      expect(names).toHaveLength(1)
      const raw = String(await client.sendCommand(['GET', names[0] as string]))
      expect(raw).not.toContain(issued[0])
      // No JWT part at all. (Not a bare 'eyJ': base64 ciphertext holds those 3 characters by
      // chance in about 1 run in 100.)
      for (const part of String(issued[0]).split('.')) expect(raw).not.toContain(part.slice(0, 16))
      expect((await rotated.members[0]?.caeFetch(api))?.status).toBe(200)
      expect(idp().admin.tokenRequests()).toHaveLength(2)
    } finally {
      await rotated.close()
      await fleet.close()
    }
  })
})
