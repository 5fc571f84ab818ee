// @vitest-environment node
import {
  ConfidentialClientApplication,
  CryptoProvider,
  InteractionRequiredAuthError,
} from '@azure/msal-node'
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'
import {
  API_APP_ID,
  DEFAULT_MFA_CODE,
  DEFAULT_MIDDLE_TIER_CLIENT_ID,
  DEFAULT_MIDDLE_TIER_SCOPE,
  DEFAULT_SPA_CLIENT_ID,
} from '../src/index'
import { type RunningEmulator, startEmulator } from '../src/server'
import { challengeClaims, decodeJwt } from './helpers'
import { signIn } from './sign-in'

const SPA_REDIRECT = 'http://localhost:3000/redirect.html'
let idp: RunningEmulator

beforeAll(async () => {
  idp = await startEmulator()
})
afterAll(async () => {
  await idp.close()
})
beforeEach(() => {
  idp.admin.reset()
})

/** What msal-browser does for the SPA, over raw HTTP: authorize with PKCE, then redeem the code. */
async function spaToken(mfa?: string): Promise<string> {
  const crypto = new CryptoProvider()
  const pkce = await crypto.generatePkceCodes()
  const query = new URLSearchParams({
    client_id: DEFAULT_SPA_CLIENT_ID,
    response_type: 'code',
    response_mode: 'fragment',
    redirect_uri: SPA_REDIRECT,
    scope: `${DEFAULT_MIDDLE_TIER_SCOPE} openid profile offline_access`,
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
    claims: '{"access_token":{"xms_cc":{"values":["CP1"]}}}',
    state: 's',
    nonce: 'n',
  })
  const page = await signIn(idp.fetch, `${idp.authority}/oauth2/v2.0/authorize?${query}`, {
    username: 'alice@contoso.test',
    password: 'alice-password',
    ...(mfa === undefined ? {} : { mfa }),
  })
  const response = await idp.fetch(`${idp.authority}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { origin: 'http://localhost:3000' },
    body: new URLSearchParams({
      client_id: DEFAULT_SPA_CLIENT_ID,
      grant_type: 'authorization_code',
      code: page.params.get('code') ?? '',
      redirect_uri: SPA_REDIRECT,
      code_verifier: pkce.verifier,
      scope: `${DEFAULT_MIDDLE_TIER_SCOPE} openid profile offline_access`,
      claims: '{"access_token":{"xms_cc":{"values":["CP1"]}}}',
    }),
  })
  expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:3000')
  const body = (await response.json()) as Record<string, string | number>
  expect(body).toMatchObject({ token_type: 'Bearer', refresh_token_expires_in: 86_400 })
  expect(decodeJwt(String(body.id_token)).nonce).toBe('n')
  return String(body.access_token)
}

function middleTier() {
  return new ConfidentialClientApplication(
    idp.msalNodeConfig({ clientId: DEFAULT_MIDDLE_TIER_CLIENT_ID }),
  )
}

async function obo(app: ConfidentialClientApplication, assertion: string, claims?: string) {
  const result = await app.acquireTokenOnBehalfOf({
    oboAssertion: assertion,
    scopes: idp.apiScopes.delegated,
    ...(claims === undefined ? {} : { claims }),
  })
  if (!result) throw new Error('no token')
  return result.accessToken
}

const callApi = (token: string) =>
  idp.fetch(`${idp.apiUrl}/me`, { headers: { authorization: `Bearer ${token}` } })

it('exchanges a user token for the middle tier for a downstream API token', async () => {
  const userToken = await spaToken()
  expect(decodeJwt(userToken)).toMatchObject({
    aud: DEFAULT_MIDDLE_TIER_CLIENT_ID,
    scp: 'access_as_user',
  })
  const downstream = await obo(middleTier(), userToken)
  expect(decodeJwt(downstream)).toMatchObject({
    aud: API_APP_ID,
    azp: DEFAULT_MIDDLE_TIER_CLIENT_ID,
    oid: decodeJwt(userToken).oid,
    xms_cc: ['CP1'],
  })
  expect((await callApi(downstream)).status).toBe(200)
})

it('refuses the exchange after revokeSessions with InteractionRequiredAuthError (bad_token)', async () => {
  const app = middleTier()
  const userToken = await spaToken()
  const downstream = await obo(app, userToken)
  idp.admin.revokeSessions('alice@contoso.test')
  const claims = challengeClaims((await callApi(downstream)).headers.get('www-authenticate'))
  const error = await obo(app, userToken, claims).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(InteractionRequiredAuthError)
  expect(error).toMatchObject({ errorCode: 'invalid_grant', subError: 'bad_token' })
})

it('returns basic_action (with claims as a variant) to the middle tier after requireMfa, and an MFA user token passes', async () => {
  const app = middleTier()
  const userToken = await spaToken()
  idp.admin.useVariants({ stepUpClaims: true })
  idp.admin.requireMfa('alice@contoso.test')
  const error = await obo(
    app,
    userToken,
    '{"access_token":{"nbf":{"essential":true,"value":"1"}}}',
  ).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(InteractionRequiredAuthError)
  expect(error).toMatchObject({ subError: 'basic_action' })
  expect((error as InteractionRequiredAuthError).claims).toContain('capolids')
  const downstream = await obo(app, await spaToken(DEFAULT_MFA_CODE))
  expect(decodeJwt(downstream)).not.toHaveProperty('amr')
  expect((await callApi(downstream)).status).toBe(200)
})
