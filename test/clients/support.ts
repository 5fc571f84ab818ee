/**
 * Shared set-up for the tests of HTTP clients users plug a cae fetch into (ky, ofetch, a custom
 * token provider): one HTTPS emulator per file, reset before each test, and a cae fetch over it
 * with real msal-node (the daemon client, CP1).
 */
import { ConfidentialClientApplication } from '@azure/msal-node'
import { type CaeEvent, type CaeOptions, createCaeFetch } from '@cae-kit/core'
import { type RunningEmulator, startEmulator } from '@cae-kit/emulator'
import { fromMsalNode } from '@cae-kit/msal-node'
import { afterAll, beforeAll } from 'vitest'
import { resetWithLoopDetection } from '../support/loops'

/**
 * Starts one emulator for the test file, resets it before each test and closes it after the last.
 * Returns a getter: the emulator exists once `beforeAll` ran.
 */
export function useEmulator(): () => RunningEmulator {
  let idp: RunningEmulator | undefined
  beforeAll(async () => {
    idp = await startEmulator({ port: 0 })
  })
  afterAll(async () => {
    await idp?.close()
  })
  resetWithLoopDetection(() => idp?.admin)
  return () => {
    if (idp === undefined) throw new Error('the emulator is not started yet: call it inside a test')
    return idp
  }
}

/** A cae fetch for the emulator's API over real msal-node, and the events it emitted. */
export function daemonCaeFetch(
  idp: RunningEmulator,
  options: Partial<CaeOptions> = {},
): { caeFetch: typeof fetch; events: CaeEvent[] } {
  const events: CaeEvent[] = []
  const app = new ConfidentialClientApplication(idp.msalNodeConfig())
  const caeFetch = createCaeFetch({
    tokenProvider: fromMsalNode(app, { flow: 'clientCredentials' }),
    resources: [{ url: idp.apiUrl, scopes: [idp.apiScopes.app] }],
    fetch: idp.fetch,
    onEvent: (event) => events.push(event),
    ...options,
  })
  return { caeFetch, events }
}

/** What the emulator saw since `from` (token and API request counts), for per-phase assertions. */
export function traffic(idp: RunningEmulator) {
  const tokens = idp.admin.tokenRequests().length
  const api = idp.admin.apiRequests().length
  return () => ({
    tokenRequests: idp.admin.tokenRequests().slice(tokens),
    apiRequests: idp.admin.apiRequests().slice(api),
  })
}
