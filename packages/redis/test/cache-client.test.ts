// @vitest-environment node
import { ConfidentialClientApplication, DistributedCachePlugin } from '@azure/msal-node'
import { describe, expect, it } from 'vitest'
import { redisCacheClient } from '../src'
import { CLIENTS, DAEMON, useEmulator } from './fleet'
import { useRedisServer } from './redis-server'

const idp = useEmulator()
const redis = useRedisServer()

describe.each(CLIENTS)('%s', (_name, open) => {
  it("keeps MSAL's cache in Redis: another process's MSAL is served from it", async () => {
    const connections = [await open(redis().url), await open(redis().url)] as const
    try {
      const partition = `app-cache-${_name.replace(/\W/g, '')}`
      const partitions = { getKey: async () => partition, extractKey: async () => partition }
      const process = (index: 0 | 1) =>
        new ConfidentialClientApplication({
          ...idp().msalNodeConfig({ ...DAEMON, clientCapabilities: ['CP1'] }),
          cache: {
            cachePlugin: new DistributedCachePlugin(
              redisCacheClient(connections[index].client),
              partitions,
            ),
          },
        })
      const scopes = [idp().apiScopes.app]
      const first = await process(0).acquireTokenByClientCredential({ scopes })
      expect(first?.fromCache).toBe(false)
      const stored = await connections[0].client.sendCommand(['GET', partition])
      expect(JSON.parse(String(stored))).toHaveProperty('AccessToken')
      expect(await connections[0].client.sendCommand(['TTL', partition])).toBeGreaterThan(86_000)

      const second = await process(1).acquireTokenByClientCredential({ scopes })
      expect(second?.fromCache).toBe(true)
      expect(second?.accessToken).toBe(first?.accessToken)
      expect(idp().admin.tokenRequests()).toHaveLength(1)
    } finally {
      for (const connection of connections) await connection.close()
    }
  })
})
