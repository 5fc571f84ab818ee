// @vitest-environment node
import { afterEach, expect, it, vi } from 'vitest'
import { bounded, REDIS_DECISION_MS, RedisTimeout, text } from './client'

afterEach(() => {
  vi.useRealTimers()
})

const never = () => new AbortController().signal

it('settles like the call when Redis answers in time', async () => {
  await expect(bounded(Promise.resolve('OK'), never())).resolves.toBe('OK')
  await expect(bounded(Promise.reject(new Error('READONLY')), never())).rejects.toThrow('READONLY')
})

it('decides without Redis after 250 ms, and hands a late answer to `late`', async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  let answer: (value: string) => void = () => {}
  const late = vi.fn()
  const call = bounded(
    new Promise<string>((resolve) => (answer = resolve)),
    never(),
    undefined,
    late,
  )
  const outcome = call.catch((error: unknown) => error)
  await vi.advanceTimersByTimeAsync(REDIS_DECISION_MS - 1)
  expect(late).not.toHaveBeenCalled()
  await vi.advanceTimersByTimeAsync(1)
  expect(await outcome).toBeInstanceOf(RedisTimeout)
  expect(late).not.toHaveBeenCalled()
  answer('OK')
  await Promise.resolve()
  expect(late).toHaveBeenCalledWith('OK')
})

it('takes an answer that arrived by the bound even when the event loop runs late', async () => {
  let answer: (value: string) => void = () => {}
  const call = bounded(new Promise<string>((resolve) => (answer = resolve)), never())
  // Due at the same time, queued after the bound's timer: it runs in the same timer phase, as
  // a reply read from the socket on a busy loop would be in the next poll phase.
  setTimeout(() => answer('OK'), REDIS_DECISION_MS)
  // The loop runs late: both timers are due when it comes back (without this, a millisecond
  // boundary between the two setTimeout calls could leave the answer for a later timer phase).
  const until = Date.now() + REDIS_DECISION_MS + 50
  while (Date.now() < until) {}
  await expect(call).resolves.toBe('OK')
})

it("rejects with the signal's reason when it aborts first, or was aborted already", async () => {
  const controller = new AbortController()
  const call = bounded(new Promise(() => {}), controller.signal)
  const reason = new Error('caller gave up')
  controller.abort(reason)
  await expect(call).rejects.toBe(reason)
  await expect(bounded(Promise.resolve(1), controller.signal)).rejects.toBe(reason)
})

it('reads a reply as text whether node-redis maps it to a string or a Buffer', () => {
  expect(text('v')).toBe('v')
  expect(text(Buffer.from('v'))).toBe('v')
  expect(text(null)).toBeUndefined()
})
