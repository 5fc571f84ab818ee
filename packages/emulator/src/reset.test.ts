// @vitest-environment node
import { expect, it } from 'vitest'
import { createEmulator } from './emulator'

const ORIGIN = 'https://login.test'
const NOW = 1_700_000_000_000

async function appToken(emulator: ReturnType<typeof createEmulator>) {
  const response = await emulator.handle(
    new Request(`${ORIGIN}/${emulator.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        client_id: 'dae00000-0000-4000-8000-000000000002',
        client_secret: 'daemon-secret',
        grant_type: 'client_credentials',
        scope: emulator.apiScopes.app,
        claims: '{"access_token":{"xms_cc":{"values":["CP1"]}}}',
      }),
    }),
  )
  return ((await response.json()) as { access_token: string }).access_token
}

function callApi(emulator: ReturnType<typeof createEmulator>, token: string) {
  return emulator.handle(
    new Request(`${ORIGIN}/api/messages`, { headers: { authorization: `Bearer ${token}` } }),
  )
}

it('challenges a CP1 token issued before the event (frozen clock)', async () => {
  const emulator = createEmulator({ now: () => NOW })
  const token = await appToken(emulator)
  emulator.admin.disableServicePrincipal('dae00000-0000-4000-8000-000000000002')
  expect((await callApi(emulator, token)).status).toBe(401)
})

it('challenges a CP1 token issued before reset() for an event raised after it (frozen clock)', async () => {
  const emulator = createEmulator({ now: () => NOW })
  // A token MSAL keeps in its cache across tests (the signing key survives reset()).
  const cached = await appToken(emulator)
  expect((await callApi(emulator, cached)).status).toBe(200)
  emulator.admin.reset() // beforeEach
  emulator.admin.disableServicePrincipal('dae00000-0000-4000-8000-000000000002')
  const response = await callApi(emulator, cached)
  expect(response.status).toBe(401)
})

it('challenges a CP1 token issued before reset() for an event raised after it (vi fake Date)', async () => {
  // Same, with the clock frozen by fake timers instead of the `now` option.
  const { vi } = await import('vitest')
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] })
  try {
    const emulator = createEmulator()
    const cached = await appToken(emulator)
    emulator.admin.reset()
    emulator.admin.disableServicePrincipal('dae00000-0000-4000-8000-000000000002')
    expect((await callApi(emulator, cached)).status).toBe(401)
  } finally {
    vi.useRealTimers()
  }
})

it('challenges a cached CP1 token after reset() and leaveTrustedLocation() (real clock)', async () => {
  const emulator = createEmulator()
  // Test A: the client leaves the trusted location and renews its token there (MSAL caches it).
  emulator.admin.leaveTrustedLocation()
  const cached = await appToken(emulator)
  expect((await callApi(emulator, cached)).status).toBe(200)
  // Test B (beforeEach reset), with the same MSAL app: the client leaves the trusted location.
  emulator.admin.reset()
  emulator.admin.leaveTrustedLocation()
  const response = await callApi(emulator, cached)
  expect(response.status).toBe(401)
})
