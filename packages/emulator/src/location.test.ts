// @vitest-environment node
/**
 * The two outcomes of a location change: the IPs seen by Entra and the resource differ (silent,
 * one-hour token) or the client left the allowed network (AADSTS53003 everywhere).
 */
import { expect, it } from 'vitest'
import { challengeClaims, decodeJwt } from '../test/helpers'
import {
  ALICE,
  api,
  authorizeUrl,
  refresh,
  spaSignIn,
  tokenRequest,
  useEmulator,
} from '../test/kit'
import { CookieJar, signIn } from '../test/sign-in'
import { LOCATION_POLICY_ID } from './location'

const emulator = useEmulator()

it('challenges every earlier token on each call, and answers with one-hour tokens (silent)', async () => {
  const first = await spaSignIn(emulator)
  const seen: string[] = []
  let token = first.access_token as string
  for (let round = 0; round < 3; round++) {
    const event = emulator.admin.leaveTrustedLocation()
    expect(event.enforcement).toBe('silent')
    const challenged = await api('/messages', token)
    expect(challenged.status).toBe(401)
    const claims = challengeClaims(challenged.headers.get('www-authenticate'))
    expect(JSON.parse(claims).access_token.xms_rp_ipaddr.value).toBe(event.ipAddress)
    seen.push(event.ipAddress ?? '')
    // As MSAL does: the challenge's claims merged with the CP1 capability.
    const parsed = JSON.parse(claims)
    parsed.access_token.xms_cc = { values: ['CP1'] }
    const merged = JSON.stringify(parsed)
    const renewal = (await (
      await refresh(emulator, first.refresh_token as string, merged)
    ).json()) as {
      access_token: string
      expires_in: number
    }
    expect(renewal.expires_in).toBe(3600)
    const payload = decodeJwt(renewal.access_token)
    expect(Number(payload.exp) - Number(payload.iat)).toBe(3600)
    token = renewal.access_token
    expect((await api('/messages', token)).status).toBe(200)
  }
  expect(new Set(seen).size).toBe(3) // a new address every time
})

it('refuses every token request with AADSTS53003 message_only and capolids (block)', async () => {
  const tokens = await spaSignIn(emulator)
  const event = emulator.admin.leaveTrustedLocation({ enforcement: 'block' })
  expect(event.enforcement).toBe('block')
  const challenged = await api('/me', tokens.access_token)
  expect(challenged.status).toBe(401)
  const claims = challengeClaims(challenged.headers.get('www-authenticate'))
  const renewal = await refresh(emulator, tokens.refresh_token as string, claims)
  expect(renewal.status).toBe(400)
  const body = (await renewal.json()) as Record<string, unknown>
  expect(body).toMatchObject({
    error: 'invalid_grant',
    error_codes: [53003],
    suberror: 'message_only',
  })
  expect(JSON.parse(body.claims as string)).toEqual({
    access_token: { capolids: { essential: true, values: [LOCATION_POLICY_ID] } },
  })
  const daemon = await tokenRequest(emulator, {
    client_id: 'dae00000-0000-4000-8000-000000000002',
    client_secret: 'daemon-secret',
    grant_type: 'client_credentials',
    scope: emulator.apiScopes.app,
  })
  expect(((await daemon.json()) as { error_codes: number[] }).error_codes).toEqual([53003])
})

it('blocks silent and interactive sign-in too, with a way back to the app', async () => {
  const jar = new CookieJar()
  await spaSignIn(emulator, { jar })
  emulator.admin.leaveTrustedLocation({ enforcement: 'block' })
  const silent = await signIn(fetch, authorizeUrl(emulator, { prompt: 'none' }), {}, jar)
  expect(silent.params.get('error')).toBe('interaction_required')
  expect(silent.params.get('error_description')).toMatch(/^AADSTS53003/)
  const page = await fetch(authorizeUrl(emulator), { redirect: 'manual' })
  expect(page.status).toBe(403)
  const html = await page.text()
  expect(html).toContain('AADSTS53003')
  expect(html).toContain('data-testid="login-return"')
  expect(html).toContain('error=access_denied')
  await expect(signIn(fetch, authorizeUrl(emulator), ALICE)).rejects.toThrow()
})

it('lifts the block on reset()', async () => {
  emulator.admin.leaveTrustedLocation({ enforcement: 'block' })
  emulator.admin.reset()
  expect((await spaSignIn(emulator)).access_token).toBeTypeOf('string')
})

it('refuses an unknown enforcement with a coded TypeError', () => {
  expect(() => emulator.admin.leaveTrustedLocation({ enforcement: 'strict' as 'block' })).toThrow(
    expect.objectContaining({ code: 'ERR_EMULATOR_INVALID_ARGUMENT' }),
  )
})
