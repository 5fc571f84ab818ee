// @vitest-environment node
import { expect, it } from 'vitest'
import { createEmulator } from './emulator'

const emulator = createEmulator()

function post(name: string, body: unknown = {}) {
  return emulator.handle(
    new Request(`https://login.test/admin/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  )
}

it('answers an unknown operation with 404', async () => {
  expect((await post('no-such-operation')).status).toBe(404)
})

it.each(['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__'])(
  'answers the unknown operation %s with 404',
  async (name) => {
    const response = await post(name)
    expect({ status: response.status, body: await response.json() }).toMatchObject({
      status: 404,
      body: { error: 'not_found' },
    })
  },
)

it('rejects a fail-token-requests status sent as a string instead of ignoring it', async () => {
  const response = await post('fail-token-requests', { count: 1, status: '503' })
  expect(response.status).toBe(400)
  expect(((await response.json()) as { error: string }).error).toBe('ERR_EMULATOR_INVALID_ARGUMENT')
})
