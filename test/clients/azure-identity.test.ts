// @vitest-environment node
/**
 * The same Entra event gives the same cae-kit outcome whichever token provider asked: a real
 * `@azure/identity` `ClientSecretCredential` through `fromTokenCredential`, and real msal-node
 * through `fromMsalNode`, both against the HTTPS emulator.
 *
 * Failed on main before the Entra table moved to core (commit a3aa53b): `fromTokenCredential`
 * rejected with ERR_CAE_TOKEN_ACQUISITION_FAILED for every row below.
 */
import { ClientSecretCredential } from '@azure/identity'
import { ConfidentialClientApplication } from '@azure/msal-node'
import {
  AccessBlockedError,
  type CaeEvent,
  createCaeFetch,
  fromTokenCredential,
  isCaeError,
  type TokenProvider,
} from '@cae-kit/core'
import {
  DEFAULT_DAEMON_CLIENT_ID,
  DEFAULT_DAEMON_CLIENT_SECRET,
  type RunningEmulator,
} from '@cae-kit/emulator'
import { fromMsalNode } from '@cae-kit/msal-node'
import { describe, expect, it } from 'vitest'
import { useEmulator } from './support'

// @azure/identity 4.13.1 is the newest release whose `engines` allows Node 20 (4.13.2 needs 22).

const emulator = useEmulator()

type ProviderName = 'fromTokenCredential' | 'fromMsalNode'

function provider(idp: RunningEmulator, name: ProviderName): TokenProvider {
  if (name === 'fromMsalNode') {
    const app = new ConfidentialClientApplication(idp.msalNodeConfig())
    return fromMsalNode(app, { flow: 'clientCredentials' })
  }
  const credential = new ClientSecretCredential(
    idp.tenantId,
    DEFAULT_DAEMON_CLIENT_ID,
    DEFAULT_DAEMON_CLIENT_SECRET,
    idp.azureIdentityOptions(),
  )
  return fromTokenCredential(credential)
}

function caeFetchFor(idp: RunningEmulator, name: ProviderName) {
  const events: CaeEvent[] = []
  const caeFetch = createCaeFetch({
    tokenProvider: provider(idp, name),
    resources: [{ url: idp.apiUrl, scopes: [idp.apiScopes.app] }],
    fetch: idp.fetch,
    onEvent: (event) => events.push(event),
  })
  return { caeFetch, events }
}

const rejectionOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  )

/** Admin operations on the daemon's service principal, each an event no sign-in can answer. */
const blockingEvents = [
  ['a disabled service principal (AADSTS7000112)', 'disableServicePrincipal'],
  ['a deleted service principal (AADSTS700016)', 'deleteServicePrincipal'],
  ['a high-risk service principal (AADSTS53003)', 'raiseServicePrincipalRisk'],
] as const

describe.each<ProviderName>(['fromTokenCredential', 'fromMsalNode'])('%s', (name) => {
  it.each(blockingEvents)(
    'rejects the challenged request with AccessBlockedError for %s',
    async (_, operation) => {
      const idp = emulator()
      const { caeFetch, events } = caeFetchFor(idp, name)
      expect((await caeFetch(`${idp.apiUrl}/messages`)).status).toBe(200)
      idp.admin[operation](DEFAULT_DAEMON_CLIENT_ID)

      const error = await rejectionOf(caeFetch(`${idp.apiUrl}/messages`))
      expect(error).toBeInstanceOf(AccessBlockedError)
      expect(isCaeError(error) && error.code).toBe('ERR_CAE_ACCESS_BLOCKED')
      expect(error).toMatchObject({ scopes: [idp.apiScopes.app] })
      expect(events.filter((event) => event.type === 'error')).toEqual([
        expect.objectContaining({ error }),
      ])
    },
  )

  it('rejects the first request with AccessBlockedError when the service principal is disabled before any token', async () => {
    const idp = emulator()
    idp.admin.disableServicePrincipal(DEFAULT_DAEMON_CLIENT_ID)
    const { caeFetch } = caeFetchFor(idp, name)

    const error = await rejectionOf(caeFetch(`${idp.apiUrl}/messages`))
    expect(error).toBeInstanceOf(AccessBlockedError)
    expect(idp.admin.apiRequests()).toHaveLength(0)
  })
})
