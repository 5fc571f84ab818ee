import type { ICacheClient } from '@azure/msal-node'
import type { CaeCoordinator } from '@cae-kit/core'
import type { createClient as createClient5, RedisClientType } from 'redis'
import type { createClient as createClient6 } from 'redis6'
import { expectTypeOf, it } from 'vitest'
import type { RedisCacheClient } from './cache-client'
import type { RedisClientLike } from './client'
import type { RedisCoordinator } from './coordinator'

it('takes the clients of redis 5 and 6, RESP2 and RESP3', () => {
  expectTypeOf<ReturnType<typeof createClient5>>().toExtend<RedisClientLike>()
  expectTypeOf<ReturnType<typeof createClient6>>().toExtend<RedisClientLike>()
  type None = Record<string, never>
  type Resp3 = RedisClientType<None, None, None, 3>
  expectTypeOf<Resp3>().toExtend<RedisClientLike>()
})

it("is what MSAL's DistributedCachePlugin and core's CaeOptions.coordinator take", () => {
  expectTypeOf<RedisCacheClient>().toExtend<ICacheClient>()
  expectTypeOf<RedisCoordinator>().toExtend<CaeCoordinator>()
})
