// @vitest-environment node
import { ServerError } from '@azure/msal-node'
import { type CaeEvent, createCaeFetch, isCaeError } from '@cae-kit/core'
import { DEFAULT_DAEMON_CLIENT_ID, DEFAULT_DAEMON_CLIENT_SECRET } from '@cae-kit/emulator'
import { expect, it } from 'vitest'
import { fromMsalNode } from '../src/index'
import { confidentialApp, rejectionOf, useEmulator } from './helpers'

const DAEMON = { clientId: DEFAULT_DAEMON_CLIENT_ID, clientSecret: DEFAULT_DAEMON_CLIENT_SECRET }
const idp = useEmulator()

/** A daemon: real MSAL confidential client, cae-kit provider and fetch, the emulator's API. */
function daemon() {
  const events: CaeEvent[] = []
  const tokenProvider = fromMsalNode(confidentialApp(idp(), DAEMON), { flow: 'clientCredentials' })
  const caeFetch = createCaeFetch({
    tokenProvider,
    resources: [{ url: idp().apiUrl, scopes: [idp().apiScopes.app] }],
    fetch: idp().fetch,
    onEvent: (event) => events.push(event),
  })
  return { caeFetch, tokenProvider, events }
}

const tokenRequestsSince = (start: number) => idp().admin.tokenRequests().slice(start)

it('answers leaveTrustedLocation with one claims token request and a replay that succeeds', async () => {
  const { caeFetch } = daemon()
  expect((await caeFetch(`${idp().apiUrl}/messages`)).status).toBe(200)
  expect(idp().admin.tokenRequests()).toEqual([
    expect.objectContaining({ grantType: 'client_credentials', ok: true, capabilities: ['CP1'] }),
  ])
  expect(idp().admin.tokenRequests()[0]?.claims).toBeDefined() // only xms_cc: MSAL merges CP1

  const event = idp().admin.leaveTrustedLocation()
  const response = await caeFetch(`${idp().apiUrl}/messages`)
  expect(response.status).toBe(200)
  const [answer, ...more] = tokenRequestsSince(1)
  expect(more).toEqual([])
  expect(answer).toMatchObject({ grantType: 'client_credentials', ok: true })
  expect(JSON.parse(answer?.claims ?? '{}').access_token.xms_rp_ipaddr).toEqual({
    value: event.ipAddress,
  })
  expect(
    idp()
      .admin.apiRequests()
      .map((r) => r.status),
  ).toEqual([200, 401, 200])
})

it('sends no claims without a challenge, so MSAL serves the token it cached after the challenge', async () => {
  const { caeFetch, tokenProvider } = daemon()
  await caeFetch(`${idp().apiUrl}/messages`)
  idp().admin.leaveTrustedLocation()
  await caeFetch(`${idp().apiUrl}/messages`)
  const count = idp().admin.tokenRequests().length
  // A fresh engine (empty cae-kit cache) over the same provider: MSAL's cache answers.
  const fresh = createCaeFetch({
    tokenProvider,
    resources: [{ url: idp().apiUrl, scopes: [idp().apiScopes.app] }],
    fetch: idp().fetch,
  })
  expect((await fresh(`${idp().apiUrl}/messages`)).status).toBe(200)
  expect(idp().admin.tokenRequests()).toHaveLength(count)
})

it('answers 50 concurrent challenged calls with one token request, all 200', async () => {
  const { caeFetch, events } = daemon()
  await caeFetch(`${idp().apiUrl}/messages`)
  idp().admin.leaveTrustedLocation()
  const responses = await Promise.all(
    Array.from({ length: 50 }, () => caeFetch(`${idp().apiUrl}/messages`)),
  )
  expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200))
  expect(tokenRequestsSince(1)).toEqual([
    expect.objectContaining({ ok: true, claims: expect.any(String) }),
  ])
  expect(events.filter((e) => e.type === 'token' && e.reason === 'challenge')).toHaveLength(1)
  expect(
    idp()
      .admin.apiRequests()
      .filter((r) => r.status === 401),
  ).toHaveLength(50)
})

