// @vitest-environment node
import {
  type AccountInfo,
  ConfidentialClientApplication,
  CryptoProvider,
  InteractionRequiredAuthError,
  ServerError,
} from '@azure/msal-node'
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'
import { API_APP_ID, DEFAULT_MFA_CODE, GRAPH_APP_ID } from '../src/index'
import { type RunningEmulator, startEmulator } from '../src/server'
import { challengeClaims, decodeJwt, readBearer } from './helpers'
import { CookieJar, signIn } from './sign-in'

const WEB_APP = { clientId: 'ceb0a000-0000-4000-8000-000000000005', clientSecret: 'web-secret' }
const REDIRECT_URI = 'https://app.contoso.test/auth/callback'
const alice = { username: 'alice@contoso.test', password: 'alice-password' }
let idp: RunningEmulator

beforeAll(async () => {
  idp = await startEmulator({
    clients: [{ ...WEB_APP, redirectUris: [REDIRECT_URI], displayName: 'Contoso Web' }],
  })
})
afterAll(async () => {
  await idp.close()
})
beforeEach(() => {
  idp.admin.reset()
})

function webApp() {
  return new ConfidentialClientApplication(idp.msalNodeConfig(WEB_APP))
}

/** The web app's interactive sign-in: auth code URL, the user on the page, code redemption. */
async function interactive(
  app: ConfidentialClientApplication,
  credentials: { username?: string; password?: string; mfa?: string },
  options: { claims?: string; jar?: CookieJar } = {},
) {
  const pkce = await new CryptoProvider().generatePkceCodes()
  const request = {
    scopes: idp.apiScopes.delegated,
    redirectUri: REDIRECT_URI,
    ...(options.claims === undefined ? {} : { claims: options.claims }),
  }
  const url = await app.getAuthCodeUrl({
    ...request,
    codeChallenge: pkce.challenge,
    codeChallengeMethod: 'S256',
    state: 'opaque-state',
  })
  const page = await signIn(idp.fetch, url, credentials, options.jar)
  expect(page.params.get('state')).toBe('opaque-state')
  const result = await app.acquireTokenByCode({
    ...request,
    code: page.params.get('code') ?? '',
    codeVerifier: pkce.verifier,
  })
  return { result, pages: page.pages }
}

async function silent(app: ConfidentialClientApplication, account: AccountInfo, claims?: string) {
  return app.acquireTokenSilent({
    account,
    scopes: idp.apiScopes.delegated,
    ...(claims === undefined ? {} : { claims }),
  })
}

function me(token: string, path = '/me') {
  return idp.fetch(`${idp.apiUrl}${path}`, { headers: { authorization: `Bearer ${token}` } })
}

it('signs in through the page, redeems the code with PKCE and serves silent calls from the cache', async () => {
  const app = webApp()
  const { result, pages } = await interactive(app, alice)
  expect(pages[0]).toContain('data-testid="login-username"')
  expect(pages[0]).not.toContain('data-testid="login-mfa"')
  expect(result.account?.homeAccountId).toBe(`${decodeJwt(result.accessToken).oid}.${idp.tenantId}`)
  expect(decodeJwt(result.accessToken)).toMatchObject({
    aud: API_APP_ID,
    scp: 'Messages.ReadWrite User.Read',
    xms_cc: ['CP1'],
    xms_ssm: '1',
    preferred_username: alice.username,
  })
  // A v2 token: no v1-only claims; a CAE token: 20 to 28 hours.
  const payload = decodeJwt(result.accessToken)
  expect(payload).not.toHaveProperty('amr')
  expect(payload).not.toHaveProperty('ipaddr')
  const lifetime = Number(payload.exp) - Number(payload.iat)
  expect(lifetime).toBeGreaterThanOrEqual(20 * 3600)
  expect(lifetime).toBeLessThanOrEqual(28 * 3600)
  expect(result.idTokenClaims).toMatchObject({
    preferred_username: alice.username,
    tid: idp.tenantId,
  })
  expect(await (await me(result.accessToken)).json()).toMatchObject({
    userPrincipalName: alice.username,
  })
  const before = idp.admin.tokenRequests().length
  const cached = await silent(app, result.account as AccountInfo)
  expect(cached.accessToken).toBe(result.accessToken)
  expect(idp.admin.tokenRequests()).toHaveLength(before)
})

it('after revokeSessions: challenges with nbf, silent renewal raises InteractionRequiredAuthError, a new sign-in works', async () => {
  const app = webApp()
  const { result } = await interactive(app, alice)
  const event = idp.admin.revokeSessions(alice.username)
  const challenged = await me(result.accessToken)
  expect(challenged.status).toBe(401)
  const header = challenged.headers.get('www-authenticate')
  expect(readBearer(header)).toMatchObject({
    realm: '',
    client_id: GRAPH_APP_ID,
    error: 'insufficient_claims',
  })
  expect((await challenged.json()).error.message).toContain('TokenIssuedBeforeRevocationTimestamp')
  const claims = challengeClaims(header)
  expect(claims).toBe(
    `{"access_token":{"nbf":{"essential":true, "value":"${Math.floor(event.at / 1000)}"}}}`,
  )
  const error = await silent(app, result.account as AccountInfo, claims).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(InteractionRequiredAuthError)
  expect(error).toMatchObject({ errorCode: 'invalid_grant', subError: 'bad_token', errorNo: 50173 })
  const again = await interactive(app, alice, { claims })
  expect((await me(again.result.accessToken)).status).toBe(200)
})

