// @vitest-environment node
import { expect, it } from 'vitest'
import { decodeJwt } from '../test/helpers'
import {
  ALICE,
  authorizeUrl,
  SPA,
  SPA_REDIRECT,
  spaSignIn,
  tokenRequest,
  useEmulator,
} from '../test/kit'
import { signIn } from '../test/sign-in'
import {
  DEFAULT_DAEMON_CLIENT_ID as DAEMON,
  DEFAULT_DAEMON_CLIENT_SECRET as SECRET,
} from './defaults'
import { createEmulator } from './emulator'

const emulator = useEmulator()

async function errorOf(form: Record<string, string>) {
  const response = await tokenRequest(emulator, form)
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

const cc = (overrides: Record<string, string> = {}) => ({
  client_id: DAEMON,
  client_secret: SECRET,
  grant_type: 'client_credentials',
  scope: emulator.apiScopes.app,
  ...overrides,
})

it.each([
  ['an unknown client', cc({ client_id: 'nope' }), 400, 'unauthorized_client', 700016],
  ['a wrong secret', cc({ client_secret: 'wrong' }), 401, 'invalid_client', 7000215],
  ['a public client', cc({ client_id: SPA, client_secret: '' }), 400, 'invalid_client', 7000218],
  [
    'a scope without /.default',
    cc({ scope: emulator.apiScopes.delegated[0] as string }),
    400,
    'invalid_scope',
    1002012,
  ],
  ['an unknown resource', cc({ scope: 'api://nowhere/.default' }), 400, 'invalid_resource', 500011],
  ['an unsupported grant', cc({ grant_type: 'password' }), 400, 'unsupported_grant_type', 70003],
  [
    'claims that are not JSON',
    cc({ claims: 'eyJhY2Nlc3NfdG9rZW4iOnt9fQ==' }),
    400,
    'invalid_request',
    90014,
  ],
])('answers %s with an Entra-shaped error', async (_name, form, status, error, code) => {
  const result = await errorOf(form)
  expect(result.status).toBe(status)
  expect(result.body).toMatchObject({ error, error_codes: [code] })
  expect(String(result.body.error_description)).toMatch(new RegExp(`^AADSTS${code}: .+ Trace ID: `))
  expect(emulator.admin.tokenRequests().at(-1)).toMatchObject({ ok: false, error, errorCode: code })
})

it('accepts HTTP Basic client authentication', async () => {
  const response = await fetch(`https://login.test/${emulator.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${btoa(`${DAEMON}:${SECRET}`)}` },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: emulator.apiScopes.app }),
  })
  expect(response.status).toBe(200)
})

it('redeems a code once, with the matching PKCE verifier only', async () => {
  const page = await signIn(fetch, authorizeUrl(emulator), ALICE)
  const form = {
    client_id: SPA,
    grant_type: 'authorization_code',
    code: page.params.get('code') ?? '',
    redirect_uri: SPA_REDIRECT,
    scope: 'openid offline_access',
  }
  const wrong = await errorOf({ ...form, code_verifier: 'x'.repeat(43) })
  expect(wrong.body).toMatchObject({ error: 'invalid_grant' })
  // The failed attempt consumed the code: a correct retry fails too.
  const replay = await errorOf({
    ...form,
    code_verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
  })
  expect(replay.body).toMatchObject({ error: 'invalid_grant', error_codes: [70008] })
})

it('issues a Graph token for sign-in-only scopes and rotates refresh tokens', async () => {
  const tokens = await spaSignIn(emulator)
  const response = await tokenRequest(emulator, {
    client_id: SPA,
    grant_type: 'refresh_token',
    refresh_token: tokens.refresh_token as string,
    scope: 'openid profile offline_access',
  })
  const body = (await response.json()) as Record<string, string>
  expect(decodeJwt(body.access_token as string).aud).toBe('00000003-0000-0000-c000-000000000000')
  expect(body.refresh_token).not.toBe(tokens.refresh_token)
  expect(JSON.parse(Buffer.from(body.client_info as string, 'base64url').toString())).toEqual({
    uid: decodeJwt(tokens.access_token as string).oid,
    utid: emulator.tenantId,
  })
})

it('honours the xms_cc capabilities of the claims parameter', async () => {
  const tokens = await spaSignIn(emulator, {
    claims:
      '{"access_token":{"xms_cc":{"values":["CP1","cp2"]}},"id_token":{"login_hint":{"essential":false}}}',
  })
  // Only known capabilities are echoed.
  expect(decodeJwt(tokens.access_token as string).xms_cc).toEqual(['CP1'])
})

it('sets Retry-After on injected 5xx failures and logs each request in order', async () => {
  emulator.admin.failTokenRequests(2, { status: 503, error: 'temporarily_unavailable' })
  const first = await tokenRequest(emulator, cc())
  const second = await tokenRequest(emulator, cc())
  const third = await tokenRequest(emulator, cc())
  expect([first.status, second.status, third.status]).toEqual([503, 503, 200])
  expect(first.headers.get('retry-after')).toBe('1')
  expect(emulator.admin.tokenRequests().map((r) => r.ok)).toEqual([false, false, true])
})

it('logs requests on arrival so concurrent ones keep their order', async () => {
  emulator.admin.delayTokenRequests(1, 30)
  const slow = tokenRequest(emulator, cc({ scope: emulator.apiScopes.app }))
  const fast = tokenRequest(emulator, cc({ scope: 'api://cae-emulator/.default' }))
  await Promise.all([slow, fast])
  expect(emulator.admin.tokenRequests()).toHaveLength(2)
  expect(emulator.admin.tokenRequests().every((r) => r.ok)).toBe(true)
})

it('draws CAE user-token lifetimes between 20 and 28 h from the seed; tokenLifetimes fixes them', async () => {
  const lifetimes = async (options: Parameters<typeof createEmulator>[0]) => {
    const local = createEmulator(options)
    const out: number[] = []
    for (let i = 0; i < 4; i++) {
      const tokens = await spaSignInTo(local)
      out.push(tokens.expires_in)
    }
    return out
  }
  const seeded = await lifetimes({ seed: 7 })
  expect(await lifetimes({ seed: 7 })).toEqual(seeded)
  expect(await lifetimes({ seed: 8 })).not.toEqual(seeded)
  for (const seconds of seeded) {
    expect(seconds).toBeGreaterThanOrEqual(20 * 3600)
    expect(seconds).toBeLessThanOrEqual(28 * 3600)
  }
  expect(await lifetimes({ seed: 7, tokenLifetimes: { cae: 5000 } })).toEqual([
    5000, 5000, 5000, 5000,
  ])
})

/** A delegated CP1 token from an in-memory emulator, through the sign-in page. */
async function spaSignInTo(local: ReturnType<typeof createEmulator>) {
  const localFetch: typeof fetch = (input, init) =>
    local.handle(new Request(input as string, init as RequestInit))
  const claims = '{"access_token":{"xms_cc":{"values":["CP1"]}}}'
  const url = new URL(authorizeUrl(emulator, { claims }))
  url.pathname = `/${local.tenantId}/oauth2/v2.0/authorize`
  const page = await signIn(localFetch, url.toString(), ALICE)
  const response = await localFetch(`${url.origin}/${local.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({
      client_id: SPA,
      grant_type: 'authorization_code',
      code: page.params.get('code') ?? '',
      redirect_uri: SPA_REDIRECT,
      code_verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
      scope: local.apiScopes.delegated.join(' '),
      claims,
    }),
  })
  return (await response.json()) as { expires_in: number }
}