it('rejects with ERR_CAE_ACCESS_BLOCKED after disableServicePrincipal, one token request in all', async () => {
  const { caeFetch } = daemon()
  await caeFetch(`${idp().apiUrl}/messages`)
  idp().admin.disableServicePrincipal(DEFAULT_DAEMON_CLIENT_ID)

  const error = await rejectionOf(caeFetch(`${idp().apiUrl}/messages`))
  expect(isCaeError(error)).toBe(true)
  const challengeClaims = idp().admin.apiRequests().at(-1)?.claims
  expect(error).toMatchObject({
    code: 'ERR_CAE_ACCESS_BLOCKED',
    claims: challengeClaims,
    scopes: [idp().apiScopes.app],
  })
  expect((error as Error).cause).toBeInstanceOf(ServerError)
  const cause = (error as Error).cause as ServerError
  // Entra (and the emulator) send error_codes as numbers; MSAL passes them through unconverted.
  expect([cause.errorCode, String(cause.errorNo)]).toEqual(['unauthorized_client', '7000112'])
  expect(tokenRequestsSince(1)).toEqual([
    expect.objectContaining({ ok: false, error: 'unauthorized_client', errorCode: 7000112 }),
  ])

  // No loop, no retry storm: the engine remembers the block for these claims a few seconds, so
  // further calls reject at once without another token request.
  const again = await Promise.all(
    Array.from({ length: 10 }, () => rejectionOf(caeFetch(`${idp().apiUrl}/messages`))),
  )
  expect(again.map((e) => (e as { code?: string }).code)).toEqual(
    Array(10).fill('ERR_CAE_ACCESS_BLOCKED'),
  )
  expect(tokenRequestsSince(2)).toEqual([])
})

it('resolves with the second 401 under alwaysChallenge after one token request', async () => {
  const { caeFetch, events } = daemon()
  await caeFetch(`${idp().apiUrl}/messages`)
  idp().admin.alwaysChallenge(true)
  const response = await caeFetch(`${idp().apiUrl}/messages`)
  expect(response.status).toBe(401)
  expect(response.headers.get('www-authenticate')).toContain('error="insufficient_claims"')
  expect(tokenRequestsSince(1)).toEqual([expect.objectContaining({ ok: true })])
  expect(events.map((e) => e.type)).toEqual([
    'token',
    'challenge',
    'token',
    'replay',
    'challenge-unsatisfied',
  ])
  expect(
    idp()
      .admin.apiRequests()
      .map((r) => r.status),
  ).toEqual([200, 401, 401])
})

it('propagates a token endpoint failure as ERR_CAE_TOKEN_ACQUISITION_FAILED and recovers on the next call', async () => {
  const { caeFetch } = daemon()
  await caeFetch(`${idp().apiUrl}/messages`)
  idp().admin.leaveTrustedLocation()
  idp().admin.failTokenRequests(1, { status: 400, error: 'temporarily_unavailable' })
  const error = await rejectionOf(caeFetch(`${idp().apiUrl}/messages`))
  expect(error).toMatchObject({ code: 'ERR_CAE_TOKEN_ACQUISITION_FAILED' })
  expect((error as Error).cause).toBeInstanceOf(ServerError)
  expect((error as Error).cause).toMatchObject({ errorCode: 'temporarily_unavailable' })
  // Failures are not cached: the next call asks again and recovers.
  expect((await caeFetch(`${idp().apiUrl}/messages`)).status).toBe(200)
  expect(tokenRequestsSince(1).map((r) => r.ok)).toEqual([false, true])
})

it('lets MSAL throttle an identical request after a 5xx instead of calling the token endpoint again', async () => {
  const { caeFetch } = daemon()
  await caeFetch(`${idp().apiUrl}/messages`)
  idp().admin.leaveTrustedLocation()
  idp().admin.failTokenRequests(1, { status: 503, error: 'temporarily_unavailable' })
  const first = await rejectionOf(caeFetch(`${idp().apiUrl}/messages`))
  const second = await rejectionOf(caeFetch(`${idp().apiUrl}/messages`))
  expect([first, second].map((e) => (e as { code?: string }).code)).toEqual([
    'ERR_CAE_TOKEN_ACQUISITION_FAILED',
    'ERR_CAE_TOKEN_ACQUISITION_FAILED',
  ])
  expect(tokenRequestsSince(1)).toEqual([expect.objectContaining({ ok: false, status: 503 })])
})
