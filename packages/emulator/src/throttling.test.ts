// @vitest-environment node
import { expect, it } from 'vitest'
import { refresh, spaSignIn, tokenRequest, useEmulator } from '../test/kit'
import {
  DEFAULT_DAEMON_CLIENT_ID,
  DEFAULT_DAEMON_CLIENT_SECRET,
  DEFAULT_MIDDLE_TIER_CLIENT_ID,
  DEFAULT_MIDDLE_TIER_CLIENT_SECRET,
} from './defaults'
import { LOOP_LIMIT } from './loop-detection'
import { THROTTLE_LIMIT, THROTTLE_WINDOW_MS } from './throttling'

let now = Date.now()
const emulator = useEmulator({ now: () => now })

const DAEMON = { id: DEFAULT_DAEMON_CLIENT_ID, secret: DEFAULT_DAEMON_CLIENT_SECRET }
const MIDDLE_TIER = { id: DEFAULT_MIDDLE_TIER_CLIENT_ID, secret: DEFAULT_MIDDLE_TIER_CLIENT_SECRET }

const appToken = (client = DAEMON) =>
  tokenRequest(emulator, {
    client_id: client.id,
    client_secret: client.secret,
    grant_type: 'client_credentials',
    scope: emulator.apiScopes.app,
  })

it('answers the fifth client-credential request within 10 s with 429, Retry-After: 60 and AADSTS90055', async () => {
  emulator.admin.throttleTokenRequests({ limit: 4, windowMs: 10_000 })
  const statuses: number[] = []
  for (let i = 0; i < THROTTLE_LIMIT; i++) {
    statuses.push((await appToken()).status)
    now += 1_000
  }
  const throttled = await appToken()
  expect(statuses).toEqual([200, 200, 200, 200])
  expect(throttled.status).toBe(429)
  expect(throttled.headers.get('retry-after')).toBe('60')
  const body = (await throttled.json()) as Record<string, unknown>
  expect(body).toMatchObject({ error: 'temporarily_unavailable', error_codes: [90055] })
  expect(String(body.error_description)).toMatch(/^AADSTS90055: TenantThrottlingError/)
  expect(emulator.admin.tokenRequests().at(-1)).toMatchObject({
    status: 429,
    error: 'temporarily_unavailable',
    errorCode: 90055,
  })
})

it('slides the window: a request is allowed again once the oldest leaves it', async () => {
  emulator.admin.throttleTokenRequests({})
  const start = now
  for (let i = 0; i < THROTTLE_LIMIT; i++) {
    expect((await appToken()).status).toBe(200)
    now += 2_000 // at start, +2 s, +4 s, +6 s
  }
  now = start + THROTTLE_WINDOW_MS - 1 // the first request is still in the window
  expect((await appToken()).status).toBe(429)
  // Refused requests count too: 5 in the window ending at +10 s (2, 4, 6, 9.999 and this one).
  now = start + THROTTLE_WINDOW_MS
  expect((await appToken()).status).toBe(429)
  // Once the window holds at most 3 earlier arrivals, the next one goes through.
  now = start + 6_000 + THROTTLE_WINDOW_MS
  expect((await appToken()).status).toBe(200)
})

it('counts per client id', async () => {
  emulator.admin.throttleTokenRequests({ limit: 1 })
  expect((await appToken(DAEMON)).status).toBe(200)
  expect((await appToken(MIDDLE_TIER)).status).toBe(200)
  expect((await appToken(DAEMON)).status).toBe(429)
  expect((await appToken(MIDDLE_TIER)).status).toBe(429)
})

it('is off by default, switches off with false, and reset() forgets it', async () => {
  for (let i = 0; i < THROTTLE_LIMIT + 2; i++) expect((await appToken()).status).toBe(200)
  emulator.admin.throttleTokenRequests({ limit: 0 })
  expect((await appToken()).status).toBe(429)
  const off = emulator.admin.throttleTokenRequests(false)
  expect(off.detail).toEqual({ enabled: false })
  expect((await appToken()).status).toBe(200)
  emulator.admin.throttleTokenRequests({ limit: 0 })
  emulator.admin.reset()
  expect((await appToken()).status).toBe(200)
})

it('composes with loop detection: throttling counts client credentials, loops count user flows', async () => {
  const tokens = await spaSignIn(emulator)
  emulator.admin.detectLoops(true)
  emulator.admin.throttleTokenRequests({})
  const refreshes: number[] = []
  for (let i = 0; i <= LOOP_LIMIT; i++) {
    refreshes.push((await refresh(emulator, tokens.refresh_token as string)).status)
  }
  // Six identical refreshes: the sixth is a loop (400 AADSTS50196), never a 429.
  expect(refreshes).toEqual([200, 200, 200, 200, 200, 400])
  const apps: number[] = []
  for (let i = 0; i <= THROTTLE_LIMIT; i++) apps.push((await appToken()).status)
  // Five identical client-credential requests: the fifth is throttled, never loop-detected.
  expect(apps).toEqual([200, 200, 200, 200, 429])
  const codes = emulator.admin
    .tokenRequests()
    .filter((r) => !r.ok)
    .map((r) => [r.grantType, r.errorCode])
  expect(codes).toEqual([
    ['refresh_token', 50196],
    ['client_credentials', 90055],
  ])
})

it('refuses bad options with a coded TypeError', () => {
  for (const bad of [{ limit: -1 }, { limit: 1.5 }, { windowMs: 0 }, 'on', [], true]) {
    expect(() => emulator.admin.throttleTokenRequests(bad as never)).toThrow(
      expect.objectContaining({ code: 'ERR_EMULATOR_INVALID_ARGUMENT' }),
    )
  }
})
