// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { createSingleFlight } from './single-flight'

function deferred<T>() {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

describe('createSingleFlight', () => {
  it('shares one call between concurrent callers with the same key', async () => {
    const flights = createSingleFlight<string, string>()
    const call = deferred<string>()
    let starts = 0
    const start = () => {
      starts++
      return call.promise
    }
    const a = flights.run('k', start, { context: 'a' })
    const b = flights.run('k', start, { context: 'b' })
    const other = flights.run('other', async () => 'separate', { context: 'c' })
    call.resolve('token')
    expect(await Promise.all([a, b, other])).toEqual(['token', 'token', 'separate'])
    expect(starts).toBe(1)
    expect(flights.has('k')).toBe(false)
  })

  it('never caches a failure: the next caller starts a new call', async () => {
    const flights = createSingleFlight<string, undefined>()
    await expect(
      flights.run('k', async () => Promise.reject(new Error('down')), { context: undefined }),
    ).rejects.toThrow('down')
    expect(flights.has('k')).toBe(false)
    await expect(flights.run('k', async () => 'ok', { context: undefined })).resolves.toBe('ok')
  })

  it('rejects an aborted waiter with its reason and lets the others finish', async () => {
    const flights = createSingleFlight<string, undefined>()
    const call = deferred<string>()
    let shared: AbortSignal | undefined
    const start = (signal: AbortSignal) => {
      shared = signal
      return call.promise
    }
    const controller = new AbortController()
    const aborted = flights.run('k', start, { signal: controller.signal, context: undefined })
    const kept = flights.run('k', start, {
      signal: new AbortController().signal,
      context: undefined,
    })
    const reason = new Error('gone')
    controller.abort(reason)
    await expect(aborted).rejects.toBe(reason)
    expect(shared?.aborted).toBe(false)
    call.resolve('token')
    await expect(kept).resolves.toBe('token')
  })

  it('aborts the shared call when every waiter aborted, and starts afresh afterwards', async () => {
    const flights = createSingleFlight<string, undefined>()
    let shared: AbortSignal | undefined
    const hang = (signal: AbortSignal) => {
      shared = signal
      return new Promise<string>(() => {})
    }
    const controllers = [new AbortController(), new AbortController()]
    const waits = controllers.map((c) =>
      flights.run('k', hang, { signal: c.signal, context: undefined }).catch((e: unknown) => e),
    )
    controllers[0]?.abort()
    expect(shared?.aborted).toBe(false)
    controllers[1]?.abort('both gone')
    expect(shared?.aborted).toBe(true)
    expect(shared?.reason).toBe('both gone')
    await Promise.all(waits)
    expect(flights.has('k')).toBe(false)
    await expect(flights.run('k', async () => 'fresh', { context: undefined })).resolves.toBe(
      'fresh',
    )
  })

  it('keeps the shared call alive while a waiter without a signal waits', async () => {
    const flights = createSingleFlight<string, undefined>()
    const call = deferred<string>()
    let shared: AbortSignal | undefined
    const start = (signal: AbortSignal) => {
      shared = signal
      return call.promise
    }
    const controller = new AbortController()
    const aborted = flights
      .run('k', start, { signal: controller.signal, context: undefined })
      .catch(() => 'aborted')
    const patient = flights.run('k', start, { context: undefined })
    controller.abort()
    expect(await aborted).toBe('aborted')
    expect(shared?.aborted).toBe(false)
    call.resolve('token')
    await expect(patient).resolves.toBe('token')
  })

  it('rejects at once for an already aborted signal without starting a call', async () => {
    const flights = createSingleFlight<string, undefined>()
    let starts = 0
    await expect(
      flights.run('k', async () => String(++starts), {
        signal: AbortSignal.abort('early'),
        context: undefined,
      }),
    ).rejects.toBe('early')
    expect(starts).toBe(0)
  })

  it('lists the contexts of the waiters still waiting', async () => {
    const flights = createSingleFlight<string[], string>()
    const gate = deferred<void>()
    const controller = new AbortController()
    const start = async (_: AbortSignal, live: () => string[]) => {
      await gate.promise
      return live()
    }
    const a = flights.run('k', start, { context: 'a' })
    const b = flights.run('k', start, { signal: controller.signal, context: 'b' }).catch(() => [])
    const c = flights.run('k', start, { context: 'c' })
    controller.abort()
    await b
    gate.resolve()
    expect(await a).toEqual(['a', 'c'])
    expect(await c).toEqual(['a', 'c'])
  })
})
