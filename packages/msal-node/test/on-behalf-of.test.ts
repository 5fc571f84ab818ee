// @vitest-environment node
import { AsyncLocalStorage } from 'node:async_hooks'
import { InteractionRequiredAuthError } from '@azure/msal-node'
import { createCaeFetch, getClaimsChallenge } from '@cae-kit/core'
import {
  DEFAULT_MIDDLE_TIER_CLIENT_ID,
  DEFAULT_MIDDLE_TIER_CLIENT_SECRET,
  DEFAULT_MIDDLE_TIER_SCOPE,
  DEFAULT_SPA_CLIENT_ID,
} from '@cae-kit/emulator'
import { expect, it } from 'vitest'
import { fromMsalNode, toClaimsChallengeResponse } from '../src/index'
import { ALICE, BOB, confidentialApp, publicApp, rejectionOf, signIn, useEmulator } from './helpers'

const MIDDLE_TIER = {
  clientId: DEFAULT_MIDDLE_TIER_CLIENT_ID,
  clientSecret: DEFAULT_MIDDLE_TIER_CLIENT_SECRET,
}
const idp = useEmulator()

/** A user (Alice by default) signs in to the client app, which gets a token for the middle tier. */
async function userTokenForMiddleTier(user = ALICE) {
  const client = publicApp(idp(), DEFAULT_SPA_CLIENT_ID)
  const result = await signIn(idp(), client, [DEFAULT_MIDDLE_TIER_SCOPE], user)
  return { client, result, assertion: result.accessToken }
}

/**
 * The middle tier as a fetch-style handler: for each incoming request, an on-behalf-of provider
 * for the caller's token and a cae fetch to the downstream API; a challenge it cannot satisfy is
 * sent up to the caller with toClaimsChallengeResponse.
 */
function middleTier() {
  const cca = confidentialApp(idp(), MIDDLE_TIER)
  const failures: unknown[] = []
  async function handle(request: Request): Promise<Response> {
    const assertion = request.headers.get('authorization')?.replace(/^Bearer /, '') ?? ''
    const downstream = createCaeFetch({
      tokenProvider: fromMsalNode(cca, { flow: 'onBehalfOf', assertion }),
      resources: [{ url: idp().apiUrl, scopes: idp().apiScopes.delegated }],
      fetch: idp().fetch,
    })
    try {
      const response = await downstream(`${idp().apiUrl}${new URL(request.url).pathname}`)
      return new Response(await response.text(), { status: response.status })
    } catch (error) {
      failures.push(error)
      const challenge = toClaimsChallengeResponse(error, {
        clientId: DEFAULT_MIDDLE_TIER_CLIENT_ID,
        authorizationUri: `${idp().authority}/oauth2/v2.0/authorize`,
      })
      return challenge ? new Response(null, challenge) : new Response(null, { status: 403 })
    }
  }
  return { handle, failures }
}

const call = (handle: (request: Request) => Promise<Response>, assertion: string) =>
  handle(
    new Request('https://middle.test/me', { headers: { authorization: `Bearer ${assertion}` } }),
  )

it('gets the downstream token on-behalf-of the caller and recovers from leaveTrustedLocation', async () => {
  const { assertion } = await userTokenForMiddleTier()
  const { handle } = middleTier()
  expect((await call(handle, assertion)).status).toBe(200)
  const start = idp().admin.tokenRequests().length
  idp().admin.leaveTrustedLocation()
  expect((await call(handle, assertion)).status).toBe(200)
  expect(idp().admin.tokenRequests().slice(start)).toEqual([
    expect.objectContaining({
      grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      clientId: DEFAULT_MIDDLE_TIER_CLIENT_ID,
      ok: true,
      claims: expect.stringContaining('xms_rp_ipaddr'),
    }),
  ])
})

it('after revokeSessions rejects with ERR_CAE_INTERACTION_REQUIRED carrying the API claims, sent up as a 401', async () => {
  const { assertion } = await userTokenForMiddleTier()
  const { handle, failures } = middleTier()
  expect((await call(handle, assertion)).status).toBe(200)
  idp().admin.revokeSessions(ALICE.username)

  const response = await call(handle, assertion)
  const apiClaims = idp().admin.apiRequests().at(-1)?.claims
  expect(apiClaims).toContain('nbf')
  const [error] = failures
  expect(error).toMatchObject({
    code: 'ERR_CAE_INTERACTION_REQUIRED',
    claims: apiClaims,
    scopes: idp().apiScopes.delegated,
  })
  // msal-node: invalid_grant + bad_token → InteractionRequiredAuthError without claims.
  expect((error as Error).cause).toBeInstanceOf(InteractionRequiredAuthError)
  expect(response.status).toBe(401)
  const header = response.headers.get('www-authenticate') ?? ''
  expect(header).toMatch(
    /^Bearer realm="", authorization_uri="https:\/\/localhost:\d+\/[^"]+\/oauth2\/v2\.0\/authorize", client_id="[^"]+", error="insufficient_claims", claims="[A-Za-z0-9+/]+={0,2}"$/,
  )
  expect(getClaimsChallenge(response)?.claims).toBe(apiClaims)
  // One OBO attempt for the challenge: nothing retried it.
  const obo = idp()
    .admin.tokenRequests()
    .filter((r) => r.grantType.endsWith('jwt-bearer'))
  expect(obo.map((r) => r.ok)).toEqual([true, false])
})

