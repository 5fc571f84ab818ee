// @vitest-environment node
import { randomBytes, randomUUID } from 'node:crypto'
import { AccessBlockedError, TokenAcquisitionError } from '@cae-kit/core'
import { afterEach, describe, expect, it } from 'vitest'
import { createRedisCoordinator, type RedisClientLike, type RedisCoordinatorOptions } from '../src'
import { acquisitionKeys } from '../src/keys'
import { begin, finish } from '../src/scripts'
import { acquisition, provider, sleep } from './acquisition'
import { CLIENTS, type TestClient } from './fleet'
import { useRedisServer } from './redis-server'

const redis = useRedisServer()

describe.each(CLIENTS)('%s', (_name, open) => {
  const opened: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const close of opened.splice(0).reverse()) await close()
  })
  let namespace = ''
  /** A "process": its own client and coordinator, in this test's namespace. */
  async function member(options: Partial<RedisCoordinatorOptions> = {}) {
    const connection: TestClient = await open(redis().url)
    const coordinator = createRedisCoordinator(connection.client, { namespace, ...options })
    opened.push(connection.close, () => coordinator.close())
    return { coordinator, client: connection.client }
  }
  afterEach(() => {
    namespace = ''
  })
  const fresh = () => {
    namespace = `t-${randomUUID()}`
  }
  /** Takes the lock of `request` as a process that then dies (kill -9): never released. */
  async function deadHolder(client: RedisClientLike, lockTtlMs: number) {
    const keys = acquisitionKeys(namespace, acquisition())
    const outcome = await begin(client, keys, {
      keyId: 'plain',
      rejectedHash: '',
      now: Date.now(),
      owner: 'dead-process',
      lockTtlMs,
      ignoreEntry: false,
      startedAt: Date.now(),
    })
    expect(outcome).toEqual({ kind: 'owner' })
  }

  it('hands the token one process acquired to a process that asks later, without its provider', async () => {
    fresh()
    const [a, b] = [await member(), await member()]
    const [pa, pb] = [provider('a'), provider('b')]
    const token = await a.coordinator.acquire(acquisition(), pa.acquire)
    expect(await b.coordinator.acquire(acquisition(), pb.acquire)).toEqual(token)
    expect([pa.calls.length, pb.calls.length]).toEqual([1, 0])
  })

  it('wakes a waiter by notification when the holder is done, long before the lock TTL', async () => {
    fresh()
    const [a, b] = [await member(), await member()]
    const [pa, pb] = [provider('a', 150), provider('b')]
    const first = a.coordinator.acquire(acquisition(), pa.acquire)
    await sleep(30)
    const started = Date.now()
    const second = await b.coordinator.acquire(acquisition(), pb.acquire)
    expect(second).toEqual(await first)
    expect(Date.now() - started).toBeLessThan(1_000) // lock TTL: 5000 ms
    expect(pb.calls).toHaveLength(0)
  })

  it('takes a shared token that is not the rejected one, and never the rejected one', async () => {
    fresh()
    const [a, b, c] = [await member(), await member(), await member()]
    const [pa, pb, pc] = [provider('a'), provider('b'), provider('c')]
    const claims = '{"access_token":{"nbf":{"essential":true,"value":"1"}}}'
    const challenge = (rejectedToken: string) =>
      acquisition({ reason: 'challenge', claims, rejectedToken })
    const renewed = await a.coordinator.acquire(challenge('old-token'), pa.acquire)
    // b held the same old token: it takes a's renewal without asking Entra.
    expect(await b.coordinator.acquire(challenge('old-token'), pb.acquire)).toEqual(renewed)
    // c was challenged while holding the renewal itself: it must get another token.
    const again = await c.coordinator.acquire(challenge(renewed.token), pc.acquire)
    expect(again.token).not.toBe(renewed.token)
    expect([pa.calls.length, pb.calls.length, pc.calls.length]).toEqual([1, 0, 1])
    // The renewal is also the newest token without claims: a first acquisition takes it.
    expect(await b.coordinator.acquire(acquisition(), pb.acquire)).toEqual(again)
    expect(pb.calls).toHaveLength(0)
  })

  it('takes no shared token that is due for refresh', async () => {
    fresh()
    const [a, b] = [await member(), await member()]
    // Expires in 400 ms: due for refresh after 200 ms (halfway), still stored until 400 ms.
    const [pa, pb] = [provider('a', 0, 400), provider('b')]
    await a.coordinator.acquire(acquisition(), pa.acquire)
    await sleep(250)
    await b.coordinator.acquire(acquisition({ reason: 'expired' }), pb.acquire)
    expect(pb.calls).toHaveLength(1)
  })

  it('never hands one partition the token of another', async () => {
    fresh()
    const [a, b] = [await member(), await member()]
    const [pa, pb] = [provider('a'), provider('b')]
    const alice = await a.coordinator.acquire(acquisition({ partition: 'alice' }), pa.acquire)
    const bob = await b.coordinator.acquire(acquisition({ partition: 'bob' }), pb.acquire)
    expect(bob.token).not.toBe(alice.token)
    expect(await b.coordinator.acquire(acquisition({ partition: 'alice' }), pb.acquire)).toEqual(
      alice,
    )
  })

  it('shares an access block: the others fail with the same code without their provider', async () => {
    fresh()
    const [a, b, c] = [await member(), await member(), await member()]
    let calls = 0
    const blocked = async () => {
      calls++
      await sleep(100)
      throw new AccessBlockedError('access blocked: service principal disabled')
    }
    const first = a.coordinator.acquire(acquisition(), blocked).catch((e: unknown) => e)
    await sleep(20)
    const waiting = b.coordinator.acquire(acquisition(), blocked).catch((e: unknown) => e)
    expect(await first).toBeInstanceOf(AccessBlockedError)
    expect(await waiting).toMatchObject({
      code: 'ERR_CAE_ACCESS_BLOCKED',
      name: 'AccessBlockedError',
    })
    const later = await c.coordinator.acquire(acquisition(), blocked).catch((e: unknown) => e)
    expect(later).toBeInstanceOf(AccessBlockedError)
    expect(calls).toBe(1)
  })

  it('fails the waiters of a failed attempt with its error; a process asking later tries itself', async () => {
    fresh()
    const [a, b, c] = [await member(), await member(), await member()]
    let failures = 0
    const failing = async () => {
      failures++
      await sleep(80)
      throw new TokenAcquisitionError('token acquisition failed: 503 from the token endpoint')
    }
    const pb = provider('b')
    const first = a.coordinator.acquire(acquisition(), failing).catch((e: unknown) => e)
    await sleep(20)
    // b waits for a's attempt, as requests wait on one acquisition in a process: it shares the outcome.
    const waiting = b.coordinator.acquire(acquisition(), pb.acquire).catch((e: unknown) => e)
    expect(await first).toBeInstanceOf(TokenAcquisitionError)
    expect(await waiting).toMatchObject({
      code: 'ERR_CAE_TOKEN_ACQUISITION_FAILED',
      message: 'token acquisition failed: 503 from the token endpoint',
    })
    expect([failures, pb.calls.length]).toEqual([1, 0])
    // c asks after the failure: failures are not cached, it tries again.
    const pc = provider('c')
    expect((await c.coordinator.acquire(acquisition(), pc.acquire)).token).toMatch(/^c-1-/)
  })

  it('hands the lock on at once when the holder gives up (its requests aborted)', async () => {
    fresh()
    const [a, b] = [await member(), await member()]
    const controller = new AbortController()
    const holder = provider('a', 2_000)
    const giving = a.coordinator
      .acquire(acquisition({ signal: controller.signal }), holder.acquire)
      .catch((e: unknown) => e)
    await sleep(50)
    const pb = provider('b')
    const waiting = b.coordinator.acquire(acquisition(), pb.acquire)
    await sleep(50)
    const aborted = Date.now()
    controller.abort(new Error('every request gave up'))
    expect(await giving).toMatchObject({ message: 'every request gave up' })
    expect((await waiting).token).toMatch(/^b-1-/)
    expect(Date.now() - aborted).toBeLessThan(1_000) // not the 5 s lock TTL
  })

  it('releases a lock only by its owner', async () => {
    fresh()
    const { client } = await member()
    const keys = acquisitionKeys(namespace, acquisition())
    const now = Date.now()
    const args = { keyId: 'plain', rejectedHash: '', now, ignoreEntry: false, startedAt: now }
    expect(await begin(client, keys, { ...args, owner: 'a', lockTtlMs: 100 })).toEqual({
      kind: 'owner',
    })
    expect(await begin(client, keys, { ...args, owner: 'b', lockTtlMs: 5_000 })).toMatchObject({
      kind: 'held',
    })
    await sleep(150) // a's lock expired; b takes it
    expect(await begin(client, keys, { ...args, owner: 'b', lockTtlMs: 5_000 })).toEqual({
      kind: 'owner',
    })
    expect(await finish(client, keys, 'a', undefined)).toBe(false)
    expect(await client.sendCommand(['GET', keys.lock])).toBe('b')
    expect(await finish(client, keys, 'b', undefined)).toBe(true)
    expect(await client.sendCommand(['EXISTS', keys.lock])).toBe(0)
  })

  it('replaces a lock holder that died once its lock TTL passes', async () => {
    fresh()
    const b = await member()
    await deadHolder(b.client, 400)
    const pb = provider('b')
    const started = Date.now()
    const token = await b.coordinator.acquire(acquisition(), pb.acquire)
    const waited = Date.now() - started
    expect(token.token).toMatch(/^b-1-/)
    expect(waited).toBeGreaterThanOrEqual(350)
    expect(waited).toBeLessThan(1_500)
  })

  it('ends a wait at waitTimeoutMs in the in-process acquisition', async () => {
    fresh()
    const b = await member({ waitTimeoutMs: 300 })
    await deadHolder(b.client, 60_000)
    const pb = provider('b')
    const started = Date.now()
    await b.coordinator.acquire(acquisition(), pb.acquire)
    expect(pb.calls).toHaveLength(1)
    expect(Date.now() - started).toBeLessThan(1_000)
  })

  it("honours a waiter's AbortSignal at once", async () => {
    fresh()
    const b = await member()
    await deadHolder(b.client, 60_000)
    const controller = new AbortController()
    const pb = provider('b')
    const waiting = b.coordinator
      .acquire(acquisition({ signal: controller.signal }), pb.acquire)
      .catch((e: unknown) => e)
    await sleep(100)
    const reason = new Error('every request gave up')
    const aborted = Date.now()
    controller.abort(reason)
    expect(await waiting).toBe(reason)
    expect(Date.now() - aborted).toBeLessThan(250) // a loaded event loop's turn, not the 10 s wait bound
    expect(pb.calls).toHaveLength(0)
  })

  it('encrypts entries at rest and re-acquires what another key sealed', async () => {
    fresh()
    const key = randomBytes(32)
    const [a, b] = [await member({ encryptionKey: key }), await member({ encryptionKey: key })]
    const rotated = await member({ encryptionKey: randomBytes(32).toString('base64') })
    const [pa, pb, pr] = [provider('a'), provider('b'), provider('r')]
    const request = acquisition({ partition: 'alice@contoso.test' })
    const token = await a.coordinator.acquire(request, pa.acquire)
    const names = (await a.client.sendCommand(['KEYS', `cae-kit:${namespace}:*`])) as string[]
    expect(names.length).toBeGreaterThan(0)
    for (const name of names) {
      expect(name).not.toContain('alice')
      const value = String(await a.client.sendCommand(['GET', name]))
      expect(value).not.toContain(token.token)
      expect(value).not.toContain('alice')
    }
    expect(await b.coordinator.acquire(request, pb.acquire)).toEqual(token)
    const other = await rotated.coordinator.acquire(request, pr.acquire)
    expect(other.token).toMatch(/^r-1-/)
    expect([pa.calls.length, pb.calls.length, pr.calls.length]).toEqual([1, 0, 1])
  })

  it('closes only the connection it opened; afterwards it acquires in-process', async () => {
    fresh()
    const a = await member()
    const clients = async () =>
      String(await a.client.sendCommand(['CLIENT', 'LIST']))
        .trim()
        .split('\n').length
    await a.coordinator.acquire(acquisition(), provider('a').acquire)
    const before = await clients()
    await a.coordinator.close()
    await sleep(50)
    expect(await clients()).toBe(before - 1)
    expect(await a.client.sendCommand(['PING'])).toBe('PONG')
    const pa = provider('a')
    await a.coordinator.acquire(acquisition(), pa.acquire)
    expect(pa.calls).toHaveLength(1)
  })
})
