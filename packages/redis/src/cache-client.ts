/**
 * `redisCacheClient`: the `ICacheClient` msal-node's `DistributedCachePlugin` reads and writes
 * its serialized cache through (refresh tokens of on-behalf-of and silent flows).
 *
 * @module
 */

import { bounded, type RedisClientLike, text } from './client'

/**
 * msal-node's `ICacheClient`, structurally: `redisCacheClient` needs no import of msal-node, and
 * its result goes straight into `new DistributedCachePlugin(client, partitionManager)`.
 */
export interface RedisCacheClient {
  /** The serialized cache stored under `key`, or `''` when there is none. */
  get(key: string): Promise<string>
  /** Stores the serialized cache `value` under `key`; resolves with `''`. */
  set(key: string, value: string): Promise<string>
}

/** How long a stored cache lives without a write, in seconds (Microsoft's sample wrapper: 24 h). */
export const CACHE_TTL_SECONDS = 24 * 60 * 60

/**
 * An msal-node `ICacheClient` on a node-redis client, for MSAL's own `DistributedCachePlugin`:
 * MSAL keeps its cache (accounts, refresh tokens) per partition in Redis, so every process of a
 * fleet can serve a user's silent and on-behalf-of requests. Entries expire 24 h after their
 * last write.
 *
 * Redis is never the outage here either: a read that fails or takes longer than 250 ms resolves
 * with `''` (MSAL then asks Entra), a write that fails or is slow is dropped (the process keeps
 * its in-memory cache).
 *
 * @param client - A connected node-redis client (`createClient()` of `redis` 5 or 6); it stays
 *   yours.
 * @returns The cache client: `new DistributedCachePlugin(redisCacheClient(redis), partitions)`.
 * @example
 * ```ts
 * const plugin = new DistributedCachePlugin(redisCacheClient(redis), partitionManager)
 * const cca = new ConfidentialClientApplication({ auth, cache: { cachePlugin: plugin } })
 * ```
 * @see https://learn.microsoft.com/entra/msal/javascript/node/caching#distributed-caching
 */
export function redisCacheClient(client: RedisClientLike): RedisCacheClient {
  const never = new AbortController().signal
  return {
    async get(key) {
      if (!client.isReady) return ''
      try {
        return text(await bounded(client.sendCommand(['GET', key]), never)) ?? ''
      } catch {
        return ''
      }
    },
    async set(key, value) {
      if (!client.isReady) return ''
      const command = ['SET', key, value, 'EX', String(CACHE_TTL_SECONDS)]
      try {
        await bounded(client.sendCommand(command), never)
      } catch {
        // Dropped: the next write stores the cache again.
      }
      return ''
    },
  }
}
