/**
 * A real Kiota request adapter (what the Microsoft Graph SDK runs on) against the emulator:
 * Kiota's default middleware chain with the cae-kit middleware just before the fetch-calling
 * handler, an `AnonymousAuthenticationProvider`, `baseUrl` at the emulator's API. The fetch Kiota
 * calls is a router: the emulator (through a fetch that trusts its certificate), and any fake
 * host a test adds. Nothing leaves loopback.
 */
import { ConfidentialClientApplication } from '@azure/msal-node'
import type { CaeEvent, CaeOptions } from '@cae-kit/core'
import { type RunningEmulator, startEmulator } from '@cae-kit/emulator'
import { fromMsalNode } from '@cae-kit/msal-node'
import {
  AnonymousAuthenticationProvider,
  type AuthenticationProvider,
  HttpMethod,
  RequestInformation,
} from '@microsoft/kiota-abstractions'
import {
  FetchRequestAdapter,
  KiotaClientFactory,
  MiddlewareFactory,
} from '@microsoft/kiota-http-fetchlibrary'
import {
  JsonParseNodeFactory,
  JsonSerializationWriterFactory,
} from '@microsoft/kiota-serialization-json'
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest'
import { createKiotaMiddleware } from '../src/index'

/** A fake host a test serves itself: `(url, init) => Response`, or `undefined` to go on. */
export type Route = (url: URL, init: RequestInit | undefined) => Response | undefined

/** Starts one emulator for the file, resets it (and the test routes) before each test. */
export function useEmulator() {
  let idp: RunningEmulator | undefined
  let routes: Route[] = []
  beforeAll(async () => {
    idp = await startEmulator({ port: 0 })
  })
  afterAll(async () => {
    await idp?.close()
  })
  beforeEach(() => {
    idp?.admin.reset()
    // Entra's loop detection on in every test: no cae-kit flow may trigger AADSTS50196.
    idp?.admin.detectLoops(true)
    routes = []
  })
  afterEach(() => {
    const loops = idp?.admin.tokenRequests().filter((r) => r.errorCode === 50196) ?? []
    expect(loops, 'token requests refused as a loop (AADSTS50196)').toEqual([])
  })
  const emulator = () => {
    if (idp === undefined) throw new Error('the emulator is not started yet')
    return idp
  }
  const fetch: typeof globalThis.fetch = (input, init) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url)
    for (const route of routes) {
      const response = route(url, init)
      // As fetch sets it: handlers read where a response came from (RedirectHandler compares it
      // with the Location to decide whether to drop the token).
      if (response !== undefined) {
        return Promise.resolve(Object.defineProperty(response, 'url', { value: url.href }))
      }
    }
    if (url.origin !== emulator().url) {
      return Promise.reject(new TypeError(`test fetch: no route to ${url.origin}`))
    }
    return emulator().fetch(input, init)
  }
  return { emulator, fetch, route: (route: Route) => void routes.push(route) }
}

/**
 * A Kiota request adapter over the cae-kit middleware, placed as the README shows; `authentication`
 * replaces the README's `AnonymousAuthenticationProvider` (a test of what another provider does).
 */
export function kiotaAdapter(
  idp: RunningEmulator,
  fetch: typeof globalThis.fetch,
  options: Partial<CaeOptions> = {},
  authentication: AuthenticationProvider = new AnonymousAuthenticationProvider(),
) {
  const events: CaeEvent[] = []
  const app = new ConfidentialClientApplication(idp.msalNodeConfig())
  const middlewares = MiddlewareFactory.getDefaultMiddlewares(fetch)
  middlewares.splice(
    -1,
    0,
    createKiotaMiddleware({
      tokenProvider: fromMsalNode(app, { flow: 'clientCredentials' }),
      resources: [{ url: idp.apiUrl, scopes: [idp.apiScopes.app] }],
      onEvent: (event) => events.push(event),
      ...options,
    }),
  )
  const adapter = new FetchRequestAdapter(
    authentication,
    new JsonParseNodeFactory(),
    new JsonSerializationWriterFactory(),
    KiotaClientFactory.create(fetch, middlewares),
  )
  adapter.baseUrl = idp.apiUrl
  return { adapter, events }
}

/** Sends `method path` (a JSON `body`, if any) through the adapter; resolves the parsed JSON. */
export async function call(
  adapter: FetchRequestAdapter,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<unknown> {
  const info = new RequestInformation(HttpMethod[method], `{+baseurl}${path}`)
  if (body !== undefined) {
    info.setStreamContent(
      new TextEncoder().encode(JSON.stringify(body)).buffer as ArrayBuffer,
      'application/json',
    )
  }
  const bytes = await adapter.sendPrimitive<ArrayBuffer>(info, 'ArrayBuffer', undefined)
  return bytes === undefined ? undefined : JSON.parse(new TextDecoder().decode(bytes))
}

/** What the emulator saw since this call: token and API requests, for per-phase assertions. */
export function traffic(idp: RunningEmulator) {
  const tokens = idp.admin.tokenRequests().length
  const api = idp.admin.apiRequests().length
  return () => ({
    tokenRequests: idp.admin.tokenRequests().slice(tokens),
    apiRequests: idp.admin.apiRequests().slice(api),
  })
}
