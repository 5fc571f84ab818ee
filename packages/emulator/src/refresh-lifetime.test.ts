// @vitest-environment node
import { expect, it } from 'vitest'
import { authority, refresh, spaSignIn, useEmulator } from '../test/kit'
import { CookieJar } from '../test/sign-in'

const HOUR = 3_600_000
let clock = Date.now()
const emulator = useEmulator({ now: () => clock })

it('redeems a SPA refresh token within its 24 hours', async () => {
  clock = Date.now()
  const first = await spaSignIn(emulator)
  clock += 23 * HOUR
  expect((await refresh(emulator, first.refresh_token as string)).status).toBe(200)
})

it('keeps the first SPA refresh token expiry on rotated refresh tokens (no sliding 24 h)', async () => {
  clock = Date.now()
  const first = await spaSignIn(emulator)
  clock += 23 * HOUR
  const rotated = (await (await refresh(emulator, first.refresh_token as string)).json()) as {
    refresh_token: string
    refresh_token_expires_in: number
  }
  // Entra: the new refresh token carries over the original expiry (about 1 h left here).
  expect.soft(rotated.refresh_token_expires_in).toBeLessThanOrEqual(3600)
  clock += 2 * HOUR // 25 h after the interactive sign-in
  const late = await refresh(emulator, rotated.refresh_token)
  expect(late.status).toBe(400)
  expect(((await late.json()) as { error_codes: number[] }).error_codes).toEqual([700084])
})

it('keeps refresh tokens alive after single sign-out from the browser (Entra: "Stays alive")', async () => {
  clock = Date.now()
  const jar = new CookieJar()
  const tokens = await spaSignIn(emulator, { jar })
  const logout = await fetch(`${authority(emulator)}/oauth2/v2.0/logout`, {
    headers: { cookie: jar.header() },
    redirect: 'manual',
  })
  expect(logout.status).toBe(200)
  const after = await refresh(emulator, tokens.refresh_token as string)
  expect(after.status).toBe(200)
})
