// @vitest-environment node
import type {
  AccountInfo,
  ConfidentialClientApplication,
  PublicClientApplication,
} from '@azure/msal-node'
import { createCaeFetch } from '@cae-kit/core'
import {
  DEFAULT_MIDDLE_TIER_CLIENT_ID,
  DEFAULT_MIDDLE_TIER_CLIENT_SECRET,
  DEFAULT_SPA_CLIENT_ID,
} from '@cae-kit/emulator'
import { expect, it } from 'vitest'
import { fromMsalNode } from '../src/index'
import { ALICE, confidentialApp, publicApp, rejectionOf, signIn, useEmulator } from './helpers'

/** A confidential web app signing users in (any confidential client of the emulator can). */
const WEB_APP = {
  clientId: DEFAULT_MIDDLE_TIER_CLIENT_ID,
  clientSecret: DEFAULT_MIDDLE_TIER_CLIENT_SECRET,
}
const idp = useEmulator()

/** Signs Alice in with `app`, then builds a cae fetch on her silent token. */
async function signedIn(app: ConfidentialClientApplication | PublicClientApplication) {
  const result = await signIn(idp(), app, idp().apiScopes.delegated)
  const account = result.account as AccountInfo
  const caeFetch = createCaeFetch({
    tokenProvider: fromMsalNode(app, { flow: 'silent', account: async () => account }),
    resources: [{ url: idp().apiUrl, scopes: idp().apiScopes.delegated }],
    fetch: idp().fetch,
    // Required for a confidential client's account function (see callerScoped); harmless here.
    partitionKey: () => account.homeAccountId,
  })
  return { caeFetch, start: idp().admin.tokenRequests().length }
}

it('serves the signed-in user from the cache, then renews silently with claims after leaveTrustedLocation', async () => {
  const { caeFetch, start } = await signedIn(confidentialApp(idp(), WEB_APP))
  expect((await caeFetch(`${idp().apiUrl}/me`)).status).toBe(200)
  expect(idp().admin.tokenRequests()).toHaveLength(start)
  idp().admin.leaveTrustedLocation()
  const response = await caeFetch(`${idp().apiUrl}/me`)
  expect(response.status).toBe(200)
  expect(await response.json()).toMatchObject({ userPrincipalName: ALICE.username })
  expect(idp().admin.tokenRequests().slice(start)).toEqual([
    expect.objectContaining({
      grantType: 'refresh_token',
      ok: true,
      claims: expect.stringContaining('xms_rp_ipaddr'),
    }),
  ])
})

it('rejects with ERR_CAE_INTERACTION_REQUIRED carrying the claims after revokeSessions, one refresh attempt', async () => {
  const { caeFetch, start } = await signedIn(confidentialApp(idp(), WEB_APP))
  expect((await caeFetch(`${idp().apiUrl}/me`)).status).toBe(200)
  idp().admin.revokeSessions(ALICE.username)
  const error = await rejectionOf(caeFetch(`${idp().apiUrl}/me`))
  expect(error).toMatchObject({
    code: 'ERR_CAE_INTERACTION_REQUIRED',
    claims: idp().admin.apiRequests().at(-1)?.claims,
    scopes: idp().apiScopes.delegated,
  })
  expect(idp().admin.tokenRequests().slice(start)).toEqual([
    expect.objectContaining({ grantType: 'refresh_token', ok: false, error: 'invalid_grant' }),
  ])
})

it('rejects with ERR_CAE_ACCESS_BLOCKED after disableUser', async () => {
  const { caeFetch } = await signedIn(confidentialApp(idp(), WEB_APP))
  expect((await caeFetch(`${idp().apiUrl}/me`)).status).toBe(200)
  idp().admin.disableUser(ALICE.username)
  const error = await rejectionOf(caeFetch(`${idp().apiUrl}/me`))
  expect(error).toMatchObject({ code: 'ERR_CAE_ACCESS_BLOCKED' })
})

it('works the same with a PublicClientApplication', async () => {
  const { caeFetch, start } = await signedIn(publicApp(idp(), DEFAULT_SPA_CLIENT_ID))
  expect((await caeFetch(`${idp().apiUrl}/me`)).status).toBe(200)
  idp().admin.leaveTrustedLocation()
  expect((await caeFetch(`${idp().apiUrl}/me`)).status).toBe(200)
  idp().admin.revokeSessions(ALICE.username)
  const error = await rejectionOf(caeFetch(`${idp().apiUrl}/me`))
  expect(error).toMatchObject({ code: 'ERR_CAE_INTERACTION_REQUIRED' })
  expect(
    idp()
      .admin.tokenRequests()
      .slice(start)
      .map((r) => [r.grantType, r.ok]),
  ).toEqual([
    ['refresh_token', true],
    ['refresh_token', false],
  ])
})
