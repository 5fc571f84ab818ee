// @vitest-environment node
import { expect, it } from 'vitest'
import { challengeClaims, decodeJwt } from '../test/helpers'
import { ALICE, api, authorizeUrl, BASE, refresh, spaSignIn, useEmulator } from '../test/kit'
import { CookieJar, signIn } from '../test/sign-in'
import { GRAPH_APP_ID } from './dialects'
import type { EmulatorAdmin } from './types'

const emulator = useEmulator()
const authorizeUri = () => `${BASE}/common/oauth2/authorize`

type Row = {
  name: keyof EmulatorAdmin
  run: (admin: EmulatorAdmin) => { at: number }
  cause: string
  refresh: { error: string; code: number; suberror?: string }
  promptNone: string
}

const ROWS: Row[] = [
  {
    name: 'disableUser',
    run: (a) => a.disableUser(ALICE.username),
    cause: 'UserAccountDisabled',
    refresh: { error: 'invalid_grant', code: 50057 },
    promptNone: 'login_required',
  },
  {
    name: 'resetPassword',
    run: (a) => a.resetPassword(ALICE.username, 'changed'),
    cause: 'PasswordChanged',
    refresh: { error: 'invalid_grant', code: 50173, suberror: 'bad_token' },
    promptNone: 'login_required',
  },
  {
    name: 'revokeSessions',
    run: (a) => a.revokeSessions(ALICE.username),
    cause: 'TokenIssuedBeforeRevocationTimestamp',
    refresh: { error: 'invalid_grant', code: 50173, suberror: 'bad_token' },
    promptNone: 'login_required',
  },
  {
    name: 'requireMfa',
    run: (a) => a.requireMfa(ALICE.username),
    cause: 'TokenCreatedWithOutdatedPolicies',
    refresh: { error: 'invalid_grant', code: 50076, suberror: 'basic_action' },
    promptNone: 'interaction_required',
  },
  {
    name: 'raiseUserRisk',
    run: (a) => a.raiseUserRisk(ALICE.username),
    cause: 'UserRiskHigh',
    refresh: { error: 'invalid_grant', code: 50076, suberror: 'basic_action' },
    promptNone: 'interaction_required',
  },
]

it.each(ROWS)(
  '$name: exact nbf challenge for CP1, refresh error, prompt=none error',
  async (row) => {
    const jar = new CookieJar()
    const tokens = await spaSignIn(emulator, { jar })
    const plain = await spaSignIn(emulator, { claims: '' })
    expect((await api('/me', tokens.access_token)).status).toBe(200)
    const event = row.run(emulator.admin)

    const challenged = await api('/me', tokens.access_token)
    expect(challenged.status).toBe(401)
    // Graph's 2021 recording: the space after `true,`, no error_description, the cause in the body.
    const claims = `{"access_token":{"nbf":{"essential":true, "value":"${Math.floor(event.at / 1000)}"}}}`
    expect(challenged.headers.get('www-authenticate')).toBe(
      `Bearer realm="", authorization_uri="${authorizeUri()}", client_id="${GRAPH_APP_ID}", error="insufficient_claims", claims="${Buffer.from(claims).toString('base64')}"`,
    )
    expect(await challenged.json()).toMatchObject({
      error: {
        code: 'InvalidAuthenticationToken',
        message: `Continuous access evaluation resulted in claims challenge with result: InteractionRequired and code: ${row.cause}`,
      },
    })
    expect(emulator.admin.apiRequests().at(-1)).toMatchObject({
      status: 401,
      cause: row.cause,
      claims,
    })
    // Without CP1 the same token keeps working until it expires.
    expect((await api('/me', plain.access_token)).status).toBe(200)

    const renewal = await refresh(emulator, tokens.refresh_token as string, claims)
    expect(renewal.status).toBe(400)
    const body = (await renewal.json()) as Record<string, unknown>
    expect(body).toMatchObject({ error: row.refresh.error, error_codes: [row.refresh.code] })
    expect(body.suberror).toBe(row.refresh.suberror)
    // Captured AADSTS50076 answers (2023-2024) carry no claims.
    expect(body.claims).toBeUndefined()

    const silent = await signIn(fetch, authorizeUrl(emulator, { prompt: 'none', claims }), {}, jar)
    expect(silent.params.get('error')).toBe(row.promptNone)
    expect(silent.params.get('state')).toBe('st')
  },
)

