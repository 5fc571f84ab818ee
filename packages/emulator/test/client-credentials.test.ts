// @vitest-environment node
import { ConfidentialClientApplication, ServerError } from '@azure/msal-node'
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'
import { API_APP_ID, DEFAULT_DAEMON_CLIENT_ID, GRAPH_APP_ID } from '../src/index'
import { type RunningEmulator, startEmulator } from '../src/server'
import { challengeClaims, decodeJwt, readBearer } from './helpers'

let idp: RunningEmulator

beforeAll(async () => {
  idp = await startEmulator({ port: 0 })
})
afterAll(async () => {
  await idp.close()
})
beforeEach(() => {
  idp.admin.reset()
})

function daemon(clientCapabilities: string[] = ['CP1']) {
  return new ConfidentialClientApplication(idp.msalNodeConfig({ clientCapabilities }))
}

async function appToken(app: ConfidentialClientApplication, claims?: string) {
  const result = await app.acquireTokenByClientCredential({
    scopes: [idp.apiScopes.app],
    ...(claims === undefined ? {} : { claims }),
  })
  if (!result) throw new Error('no token')
  return result.accessToken
}

function callApi(token: string, path = '/messages', init: RequestInit = {}) {
  return idp.fetch(`${idp.apiUrl}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...init.headers },
  })
}

// Graph's recorded form; the location challenge (not captured for Graph) adds ARM's description.
const challengeShape = (error: string) =>
  new RegExp(
    `^Bearer realm="", authorization_uri="https://localhost:\\d+/common/oauth2/authorize", client_id="${GRAPH_APP_ID}", error="${error}",${error === 'invalid_token' ? ' error_description="[^"]+",' : ''} claims="[A-Za-z0-9+/]+={0,2}"$`,
  )

it('issues a long-lived CP1 app token with roles that the API accepts', async () => {
  const token = await appToken(daemon())
  const payload = decodeJwt(token)
  expect(payload).toMatchObject({
    aud: API_APP_ID,
    azp: DEFAULT_DAEMON_CLIENT_ID,
    idtyp: 'app',
    roles: ['Messages.ReadWrite.All'],
    xms_cc: ['CP1'],
    xms_ssm: '1',
    tid: idp.tenantId,
    iss: `${idp.url}/${idp.tenantId}/v2.0`,
  })
  // Workload identities: 24 h CAE tokens, and no v1-only claims in a v2 token.
  expect(Number(payload.exp) - Number(payload.iat)).toBe(86_400)
  expect(payload).not.toHaveProperty('ipaddr')
  expect(payload).not.toHaveProperty('appid')
  const response = await callApi(token)
  expect(response.status).toBe(200)
  expect(await response.json()).toMatchObject({ value: [{ id: 'm-1' }] })
})

it('challenges with invalid_token and xms_rp_ipaddr after leaving the trusted location; a new token satisfies it', async () => {
  const app = daemon()
  const before = await appToken(app)
  const event = idp.admin.leaveTrustedLocation()
  const challenged = await callApi(before)
  expect(challenged.status).toBe(401)
  const header = challenged.headers.get('www-authenticate')
  expect(header).toMatch(challengeShape('invalid_token'))
  expect(readBearer(header).error_description).toBe('Tenant IP Policy validate failed.')
  const claims = challengeClaims(header)
  expect(JSON.parse(claims)).toEqual({
    access_token: {
      nbf: { essential: true, value: String(Math.floor(event.at / 1000)) },
      xms_rp_ipaddr: { value: event.ipAddress },
    },
  })
  const after = await appToken(app, claims)
  const renewed = decodeJwt(after)
  expect(Number(renewed.exp) - Number(renewed.iat)).toBe(3600) // IP checks suspended for an hour
  expect((await callApi(after)).status).toBe(200)
  const last = idp.admin.tokenRequests().at(-1)
  expect(last).toMatchObject({ grantType: 'client_credentials', ok: true, capabilities: ['CP1'] })
  expect(JSON.parse(last?.claims ?? '{}').access_token.xms_rp_ipaddr).toEqual({
    value: event.ipAddress,
  })
})

it('challenges the tokens of a disabled service principal and refuses new ones with AADSTS7000112', async () => {
  const app = daemon()
  const token = await appToken(app)
  idp.admin.disableServicePrincipal(DEFAULT_DAEMON_CLIENT_ID)
  const challenged = await callApi(token)
  expect(challenged.status).toBe(401)
  const header = challenged.headers.get('www-authenticate')
  expect(header).toMatch(challengeShape('insufficient_claims'))
  expect((await challenged.json()).error.message).toContain('ServicePrincipalDisabled')
  const claims = challengeClaims(header)
  expect(JSON.parse(claims)).toEqual({
    access_token: { nbf: { essential: true, value: expect.stringMatching(/^\d+$/) } },
  })
  const error = await appToken(app, claims).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(ServerError)
  expect(error).toMatchObject({ errorCode: 'unauthorized_client', errorNo: 7000112 })
  expect(idp.admin.apiRequests().at(-1)).toMatchObject({ cause: 'ServicePrincipalDisabled' })
})

it('challenges every token, fresh ones too, while alwaysChallenge is on', async () => {
  const app = daemon()
  idp.admin.alwaysChallenge(true)
  const first = await callApi(await appToken(app))
  const claims = challengeClaims(first.headers.get('www-authenticate'))
  const second = await callApi(await appToken(app, claims))
  expect([first.status, second.status]).toEqual([401, 401])
  expect(readBearer(second.headers.get('www-authenticate')).error).toBe('insufficient_claims')
  idp.admin.alwaysChallenge(false)
  expect((await callApi(await appToken(app))).status).toBe(200)
})

it('stamps every forced challenge with the moment alwaysChallenge was switched on', async () => {
  let now = Date.UTC(2026, 0, 1, 12, 0, 0, 900)
  const clocked = await startEmulator({ port: 0, now: () => now })
  try {
    const app = new ConfidentialClientApplication(
      clocked.msalNodeConfig({ clientCapabilities: ['CP1'] }),
    )
    const token = await app.acquireTokenByClientCredential({ scopes: [clocked.apiScopes.app] })
    clocked.admin.alwaysChallenge(true)
    const call = () =>
      clocked.fetch(`${clocked.apiUrl}/messages`, {
        headers: { authorization: `Bearer ${token?.accessToken}` },
      })
    const first = challengeClaims((await call()).headers.get('www-authenticate'))
    now += 200 // the next call crosses a second boundary: the event's time must not move with it
    const second = challengeClaims((await call()).headers.get('www-authenticate'))
    expect(second).toBe(first)
  } finally {
    await clocked.close()
  }
})

it('never sends CAE challenges for tokens without CP1: they are short-lived instead', async () => {
  const token = await appToken(daemon([]))
  const payload = decodeJwt(token)
  expect(payload.xms_cc).toBeUndefined()
  expect(Number(payload.exp) - Number(payload.iat)).toBe(3600)
  idp.admin.leaveTrustedLocation()
  idp.admin.disableServicePrincipal(DEFAULT_DAEMON_CLIENT_ID)
  expect((await callApi(token)).status).toBe(200)
})

it('fails and delays the next token requests on demand', async () => {
  const app = daemon()
  idp.admin.failTokenRequests(1)
  const error = await appToken(app).catch((e: unknown) => e)
  expect(error).toMatchObject({ errorCode: 'temporarily_unavailable' })
  idp.admin.delayTokenRequests(1, 20)
  expect(await appToken(app)).toBeTypeOf('string')
  expect(idp.admin.tokenRequests().map((r) => [r.ok, r.status, r.error])).toEqual([
    [false, 400, 'temporarily_unavailable'],
    [true, 200, undefined],
  ])
})

it('echoes a POST body and records it once', async () => {
  const token = await appToken(daemon())
  const response = await callApi(token, '/messages', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ subject: 'hello' }),
  })
  expect(response.status).toBe(201)
  expect(await response.json()).toMatchObject({
    body: { subject: 'hello' },
    from: DEFAULT_DAEMON_CLIENT_ID,
  })
  const posts = idp.admin.apiRequests().filter((r) => r.method === 'POST')
  expect(posts).toEqual([
    expect.objectContaining({ status: 201, body: '{"subject":"hello"}', path: '/messages' }),
  ])
})

it('refuses /me to an app token with 403', async () => {
  const response = await callApi(await appToken(daemon()), '/me')
  expect(response.status).toBe(403)
})

const claimsFor = (nbf: number) => `{"access_token":{"nbf":{"essential":true,"value":"${nbf}"}}}`

it('throttles real msal-node: 429 after 4 requests, then MSAL refuses the identical request itself', async () => {
  const response = await idp.fetch(`${idp.url}/admin/throttle-token-requests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ limit: 4, windowMs: 10_000 }),
  })
  expect(response.status).toBe(200)
  const app = daemon()
  // Claims skip MSAL's cache, so each call is a network request (a CAE storm in one process).
  for (let i = 1; i <= 4; i++) {
    await app.acquireTokenByClientCredential({ scopes: [idp.apiScopes.app], claims: claimsFor(i) })
  }
  const request = { scopes: [idp.apiScopes.app], claims: claimsFor(5) }
  const first = await app.acquireTokenByClientCredential(request).catch((error: unknown) => error)
  expect(first).toBeInstanceOf(ServerError)
  expect(first).toMatchObject({ errorCode: 'temporarily_unavailable', errorNo: 90055 })
  expect(idp.admin.tokenRequests().map((r) => r.status)).toEqual([200, 200, 200, 200, 429])
  // MSAL keeps the Retry-After: the same request fails again without reaching the emulator.
  const again = await app.acquireTokenByClientCredential(request).catch((error: unknown) => error)
  expect(again).toBeInstanceOf(ServerError)
  expect(idp.admin.tokenRequests()).toHaveLength(5)
  // A different request (other claims) still goes out, and is throttled by the server.
  const other = { scopes: [idp.apiScopes.app], claims: claimsFor(6) }
  await expect(app.acquireTokenByClientCredential(other)).rejects.toBeInstanceOf(ServerError)
  expect(idp.admin.tokenRequests()).toHaveLength(6)
})

it('switches off over HTTP with {"enabled": false}', async () => {
  idp.admin.throttleTokenRequests({ limit: 0 })
  const off = await idp.fetch(`${idp.url}/admin/throttle-token-requests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ enabled: false }),
  })
  expect(await off.json()).toMatchObject({ detail: { enabled: false } })
  const result = await daemon().acquireTokenByClientCredential({ scopes: [idp.apiScopes.app] })
  expect(result?.accessToken).toBeTruthy()
})