it('after resetPassword: the old password is refused and the new one signs in', async () => {
  const app = webApp()
  const { result } = await interactive(app, alice)
  idp.admin.resetPassword(alice.username, 'new-password')
  const challenged = await me(result.accessToken)
  expect((await challenged.json()).error.message).toContain('PasswordChanged')
  await expect(interactive(app, alice)).rejects.toThrow(/AADSTS50126/)
  const again = await interactive(app, { ...alice, password: 'new-password' })
  expect((await me(again.result.accessToken)).status).toBe(200)
})

it('after requireMfa: silent renewal raises basic_action (claims as a variant), the MFA code satisfies it', async () => {
  const app = webApp()
  const jar = new CookieJar()
  const { result } = await interactive(app, alice)
  idp.admin.useVariants({ stepUpClaims: true })
  idp.admin.requireMfa(alice.username)
  const claims = challengeClaims((await me(result.accessToken)).headers.get('www-authenticate'))
  const error = await silent(app, result.account as AccountInfo, claims).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(InteractionRequiredAuthError)
  expect(error).toMatchObject({
    errorCode: 'invalid_grant',
    subError: 'basic_action',
    errorNo: 50076,
  })
  const stepUpClaims = (error as InteractionRequiredAuthError).claims
  expect(JSON.parse(stepUpClaims).access_token.capolids.essential).toBe(true)
  const again = await interactive(
    app,
    { ...alice, mfa: DEFAULT_MFA_CODE },
    { claims: stepUpClaims, jar },
  )
  expect(again.pages.at(-1)).toContain('data-testid="login-mfa"')
  expect((await me(again.result.accessToken)).status).toBe(200)
  // The session now has MFA: silent renewal works again.
  const renewed = await silent(app, again.result.account as AccountInfo, claims)
  expect((await me(renewed.accessToken)).status).toBe(200)
})

it('asks only for the code when the browser session exists but a second factor is missing', async () => {
  const app = webApp()
  const jar = new CookieJar()
  await interactive(app, alice, { jar })
  idp.admin.raiseUserRisk(alice.username)
  const again = await interactive(app, { mfa: DEFAULT_MFA_CODE }, { jar })
  expect(again.pages).toHaveLength(1)
  expect(again.pages[0]).toContain('data-testid="login-mfa"')
  expect(again.pages[0]).not.toContain('data-testid="login-password"')
  expect((await me(again.result.accessToken)).status).toBe(200)
})

it('requires an auth context on a path prefix and issues acrs only after MFA', async () => {
  const app = webApp()
  const { result } = await interactive(app, alice)
  idp.admin.requireAuthContext('/messages', 'c1')
  expect((await me(result.accessToken)).status).toBe(200)
  const challenged = await me(result.accessToken, '/messages')
  const header = challenged.headers.get('www-authenticate')
  expect(readBearer(header).error).toBe('insufficient_claims')
  const claims = challengeClaims(header)
  expect(claims).toBe('{"access_token":{"acrs":{"essential":true,"value":"c1"}}}')
  const error = await silent(app, result.account as AccountInfo, claims).catch((e: unknown) => e)
  expect(error).toMatchObject({ errorCode: 'invalid_grant', subError: 'basic_action' })
  const again = await interactive(app, { ...alice, mfa: DEFAULT_MFA_CODE }, { claims })
  expect(decodeJwt(again.result.accessToken).acrs).toEqual(['c1'])
  expect((await me(again.result.accessToken, '/messages')).status).toBe(200)
})

it('after disableUser: refresh fails with AADSTS50057 and the sign-in page shows the error with a way back', async () => {
  const app = webApp()
  const { result } = await interactive(app, alice)
  idp.admin.disableUser(alice.username)
  const claims = challengeClaims((await me(result.accessToken)).headers.get('www-authenticate'))
  const error = await silent(app, result.account as AccountInfo, claims).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(ServerError)
  expect(error).not.toBeInstanceOf(InteractionRequiredAuthError)
  expect(error).toMatchObject({ errorCode: 'invalid_grant', errorNo: 50057 })
  await expect(interactive(app, alice)).rejects.toThrow(/sign-in stopped: AADSTS50057/)
})

it('answers prompt=none with a code while the session lives and login_required after revocation', async () => {
  const app = webApp()
  const jar = new CookieJar()
  await interactive(app, alice, { jar })
  const url = await app.getAuthCodeUrl({
    scopes: idp.apiScopes.delegated,
    redirectUri: REDIRECT_URI,
    prompt: 'none',
    responseMode: 'fragment' as never,
    codeChallenge: 'x'.repeat(43),
    codeChallengeMethod: 'S256',
  })
  const silentOk = await signIn(idp.fetch, url, {}, jar)
  expect(silentOk.location.startsWith(`${REDIRECT_URI}#code=`)).toBe(true)
  idp.admin.revokeSessions(alice.username)
  const silentKo = await signIn(idp.fetch, url, {}, jar)
  expect(silentKo.params.get('error')).toBe('login_required')
})
