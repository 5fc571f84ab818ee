/**
 * The real graph-client against the emulator: its default handlers (retry, redirect, telemetry,
 * the fetch-calling `HTTPMessageHandler`) behind the cae-kit middleware, `customHosts` and
 * `baseUrl` at the emulator's API. `HTTPMessageHandler` calls the global fetch, which each test
 * file replaces with a router: the emulator (through a fetch that trusts its certificate), and
 * any fake host a test adds. Nothing leaves loopback.
 */
import { ConfidentialClientApplication } from '@azure/msal-node'
import type { CaeEvent, CaeOptions } from '@cae-kit/core'
import { type RunningEmulator, startEmulator } from '@cae-kit/emulator'
import { fromMsalNode } from '@cae-kit/msal-node'
import {
  Client,
  HTTPMessageHandler,
  RedirectHandler,
  RedirectHandlerOptions,
  RetryHandler,
  RetryHandlerOptions,
  TelemetryHandler,
} from '@microsoft/microsoft-graph-client'
import { afterAll, afterEach, beforeAll, beforeEach, expect, vi } from 'vitest'
import { createGraphClientMiddleware } from '../src/index'

/** A fake host a test serves itself: `(url, init) => Response`, or `undefined` to go on. */
export type Route = (url: URL, init: RequestInit | undefined) => Response | undefined

/**
 * Starts one emulator for the file, resets it before each test, closes it after the last, and
 * routes the global fetch to it (plus `routes` a test adds with the returned `route`).
 */
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
    const emulator = idp as RunningEmulator
    vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url)
      for (const route of routes) {
        const response = route(url, init)
        // As fetch sets it: handlers read where a response came from (RedirectHandler compares it
        // with the Location to decide whether to drop the token).
        if (response !== undefined) {
          return Promise.resolve(Object.defineProperty(response, 'url', { value: url.href }))
        }
      }
      if (url.origin !== emulator.url) {
        return Promise.reject(new TypeError(`test fetch: no route to ${url.origin}`))
      }
      return emulator.fetch(input, init)
    })
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    const loops = idp?.admin.tokenRequests().filter((r) => r.errorCode === 50196) ?? []
    expect(loops, 'token requests refused as a loop (AADSTS50196)').toEqual([])
  })
  return {
    emulator: () => {
      if (idp === undefined) throw new Error('the emulator is not started yet')
      return idp
    },
    route: (route: Route) => void routes.push(route),
  }
}

/** A graph-client Client over the cae-kit middleware and the default handlers. */
export function graphClient(idp: RunningEmulator, options: Partial<CaeOptions> = {}) {
  const events: CaeEvent[] = []
  const app = new ConfidentialClientApplication(idp.msalNodeConfig())
  const middleware = createGraphClientMiddleware({
    tokenProvider: fromMsalNode(app, { flow: 'clientCredentials' }),
    resources: [{ url: idp.apiUrl, scopes: [idp.apiScopes.app] }],
    onEvent: (event) => events.push(event),
    ...options,
  })
  const client = Client.initWithMiddleware({
    baseUrl: idp.url,
    defaultVersion: 'api', // https://localhost:<port>/api/<path>
    customHosts: new Set([new URL(idp.url).hostname]),
    middleware: [
      middleware,
      new RetryHandler(new RetryHandlerOptions(0)), // Retry-After of the test's 429s: no waiting
      new RedirectHandler(new RedirectHandlerOptions()),
      new TelemetryHandler(),
      new HTTPMessageHandler(),
    ],
  })
  return { client, events }
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
