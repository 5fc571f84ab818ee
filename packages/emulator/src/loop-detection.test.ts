// @vitest-environment node
import { expect, it } from 'vitest'
import { refresh, spaSignIn, tokenRequest, useEmulator } from '../test/kit'
import { LOOP_LIMIT, LOOP_WINDOW_MS } from './loop-detection'

let now = Date.now()
const emulator = useEmulator({ now: () => now })

const errorCode = async (response: Response) =>
  ((await response.json()) as { error_codes?: number[] }).error_codes?.[0]

it('refuses the sixth identical refresh within 20 s with invalid_grant AADSTS50196', async () => {
  const tokens = await spaSignIn(emulator)
  emulator.admin.detectLoops(true)
  const statuses: number[] = []
  for (let i = 0; i <= LOOP_LIMIT; i++) {
    statuses.push((await refresh(emulator, tokens.refresh_token as string)).status)
  }
  expect(statuses).toEqual([200, 200, 200, 200, 200, 400])
  const refused = await refresh(emulator, tokens.refresh_token as string)
  expect(await errorCode(refused)).toBe(50196)
  expect(emulator.admin.tokenRequests().at(-1)).toMatchObject({
    error: 'invalid_grant',
    errorCode: 50196,
  })
  // Once the window has passed, the same request goes through again.
  now += LOOP_WINDOW_MS
  expect((await refresh(emulator, tokens.refresh_token as string)).status).toBe(200)
})

it('tells requests apart by their claims, and is off by default', async () => {
  const tokens = await spaSignIn(emulator)
  for (let i = 0; i < LOOP_LIMIT + 3; i++) {
    expect((await refresh(emulator, tokens.refresh_token as string)).status).toBe(200)
  }
  emulator.admin.detectLoops(true)
  for (let i = 0; i < LOOP_LIMIT + 3; i++) {
    // A new nbf each time: a client answering successive challenges, not a loop.
    const claims = `{"access_token":{"nbf":{"essential":true,"value":"${i}"},"xms_cc":{"values":["CP1"]}}}`
    expect((await refresh(emulator, tokens.refresh_token as string, claims)).status).toBe(200)
  }
})

it('leaves client credentials alone (those are throttled, not loop-detected)', async () => {
  emulator.admin.detectLoops(true)
  for (let i = 0; i < LOOP_LIMIT + 2; i++) {
    const response = await tokenRequest(emulator, {
      client_id: 'dae00000-0000-4000-8000-000000000002',
      client_secret: 'daemon-secret',
      grant_type: 'client_credentials',
      scope: emulator.apiScopes.app,
    })
    expect(response.status).toBe(200)
  }
})

it('refuses a non-boolean switch with a coded TypeError', () => {
  expect(() => emulator.admin.detectLoops('yes' as unknown as boolean)).toThrow(
    expect.objectContaining({ code: 'ERR_EMULATOR_INVALID_ARGUMENT' }),
  )
})
