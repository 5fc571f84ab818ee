// @vitest-environment node
import { expect, it } from 'vitest'
import { ALICE, authority, authorizeUrl, SPA, SPA_REDIRECT, useEmulator } from '../test/kit'
import { CookieJar, signIn } from '../test/sign-in'

const emulator = useEmulator({
  clients: [{ clientId: 'web-app', clientSecret: 's', redirectUris: ['https://app.test/cb'] }],
})

const get = (url: string, jar?: CookieJar) =>
  fetch(url, { redirect: 'manual', headers: jar ? { cookie: jar.header() } : {} })

function pendingId(html: string): string {
  return /name="pending" value="([^"]+)"/.exec(html)?.[1] ?? ''
}

async function submit(html: string, fields: Record<string, string>) {
  return fetch(`${authority(emulator)}/login`, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({ pending: pendingId(html), ...fields }),
  })
}

it('renders a self-contained sign-in page with the stable test ids and no MFA field', async () => {
  const response = await get(authorizeUrl(emulator))
  expect(response.status).toBe(200)
  const html = await response.text()
  for (const id of ['login-username', 'login-password', 'login-submit']) {
    expect(html).toContain(`data-testid="${id}"`)
  }
  expect(html).not.toContain('data-testid="login-mfa"')
  expect(html).not.toMatch(/(src|href)="https?:/)
  expect(html).toContain('<label for="password">')
})

it('shows errors for an unknown client or redirect URI instead of redirecting', async () => {
  const unknown = await get(authorizeUrl(emulator, { client_id: 'nope' }))
  expect(unknown.status).toBe(400)
  expect(await unknown.text()).toContain('AADSTS700016')
  const foreign = await get(authorizeUrl(emulator, { redirect_uri: 'https://evil.test/cb' }))
  expect(foreign.status).toBe(400)
  expect(await foreign.text()).toContain('AADSTS50011')
})

it('returns PKCE errors to the redirect URI with the state', async () => {
  const missing = await get(
    authorizeUrl(emulator, { code_challenge: null, code_challenge_method: null }),
  )
  const params = new URLSearchParams(new URL(missing.headers.get('location') ?? '').hash.slice(1))
  expect(params.get('error')).toBe('invalid_request')
  expect(params.get('state')).toBe('st')
  const plain = await get(authorizeUrl(emulator, { code_challenge_method: 'plain' }))
  expect(new URL(plain.headers.get('location') ?? '').hash).toContain('error=invalid_request')
})

it('redirects with the code in the query by default and posts it with form_post', async () => {
  const query = await signIn(fetch, authorizeUrl(emulator, { response_mode: 'query' }), ALICE)
  expect(query.location.startsWith(`${SPA_REDIRECT}?code=`)).toBe(true)
  expect(query.params.get('client_info')).toBeTruthy()
  const page = await (await get(authorizeUrl(emulator, { response_mode: 'form_post' }))).text()
  const posted = await submit(page, { username: ALICE.username, password: ALICE.password })
  expect(posted.status).toBe(200)
  const html = await posted.text()
  expect(html).toContain(`<form method="post" action="${SPA_REDIRECT}">`)
  expect(html).toMatch(/name="code" value="[^"]+"/)
  expect(html).toContain('name="state" value="st"')
})

it('signs in silently with the session cookie (SSO) and not after logout', async () => {
  const jar = new CookieJar()
  await signIn(fetch, authorizeUrl(emulator), ALICE, jar)
  const sso = await get(authorizeUrl(emulator), jar)
  expect(sso.status).toBe(302)
  const logout = await get(
    `${authority(emulator)}/oauth2/v2.0/logout?post_logout_redirect_uri=${encodeURIComponent('http://localhost:5173/')}&state=bye`,
    jar,
  )
  expect(logout.headers.get('location')).toBe('http://localhost:5173/?state=bye')
  jar.store(logout)
  const silent = await signIn(fetch, authorizeUrl(emulator, { prompt: 'none' }), {}, jar)
  expect(silent.params.get('error')).toBe('login_required')
})

it('asks for the MFA code after the password when required and rejects a wrong code', async () => {
  emulator.admin.requireMfa(ALICE.username)
  const first = await (await get(authorizeUrl(emulator))).text()
  const step = await submit(first, { username: ALICE.username, password: ALICE.password })
  const mfaPage = await step.text()
  expect(mfaPage).toContain('data-testid="login-mfa"')
  expect(mfaPage).not.toContain('data-testid="login-password"')
  const wrong = await submit(mfaPage, { username: ALICE.username, mfa: '000000' })
  expect(wrong.status).toBe(400)
  const retry = await wrong.text()
  expect(retry).toContain('data-testid="login-error"')
  const ok = await submit(retry, { username: ALICE.username, mfa: emulator.mfaCode })
  expect(ok.headers.get('location')).toContain('#code=')
})

it('shows a disabled account error with a way back that returns access_denied', async () => {
  emulator.admin.disableUser(ALICE.username)
  const page = await (await get(authorizeUrl(emulator))).text()
  const response = await submit(page, { username: ALICE.username, password: ALICE.password })
  const html = await response.text()
  expect(html).toContain('AADSTS50057')
  const back = /data-testid="login-return" href="([^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&')
  const params = new URLSearchParams(new URL(back ?? '').hash.slice(1))
  expect(params.get('error')).toBe('access_denied')
  expect(params.get('state')).toBe('st')
})

it('refuses a disabled application: error page interactively, OAuth error for prompt=none', async () => {
  emulator.admin.disableServicePrincipal(SPA)
  const page = await get(authorizeUrl(emulator))
  expect(page.status).toBe(400)
  const html = await page.text()
  expect(html).toContain('AADSTS7000112')
  expect(html).toContain('data-testid="login-return"')
  const silent = await get(authorizeUrl(emulator, { prompt: 'none' }))
  expect(new URL(silent.headers.get('location') ?? '').hash).toContain('error=unauthorized_client')
})

it('accepts registered redirect URIs of confidential clients without PKCE', async () => {
  const url = authorizeUrl(emulator, {
    client_id: 'web-app',
    redirect_uri: 'https://app.test/cb',
    response_mode: 'query',
    code_challenge: null,
    code_challenge_method: null,
  })
  const result = await signIn(fetch, url, ALICE)
  expect(result.location.startsWith('https://app.test/cb?code=')).toBe(true)
})

it('finds the session from the sid parameter for prompt=none when the iframe gets no cookie', async () => {
  const jar = new CookieJar()
  const first = await signIn(fetch, authorizeUrl(emulator), ALICE, jar)
  const sid = first.params.get('session_state') ?? ''
  const silent = await signIn(fetch, authorizeUrl(emulator, { prompt: 'none', sid }), {})
  expect(silent.params.get('code')).toBeTruthy()
  const interactive = await get(authorizeUrl(emulator, { sid }))
  expect(interactive.status).toBe(200)
  emulator.admin.revokeSessions(ALICE.username)
  const revoked = await signIn(fetch, authorizeUrl(emulator, { prompt: 'none', sid }), {})
  expect(revoked.params.get('error')).toBe('login_required')
})

it('finds no session for prompt=none while third-party cookies are blocked (Safari, incognito)', async () => {
  const jar = new CookieJar()
  const first = await signIn(fetch, authorizeUrl(emulator), ALICE, jar)
  const sid = first.params.get('session_state') ?? ''
  emulator.admin.blockThirdPartyCookies(true)
  const silent = await signIn(fetch, authorizeUrl(emulator, { prompt: 'none', sid }), {}, jar)
  expect(silent.params.get('error')).toBe('login_required')
  // A top-level (interactive) request still has its first-party cookie: single sign-on works.
  const interactive = await signIn(fetch, authorizeUrl(emulator), {}, jar)
  expect(interactive.params.get('code')).toBeTruthy()
  emulator.admin.blockThirdPartyCookies(false)
  const again = await signIn(fetch, authorizeUrl(emulator, { prompt: 'none', sid }), {}, jar)
  expect(again.params.get('code')).toBeTruthy()
})
