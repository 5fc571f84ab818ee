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

it('runs the fidelity operations over HTTP and refuses bad arguments with 400', async () => {
  emulator.admin.reset()
  const ok = [
    ['leave-trusted-location', { enforcement: 'block' }],
    ['leave-trusted-location', {}],
    ['detect-loops', { enabled: true }],
    ['use-variants', { challenge: 'pop', stepUpClaims: 'random' }],
    ['block-third-party-cookies', { enabled: true }],
    ['delete-service-principal', { clientId: 'dae00000-0000-4000-8000-000000000002' }],
    ['raise-service-principal-risk', { clientId: 'a1dd1e00-0000-4000-8000-000000000003' }],
  ] as const
  for (const [name, body] of ok) expect((await post(name, body)).status).toBe(200)
  expect(emulator.admin.events().map((e) => [e.type, e.enforcement])).toEqual([
    ['leaveTrustedLocation', 'block'],
    ['leaveTrustedLocation', 'silent'],
    ['detectLoops', undefined],
    ['useVariants', undefined],
    ['blockThirdPartyCookies', undefined],
    ['deleteServicePrincipal', undefined],
    ['raiseServicePrincipalRisk', undefined],
  ])
  const bad = [
    ['leave-trusted-location', { enforcement: 'strict' }],
    ['detect-loops', { enabled: 'yes' }],
    ['use-variants', { challenge: 'recorded-by-me' }],
    ['use-variants', { graphLocation: 'maybe' }],
  ] as const
  for (const [name, body] of bad) {
    const response = await post(name, body)
    expect(response.status).toBe(400)
    expect(((await response.json()) as { error: string }).error).toBe(
      'ERR_EMULATOR_INVALID_ARGUMENT',
    )
  }
})