it('challenges with invalid_token plus xms_rp_ipaddr after leaveTrustedLocation; refresh satisfies it', async () => {
  const tokens = await spaSignIn(emulator)
  const event = emulator.admin.leaveTrustedLocation()
  const challenged = await api('/messages', tokens.access_token)
  const header = challenged.headers.get('www-authenticate')
  expect(header).toContain(
    'error="invalid_token", error_description="Tenant IP Policy validate failed."',
  )
  const claims = challengeClaims(header)
  expect(claims).toBe(
    `{"access_token":{"nbf":{"essential":true,"value":"${Math.floor(event.at / 1000)}"},"xms_rp_ipaddr":{"value":"${event.ipAddress}"}}}`,
  )
  const renewal = await refresh(emulator, tokens.refresh_token as string, claims)
  const renewed = (await renewal.json()) as Record<string, string | number>
  // Only the IPs differ: a one-hour token that suspends IP checks, and no v1 `ipaddr` claim.
  expect(renewed.expires_in).toBe(3600)
  expect(decodeJwt(renewed.access_token as string).ipaddr).toBeUndefined()
  expect((await api('/messages', renewed.access_token as string)).status).toBe(200)
})

it('challenges an auth-context path with acrs and lets other paths through', async () => {
  const tokens = await spaSignIn(emulator)
  emulator.admin.requireAuthContext('/api/messages', 'c2')
  expect((await api('/me', tokens.access_token)).status).toBe(200)
  const challenged = await api('/messages', tokens.access_token)
  expect(challenged.headers.get('www-authenticate')).toContain('error="insufficient_claims"')
  expect(challengeClaims(challenged.headers.get('www-authenticate'))).toBe(
    '{"access_token":{"acrs":{"essential":true,"value":"c2"}}}',
  )
})

it('sends the auth-context challenge to CP1 clients only; others get a plain 403', async () => {
  const capable = await spaSignIn(emulator)
  const plain = await spaSignIn(emulator, { claims: '' })
  emulator.admin.requireAuthContext('/messages')
  const challenged = await api('/messages', capable.access_token)
  expect(challenged.status).toBe(401)
  expect(challenged.headers.get('www-authenticate')).toMatch(/, cc_type="authcontext"$/)
  const refused = await api('/messages', plain.access_token)
  expect(refused.status).toBe(403)
  expect(refused.headers.get('www-authenticate')).toBeNull()
  expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(
    /does not meet the authentication bar/,
  )
})

it('answers a request without a token with a bare Bearer challenge', async () => {
  const response = await api('/me')
  expect(response.status).toBe(401)
  expect(response.headers.get('www-authenticate')).toBe(
    `Bearer realm="", authorization_uri="${authorizeUri()}", client_id="${GRAPH_APP_ID}"`,
  )
})

it('rejects an expired token with invalid_token', async () => {
  let now = Date.now()
  const clocked = await import('./emulator').then((m) => m.createEmulator({ now: () => now }))
  const origin = 'https://clocked.test'
  const jwks = await clocked.handle(
    new Request(`${origin}/${clocked.tenantId}/discovery/v2.0/keys`),
  )
  expect(((await jwks.json()) as { keys: unknown[] }).keys).toHaveLength(1)
  const form = new URLSearchParams({
    client_id: 'dae00000-0000-4000-8000-000000000002',
    client_secret: 'daemon-secret',
    grant_type: 'client_credentials',
    scope: clocked.apiScopes.app,
  })
  const token = (await (
    await clocked.handle(
      new Request(`${origin}/${clocked.tenantId}/oauth2/v2.0/token`, {
        method: 'POST',
        body: form,
      }),
    )
  ).json()) as { access_token: string }
  now += 3600_000 + 301_000
  const response = await clocked.handle(
    new Request(`${origin}/api/messages`, {
      headers: { authorization: `Bearer ${token.access_token}` },
    }),
  )
  expect(response.status).toBe(401)
  expect(response.headers.get('www-authenticate')).toContain(
    'error="invalid_token", error_description="The token is expired."',
  )
})

it('rejects a token for another audience with invalid_token', async () => {
  const response = await tokenForMiddleTier()
  const challenged = await api('/me', response)
  expect(challenged.headers.get('www-authenticate')).toContain('error="invalid_token"')
})

async function tokenForMiddleTier() {
  const page = await signIn(
    fetch,
    authorizeUrl(emulator, { scope: 'api://a1dd1e00-0000-4000-8000-000000000003/access_as_user' }),
    ALICE,
  )
  const response = await fetch(`${BASE}/${emulator.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({
      client_id: '5ba00000-0000-4000-8000-000000000001',
      grant_type: 'authorization_code',
      code: page.params.get('code') ?? '',
      redirect_uri: 'http://localhost:5173/redirect',
      code_verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
      scope: 'api://a1dd1e00-0000-4000-8000-000000000003/access_as_user',
    }),
  })
  return ((await response.json()) as { access_token: string }).access_token
}
