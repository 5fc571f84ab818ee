/**
 * @cae-kit/redis: fleet-wide Continuous Access Evaluation on Redis (one token request per CAE
 * event across N processes), and an msal-node `ICacheClient` on the same Redis.
 *
 * @module
 */

// Core names users of this package handle.
export type { CaeCoordinator, CoordinatedAcquisition } from '@cae-kit/core'
export { AccessBlockedError, CaeOptionsError, isCaeError } from '@cae-kit/core'
export type { RedisCacheClient } from './cache-client'
export { redisCacheClient } from './cache-client'
export type { RedisClientLike, RedisSubscriberLike } from './client'
export type { RedisCoordinator } from './coordinator'
export { createRedisCoordinator } from './coordinator'
export type { RedisFallbackEvent, RedisFallbackListener, RedisFallbackReason } from './fallback'
export type { RedisCoordinatorOptions } from './options'
export { DEFAULT_LOCK_TTL_MS, DEFAULT_WAIT_TIMEOUT_MS } from './options'
