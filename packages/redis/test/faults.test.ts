// @vitest-environment node
import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { createRedisCoordinator, type RedisClientLike } from '../src'
import { acquisition, provider, sleep } from './acquisition'
import { CLIENTS, startFleet, useEmulator } from './fleet'
import { useRedisServer } from './redis-server'

const idp = useEmulator()
// A server of this file's own: its tests stop, freeze and restart it.
const redis = useRedisServer()

/** Resolves once `client` is connected again (node-redis reconnects by itself). */
async function reconnected(client: RedisClientLike) {
  for (let i = 0; i < 100 && !client.isReady; i++) await sleep(50)
  expect(client.isReady).toBe(true)
}

describe.each(CLIENTS)('%s', (_name, open) => {
  const cleanups: (() => Promise<void>)[] = []
  afterEach(async () => {
    redis().resume()
    await redis().start()
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  it('decides without Redis within 250 ms when Redis hangs, then skips it for a moment', async () => {
    const connection = await open(redis().url)
    const namespace = randomUUID()
    const coordinator = createRedisCoordinator(connection.client, { namespace })
    cleanups.push(connection.close, () => coordinator.close())
    await coordinator.acquire(acquisition(), provider('warm-up').acquire)
    redis().pause()
    const own = provider('own')
    let started = Date.now()
    await coordinator.acquire(acquisition({ partition: 'a' }), own.acquire)
    expect(Date.now() - started).toBeLessThan(700) // 250 ms, plus a loaded event loop
    started = Date.now()
    await coordinator.acquire(acquisition({ partition: 'b' }), own.acquire)
    expect(Date.now() - started).toBeLessThan(150)
    expect(own.calls).toHaveLength(2)
    // Thawed, Redis runs the command that timed out and grants the lock: it is released at once.
    redis().resume()
    await sleep(300)
    expect(await connection.client.sendCommand(['KEYS', `cae-kit:${namespace}:*:lock`])).toEqual([])
  })

  it('keeps a fleet answering challenges while Redis is down, and coordinates again once it is back', async () => {
    const fleet = await startFleet(idp(), 4, open, redis().url)
    cleanups.push(fleet.close)
    const api = `${idp().apiUrl}/messages`
    const all = async () => {
      const started = Date.now()
      const responses = await Promise.all(
        fleet.members.flatMap((member) => Array.from({ length: 5 }, () => member.caeFetch(api))),
      )
      return { statuses: responses.map((r) => r.status), ms: Date.now() - started }
    }
    expect((await all()).statuses).toEqual(Array(20).fill(200))
    expect(idp().admin.tokenRequests()).toHaveLength(1)

    await redis().stop(true) // kill -9: sockets close, clients reconnect in the background
    idp().admin.leaveTrustedLocation()
    const down = await all()
    expect(down.statuses).toEqual(Array(20).fill(200))
    // Each process falls back to its own acquisition: at most one token request per process.
    expect(idp().admin.tokenRequests().length - 1).toBeLessThanOrEqual(4)
    expect(down.ms).toBeLessThan(3_000)

    await redis().start()
    for (const member of fleet.members) await reconnected(member.client)
    await sleep(200) // the coordinators' subscribers reconnect and resubscribe too
    const before = idp().admin.tokenRequests().length
    idp().admin.leaveTrustedLocation()
    expect((await all()).statuses).toEqual(Array(20).fill(200))
    expect(idp().admin.tokenRequests().length - before).toBe(1)
  })
})

describe.each(CLIENTS)('%s, waiting', (_name, open) => {
  const cleanups: (() => Promise<void>)[] = []
  afterEach(async () => {
    redis().resume()
    await redis().start()
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  it('stops waiting for another process as soon as Redis goes away, and acquires in-process', async () => {
    const namespace = randomUUID()
    const [a, b] = [await open(redis().url), await open(redis().url)]
    const holder = createRedisCoordinator(a.client, { namespace })
    const waiter = createRedisCoordinator(b.client, { namespace })
    cleanups.push(
      a.close,
      b.close,
      () => holder.close(),
      () => waiter.close(),
    )
    const slow = provider('holder', 3_000)
    const holding = holder.acquire(acquisition(), slow.acquire).catch((e: unknown) => e)
    await sleep(100)
    const own = provider('waiter')
    const waiting = waiter.acquire(acquisition(), own.acquire)
    await sleep(100)
    expect(own.calls).toHaveLength(0) // it waits for the holder (lock TTL: 5 s)
    const stopped = Date.now()
    await redis().stop(true)
    expect((await waiting).token).toMatch(/^waiter-1-/)
    expect(Date.now() - stopped).toBeLessThan(1_000)
    await holding
  })
  it('stops waiting once the lock expires when Redis freezes with its connections open', async () => {
    const namespace = randomUUID()
    const [a, b] = [await open(redis().url), await open(redis().url)]
    const holder = createRedisCoordinator(a.client, { namespace, lockTtlMs: 500 })
    const waiter = createRedisCoordinator(b.client, { namespace, lockTtlMs: 500 })
    cleanups.push(
      a.close,
      b.close,
      () => holder.close(),
      () => waiter.close(),
    )
    const holding = holder.acquire(acquisition(), provider('holder', 2_000).acquire)
    await sleep(50)
    const own = provider('waiter')
    const waiting = waiter.acquire(acquisition(), own.acquire)
    await sleep(50)
    const frozen = Date.now()
    redis().pause()
    expect((await waiting).token).toMatch(/^waiter-1-/)
    // The lock had about 400 ms left, then one Redis call decided within 250 ms.
    expect(Date.now() - frozen).toBeLessThan(1_200)
    redis().resume()
    await holding
  })
})
