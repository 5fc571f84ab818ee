// @vitest-environment node
/**
 * A token provider without MSAL, as the core README shows it: oauth4webapi's client credentials
 * grant, declaring CP1 with `addClientCapabilities` on every token request.
 */
import {
  AccessBlockedError,
  addClientCapabilities,
  createCaeFetch,
  mapEntraError,
  type TokenProvider,
} from '@cae-kit/core'
import type { RunningEmulator } from '@cae-kit/emulator'
import { DEFAULT_DAEMON_CLIENT_ID, DEFAULT_DAEMON_CLIENT_SECRET } from '@cae-kit/emulator'
import * as oauth from 'oauth4webapi'
import { expect, it } from 'vitest'
import { traffic, useEmulator } from './support'

const emulator = useEmulator()

/** The README's provider, plus `customFetch` so that oauth4webapi trusts the emulator's certificate. */
async function oauth4webapiProvider(idp: RunningEmulator): Promise<TokenProvider> {
  const trust = {
    [oauth.customFetch]: (url: string, options: oauth.CustomFetchOptions<string, unknown>) =>
      idp.fetch(url, options as RequestInit),
  }
  const issuer = new URL(`${idp.authority}/v2.0`)
  const as = await oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, trust),
  )
  const client = { client_id: DEFAULT_DAEMON_CLIENT_ID }
  const auth = oauth.ClientSecretPost(DEFAULT_DAEMON_CLIENT_SECRET)
  return {
    async getToken({ scopes, claims, signal }) {
      const parameters = { scope: scopes.join(' '), claims: addClientCapabilities(claims) }
      const options = { ...trust, ...(signal ? { signal } : {}) }
      try {
        const response = await oauth.clientCredentialsGrantRequest(
          as,
          client,
          auth,
          parameters,
          options,
        )
        const result = await oauth.processClientCredentialsResponse(as, client, response)
        return {
          token: result.access_token,
          expiresOn: Date.now() + (result.expires_in ?? 3600) * 1000,
        }
      } catch (error) {
        throw mapEntraError(error, { scopes, claims }) // blocked, sign-in needed, or as it is
      }
    },
  }
}

/** A cae fetch over the oauth4webapi provider, its first request made (and answered 200). */
async function warmCaeFetch(idp: RunningEmulator): Promise<typeof fetch> {
  const caeFetch = createCaeFetch({
    tokenProvider: await oauth4webapiProvider(idp),
    resources: [{ url: idp.apiUrl, scopes: [idp.apiScopes.app] }],
    fetch: idp.fetch,
  })
  expect((await caeFetch(`${idp.apiUrl}/messages`)).status).toBe(200)
  return caeFetch
}

it('gets a CAE token with CP1 declared and answers a challenge with the claims merged in', async () => {
  const idp = emulator()
  const caeFetch = await warmCaeFetch(idp)
  idp.admin.leaveTrustedLocation()
  const seen = traffic(idp)

  const response = await caeFetch(`${idp.apiUrl}/messages`, { method: 'POST', body: 'hello' })

  expect(response.status).toBe(201)
  const [first, answer] = idp.admin.tokenRequests()
  expect(first?.capabilities).toEqual(['CP1'])
  expect(answer?.capabilities).toEqual(['CP1'])
  // The challenge's own claims travel with CP1: the emulator's challenge asks for a fresh token.
  const challenged = seen().apiRequests[0]?.claims ?? ''
  const challengeClaims = JSON.parse(challenged).access_token
  expect(JSON.parse(answer?.claims ?? '{}').access_token).toEqual({
    ...challengeClaims,
    xms_cc: { values: ['CP1'] },
  })
  expect(seen().apiRequests.map((r) => [r.status, r.body])).toEqual([
    [401, 'hello'],
    [201, 'hello'],
  ])
})

it('rejects with AccessBlockedError once the service principal is disabled, as MSAL-based providers do', async () => {
  const idp = emulator()
  const caeFetch = await warmCaeFetch(idp)
  idp.admin.disableServicePrincipal(DEFAULT_DAEMON_CLIENT_ID)

  const error = await caeFetch(`${idp.apiUrl}/messages`).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(AccessBlockedError)
  expect(error).toMatchObject({ code: 'ERR_CAE_ACCESS_BLOCKED', scopes: [idp.apiScopes.app] })
})
