// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest'
import { deferred, fakeLocks, flush } from '../test/fakes'
import { appFor } from './app'
import { createGate } from './interaction'

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('createGate', () => {
  it('runs tasks one at a time in arrival order', async () => {
    const gate = createGate('lock')
    const first = deferred<string>()
    const log: string[] = []
    const a = gate(Date.now(), async () => {
      log.push('a start')
      const value = await first.promise
      log.push('a end')
      return value
    })
    const b = gate(Date.now(), async () => {
      log.push('b start')
      return 'b'
    })
    await flush()
    expect(log).toEqual(['a start'])
    first.resolve('a')
    expect(await Promise.all([a, b])).toEqual(['a', 'b'])
    expect(log).toEqual(['a start', 'a end', 'b start'])
  })

  it('tells a task whether another task succeeded since its request started', async () => {
    vi.useFakeTimers({ now: 1_000, toFake: ['Date'] })
    const gate = createGate('lock')
    const renewed: boolean[] = []
    const record = async (value: boolean) => void renewed.push(value)
    await gate(1_000, record) // succeeds at 1000
    await gate(500, record) // started before that success
    await gate(1_500, record) // started after it
    expect(renewed).toEqual([false, true, false])
    vi.useRealTimers()
  })

  it('does not count a failed task as a renewal', async () => {
    const gate = createGate('lock')
    const started = Date.now()
    const a = gate(started, async () => {
      throw new Error('popup failed')
    })
    const b = gate(started, async (renewed) => renewed)
    await expect(a).rejects.toThrow('popup failed')
    await expect(b).resolves.toBe(false)
  })

  it('rejects a queued caller at once when its signal aborts and never runs its task', async () => {
    const gate = createGate('lock')
    const first = deferred<void>()
    const a = gate(0, () => first.promise)
    const controller = new AbortController()
    const task = vi.fn(async () => 'b')
    const b = gate(0, task, controller.signal)
    controller.abort(new Error('navigated away'))
    await expect(b).rejects.toThrow('navigated away')
    first.resolve()
    await a
    await flush()
    expect(task).not.toHaveBeenCalled()
  })

  it('rejects with the reason of an already aborted signal', async () => {
    const gate = createGate('lock')
    const task = vi.fn(async () => 'never')
    await expect(gate(0, task, AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone')
    await flush()
    expect(task).not.toHaveBeenCalled()
  })

  it('holds the Web Lock while a task runs and releases it after', async () => {
    const locks = fakeLocks()
    vi.stubGlobal('navigator', { locks })
    const gate = createGate('cae-kit:interaction:spa')
    const first = deferred<void>()
    const running = gate(0, () => first.promise)
    await flush()
    expect(locks.isHeld('cae-kit:interaction:spa')).toBe(true)
    first.resolve()
    await running
    expect(locks.isHeld('cae-kit:interaction:spa')).toBe(false)
  })

  it('serializes tasks across tabs and tells the tab that waited for the lock', async () => {
    vi.stubGlobal('navigator', { locks: fakeLocks() })
    const tabA = createGate('cae-kit:interaction:spa')
    const tabB = createGate('cae-kit:interaction:spa')
    const popupA = deferred<void>()
    const log: string[] = []
    const a = tabA(Date.now(), async (renewed) => {
      log.push(`a renewed=${renewed}`)
      await popupA.promise
      log.push('a done')
    })
    await flush()
    const b = tabB(Date.now(), async (renewed) => {
      log.push(`b renewed=${renewed}`)
    })
    await flush()
    expect(log).toEqual(['a renewed=false'])
    popupA.resolve()
    await Promise.all([a, b])
    expect(log).toEqual(['a renewed=false', 'a done', 'b renewed=true'])
  })
})

describe('appFor', () => {
  it('returns one gate per application object', () => {
    const pca = {}
    expect(appFor(pca, 'id').gate).toBe(appFor(pca, 'id').gate)
    expect(appFor({}, 'id').gate).not.toBe(appFor(pca, 'id').gate)
  })
})
