// @vitest-environment node
/**
 * The per-request opt-out through Kiota: a request that carries the caller's own `Authorization`
 * goes on untouched and is reported as an `opt-out` event; what Kiota sends when it has no
 * credential (no header at all, from a bearer provider whose token is empty) or an empty
 * `Bearer ` is no opt-out: the middleware authenticates it.
 */
import { ConfidentialClientApplication } from '@azure/msal-node'
import {
  DEFAULT_MIDDLE_TIER_CLIENT_ID,
  DEFAULT_MIDDLE_TIER_CLIENT_SECRET,
  type RunningEmulator,
} from '@cae-kit/emulator'
import {
  BaseBearerTokenAuthenticationProvider,
  HttpMethod,
  RequestInformation,
} from '@microsoft/kiota-abstractions'
import type { FetchRequestAdapter } from '@microsoft/kiota-http-fetchlibrary'
import { expect, it } from 'vitest'
import { kiotaAdapter, traffic, useEmulator } from './support'

const { emulator, fetch } = useEmulator()

/** An app-only token of another client (the middle tier), as the caller's own credential. */
async function callersOwnToken(idp: RunningEmulator): Promise<string> {
  const app = new ConfidentialClientApplication(
    idp.msalNodeConfig({
      clientId: DEFAULT_MIDDLE_TIER_CLIENT_ID,
      clientSecret: DEFAULT_MIDDLE_TIER_CLIENT_SECRET,
    }),
  )
  const result = await app.acquireTokenByClientCredential({ scopes: [idp.apiScopes.app] })
  if (!result) throw new Error('no token for the caller')
  return result.accessToken
}

/** `GET /messages` with `authorization` set on Kiota's request (when given); resolves the status. */
async function getMessages(adapter: FetchRequestAdapter, authorization?: string) {
  const info = new RequestInformation(HttpMethod.GET, '{+baseurl}/messages')
  if (authorization !== undefined) info.headers.add('Authorization', authorization)
  await adapter.sendPrimitive<ArrayBuffer>(info, 'ArrayBuffer', undefined)
}

it("leaves the caller's own Authorization alone and reports it as an opt-out event", async () => {
  const idp = emulator()
  const own = await callersOwnToken(idp)
  const { adapter, events } = kiotaAdapter(idp, fetch)
  const seen = traffic(idp)

  await getMessages(adapter, `Bearer ${own}`)

  // The API saw the caller's token (the middle tier's), and cae-kit asked for none.
  expect(seen().apiRequests).toEqual([
    expect.objectContaining({ status: 200, clientId: DEFAULT_MIDDLE_TIER_CLIENT_ID }),
  ])
  expect(seen().tokenRequests).toEqual([])
  expect(events.map((e) => e.type)).toEqual(['opt-out'])
})

it("does not take Kiota's empty credential (a bearer provider with no token) for an opt-out", async () => {
  const idp = emulator()
  // What AzureIdentityAuthenticationProvider does for a host outside `allowedHosts`: token ''.
  const noToken = new BaseBearerTokenAuthenticationProvider({
    getAuthorizationToken: async () => '',
    getAllowedHostsValidator: () => {
      throw new Error('not used')
    },
  })
  const { adapter, events } = kiotaAdapter(idp, fetch, {}, noToken)
  const seen = traffic(idp)

  await getMessages(adapter)

  expect(seen().tokenRequests).toEqual([
    expect.objectContaining({ grantType: 'client_credentials', ok: true }),
  ])
  expect(seen().apiRequests).toEqual([expect.objectContaining({ status: 200 })])
  expect(events.map((e) => e.type)).not.toContain('opt-out')
})

it('does not take an empty "Bearer " header for an opt-out', async () => {
  const idp = emulator()
  const { adapter, events } = kiotaAdapter(idp, fetch)
  const seen = traffic(idp)

  await getMessages(adapter, 'Bearer ')

  expect(seen().tokenRequests).toHaveLength(1)
  expect(seen().apiRequests).toEqual([expect.objectContaining({ status: 200 })])
  expect(events.map((e) => e.type)).toEqual(['token'])
})
