// @vitest-environment node
import { expect, it } from 'vitest'
import { redisCacheClient } from './cache-client'
import type { RedisClientLike } from './client'

/** A client whose commands never answer (Redis frozen), or that is not connected. */
function stuck(isReady: boolean) {
  const commands: string[][] = []
  const client = {
    isReady,
    sendCommand: (args: readonly string[]) => {
      commands.push([...args])
      return new Promise<never>(() => {})
    },
    duplicate: () => {
      throw new Error('not used')
    },
  } satisfies RedisClientLike
  return { client, commands }
}

it('reads an empty cache within 250 ms when Redis does not answer, so MSAL asks Entra', async () => {
  const { client, commands } = stuck(true)
  const started = Date.now()
  expect(await redisCacheClient(client).get('k')).toBe('')
  expect(Date.now() - started).toBeLessThan(700)
  expect(commands).toEqual([['GET', 'k']])
})

it('drops a write Redis does not take within 250 ms, and never rejects', async () => {
  const { client } = stuck(true)
  await expect(redisCacheClient(client).set('k', '{}')).resolves.toBe('')
})

it('sends nothing while the client is disconnected', async () => {
  const { client, commands } = stuck(false)
  expect(await redisCacheClient(client).get('k')).toBe('')
  expect(await redisCacheClient(client).set('k', '{}')).toBe('')
  expect(commands).toEqual([])
})
