// @vitest-environment node
/**
 * `onFallback`: every acquisition that goes without Redis is reported once, with its reason, and
 * a listener's own trouble never reaches the acquisition.
 */
import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createRedisCoordinator, type RedisFallbackEvent } from '../src'
import { acquisition, provider, sleep } from './acquisition'
import { CLIENTS } from './fleet'
import { useRedisServer } from './redis-server'

// A server of this file's own: its tests freeze and stop it.
const redis = useRedisServer()

describe.each(CLIENTS)('%s', (_name, open) => {
  const cleanups: (() => Promise<void>)[] = []
  afterEach(async () => {
    redis().resume()
    await redis().start()
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  /** A coordinator on a client of its own, recording what it reports. */
  async function coordinator(
    options: { lockTtlMs?: number; waitTimeoutMs?: number; namespace?: string } = {},
  ) {
    const connection = await open(redis().url)
    const events: RedisFallbackEvent[] = []
    const namespace = options.namespace ?? randomUUID()
    const created = createRedisCoordinator(connection.client, {
      ...options,
      namespace,
      onFallback: (event) => events.push(event),
    })
    cleanups.push(connection.close, () => created.close())
    return { coordinator: created, events, client: connection.client, namespace }
  }

  it('reports nothing while Redis answers', async () => {
    const { coordinator: a, events } = await coordinator()
    const own = provider('a')
    await a.acquire(acquisition(), own.acquire)
    await a.acquire(acquisition(), own.acquire) // the shared token
    expect(own.calls).toHaveLength(1)
    expect(events).toEqual([])
  })

  it('reports one timeout when Redis freezes (SIGSTOP), then the moment it skips Redis', async () => {
    const { coordinator: a, events } = await coordinator()
    await a.acquire(acquisition(), provider('warm-up').acquire)
    redis().pause()
    const own = provider('own')
    await a.acquire(acquisition({ partition: 'a' }), own.acquire)
    expect(events).toHaveLength(1)
    expect(events[0]?.reason).toBe('timeout')
    expect(events[0]?.ms).toBeGreaterThanOrEqual(250)
    expect(events[0]?.ms).toBeLessThan(700) // 250 ms, plus a loaded event loop
    await a.acquire(acquisition({ partition: 'b' }), own.acquire)
    expect(events.map((event) => event.reason)).toEqual(['timeout', 'backoff'])
    expect(own.calls).toHaveLength(2) // one provider call per fallback
    expect(JSON.stringify(events)).not.toMatch(/own-|warm-up-/) // no token in an event
  })

  it('reports a disconnected client, and a closed coordinator', async () => {
    const { coordinator: a, events, client } = await coordinator()
    await redis().stop(true)
    for (let i = 0; i < 100 && client.isReady; i++) await sleep(20)
    await a.acquire(acquisition(), provider('down').acquire)
    await a.close()
    await a.acquire(acquisition(), provider('closed').acquire)
    expect(events.map((event) => event.reason)).toEqual(['disconnected', 'closed'])
  })

  it('reports a wait past waitTimeoutMs once, from the waiting process only', async () => {
    const holder = await coordinator({ waitTimeoutMs: 300 })
    const waiter = await coordinator({ waitTimeoutMs: 300, namespace: holder.namespace })
    const holding = holder.coordinator.acquire(acquisition(), provider('holder', 1_500).acquire)
    await sleep(100)
    const own = provider('waiter')
    expect((await waiter.coordinator.acquire(acquisition(), own.acquire)).token).toMatch(
      /^waiter-1-/,
    )
    await holding
    expect(holder.events).toEqual([])
    expect(waiter.events.map((event) => event.reason)).toEqual(['wait-bound'])
    expect(waiter.events[0]?.ms).toBeGreaterThanOrEqual(300)
  })

  it('reports taking over from a holder whose lock expired, and not a holder that released it', async () => {
    const holder = await coordinator({ lockTtlMs: 300 })
    const waiter = await coordinator({ lockTtlMs: 300, namespace: holder.namespace })
    const slow = provider('holder', 1_000)
    const holding = holder.coordinator.acquire(acquisition(), slow.acquire)
    // The holder calls its provider once it holds the lock (a fixed sleep raced it under load).
    await vi.waitFor(() => expect(slow.calls).toHaveLength(1))
    const own = provider('waiter')
    expect((await waiter.coordinator.acquire(acquisition(), own.acquire)).token).toMatch(
      /^waiter-1-/,
    )
    expect(waiter.events.map((event) => event.reason)).toEqual(['lock-expired'])
    await holding
    // A holder that finishes in time: its waiter takes its token, nothing is reported.
    const next = acquisition({ partition: 'next' })
    const fast = provider('quick', 100)
    const quick = holder.coordinator.acquire(next, fast.acquire)
    await vi.waitFor(() => expect(fast.calls).toHaveLength(1), { interval: 5 })
    const token = await waiter.coordinator.acquire(next, provider('unused').acquire)
    expect(token.token).toBe((await quick).token)
    expect([...holder.events, ...waiter.events].map((event) => event.reason)).toEqual([
      'lock-expired',
    ])
  })

  it('acquires as usual when the listener throws or rejects', async () => {
    const connection = await open(redis().url)
    let calls = 0
    const listeners = [
      () => {
        calls++
        throw new Error('listener bug')
      },
      async () => {
        calls++
        throw new Error('async listener bug')
      },
    ]
    for (const onFallback of listeners) {
      const a = createRedisCoordinator(connection.client, { namespace: randomUUID(), onFallback })
      await a.close() // every acquisition now falls back, and is reported
      const token = await a.acquire(acquisition(), provider('own').acquire)
      expect(token.token).toMatch(/^own-1-/)
    }
    await connection.close()
    await sleep(10) // an unhandled rejection would fail the run here
    expect(calls).toBe(2)
  })
})