it('sends the claims MSAL returns (step-up) up to the caller rather than the downstream ones', async () => {
  const { assertion } = await userTokenForMiddleTier()
  const { handle, failures } = middleTier()
  idp().admin.useVariants({ stepUpClaims: true }) // AADSTS50076 with claims, as some captures
  idp().admin.requireAuthContext('/me', 'c1')
  const response = await call(handle, assertion)
  expect(response.status).toBe(401)
  const [error] = failures
  const msalClaims = ((error as Error).cause as InteractionRequiredAuthError).claims
  expect(msalClaims).toContain('c1')
  expect(error).toMatchObject({ code: 'ERR_CAE_INTERACTION_REQUIRED', claims: msalClaims })
  expect(getClaimsChallenge(response)?.claims).toBe(msalClaims)
})

it('sends the downstream claims up when AADSTS50076 carries none (the captured form)', async () => {
  const { assertion } = await userTokenForMiddleTier()
  const { handle, failures } = middleTier()
  idp().admin.requireAuthContext('/me', 'c1')
  const response = await call(handle, assertion)
  expect(response.status).toBe(401)
  expect(failures[0]).toMatchObject({ code: 'ERR_CAE_INTERACTION_REQUIRED' })
  expect(getClaimsChallenge(response)?.claims).toBe(
    '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}',
  )
})

it('rejects with ERR_CAE_ACCESS_BLOCKED for a disabled user, which is not sent up as a challenge', async () => {
  const { assertion } = await userTokenForMiddleTier()
  const { handle, failures } = middleTier()
  expect((await call(handle, assertion)).status).toBe(200)
  idp().admin.disableUser(ALICE.username)
  const response = await call(handle, assertion)
  expect(failures[0]).toMatchObject({ code: 'ERR_CAE_ACCESS_BLOCKED' })
  expect(response.status).toBe(403)
})

it('lets the client answer the middle tier challenge: its silent renewal needs the user after revocation', async () => {
  const { client, result } = await userTokenForMiddleTier()
  const { handle } = middleTier()
  const account = result.account
  if (account === null) throw new Error('no account')
  const clientFetch = createCaeFetch({
    tokenProvider: fromMsalNode(client, { flow: 'silent', account }),
    resources: [{ url: 'https://middle.test', scopes: [DEFAULT_MIDDLE_TIER_SCOPE] }],
    fetch: (input, init) => handle(new Request(input, init)),
  })
  expect((await clientFetch('https://middle.test/me')).status).toBe(200)
  idp().admin.revokeSessions(ALICE.username)
  const error = await rejectionOf(clientFetch('https://middle.test/me'))
  expect(error).toMatchObject({ code: 'ERR_CAE_INTERACTION_REQUIRED' })
  const refresh = idp()
    .admin.tokenRequests()
    .filter((r) => r.grantType === 'refresh_token')
  expect(refresh).toEqual([
    expect.objectContaining({
      clientId: DEFAULT_SPA_CLIENT_ID,
      ok: false,
      claims: expect.stringContaining('nbf'),
    }),
  ])
})

it('refuses to share a fetch over an assertion function without partitionKey', () => {
  const tokenProvider = fromMsalNode(confidentialApp(idp(), MIDDLE_TIER), {
    flow: 'onBehalfOf',
    assertion: () => 'read from the current request',
  })
  const resources = [{ url: idp().apiUrl, scopes: idp().apiScopes.delegated }]
  expect(() => createCaeFetch({ tokenProvider, resources, fetch: idp().fetch })).toThrow(
    expect.objectContaining({ code: 'ERR_CAE_INVALID_OPTIONS' }),
  )
})

it('keeps the callers of one shared cae fetch apart with partitionKey, even concurrently', async () => {
  const callers = new AsyncLocalStorage<{ username: string; assertion: string }>()
  const caller = () => {
    const store = callers.getStore()
    if (store === undefined) throw new Error('called outside an incoming request')
    return store
  }
  const downstream = createCaeFetch({
    tokenProvider: fromMsalNode(confidentialApp(idp(), MIDDLE_TIER), {
      flow: 'onBehalfOf',
      assertion: () => caller().assertion,
    }),
    resources: [{ url: idp().apiUrl, scopes: idp().apiScopes.delegated }],
    fetch: idp().fetch,
    partitionKey: () => caller().username,
  })
  const users = [ALICE, BOB]
  const assertions = await Promise.all(users.map((user) => userTokenForMiddleTier(user)))
  const start = idp().admin.tokenRequests().length
  const me = await Promise.all(
    users.map(({ username }, index) =>
      callers.run({ username, assertion: assertions[index]?.assertion ?? '' }, async () => {
        const response = await downstream(`${idp().apiUrl}/me`)
        return ((await response.json()) as { userPrincipalName: string }).userPrincipalName
      }),
    ),
  )
  expect(me).toEqual([ALICE.username, BOB.username])
  // One API request each (no challenge, no replay), each with a token for its own user.
  expect(
    idp()
      .admin.apiRequests()
      .map((r) => r.username)
      .sort(),
  ).toEqual([ALICE.username, BOB.username])
  expect(
    idp()
      .admin.tokenRequests()
      .slice(start)
      .map((r) => r.grantType),
  ).toEqual([
    'urn:ietf:params:oauth:grant-type:jwt-bearer',
    'urn:ietf:params:oauth:grant-type:jwt-bearer',
  ])
})
