/**
 * A fleet in one test process: each "process" has its own node-redis client, coordinator, real
 * MSAL confidential client and cae-kit fetch, against the emulator over HTTPS.
 */
import { randomUUID } from 'node:crypto'
import { ConfidentialClientApplication } from '@azure/msal-node'
import { type CaeEvent, createCaeFetch, type TokenProvider } from '@cae-kit/core'
import {
  DEFAULT_DAEMON_CLIENT_ID,
  DEFAULT_DAEMON_CLIENT_SECRET,
  type RunningEmulator,
} from '@cae-kit/emulator'
import { fromMsalNode } from '@cae-kit/msal-node'
import { createClient as createClient5 } from 'redis'
import { createClient as createClient6 } from 'redis6'

// The emulator for a test file, as msal-node's integration tests start it.
export { useEmulator } from '../../msal-node/test/helpers'

import { createRedisCoordinator, type RedisClientLike, type RedisCoordinatorOptions } from '../src'

export const DAEMON = {
  clientId: DEFAULT_DAEMON_CLIENT_ID,
  clientSecret: DEFAULT_DAEMON_CLIENT_SECRET,
}

/** A connected client of one node-redis major, and how to end it. */
export interface TestClient {
  client: RedisClientLike
  close(): Promise<void>
}

/** The node-redis majors the package supports, oldest and newest: every suite runs on both. */
export const CLIENTS = [
  ['redis 5.0.0', (url: string) => connect(createClient5({ url }))],
  ['redis 6', (url: string) => connect(createClient6({ url }))],
] as const

async function connect(client: {
  connect(): Promise<unknown>
  on(event: 'error', listener: (error: unknown) => void): unknown
  destroy(): void
}): Promise<TestClient> {
  // A client without an error listener would crash the test process when the server goes away.
  client.on('error', () => {})
  await client.connect()
  return {
    client: client as unknown as RedisClientLike,
    async close() {
      client.destroy()
    },
  }
}

/** One daemon process of the fleet. */
export interface Member {
  caeFetch: typeof fetch
  tokenProvider: TokenProvider
  events: CaeEvent[]
  client: RedisClientLike
}

/**
 * `size` daemons sharing `url`'s Redis under one namespace; closes their coordinators and clients
 * with `close()`.
 */
export async function startFleet(
  idp: RunningEmulator,
  size: number,
  open: (url: string) => Promise<TestClient>,
  url: string,
  options: Partial<RedisCoordinatorOptions> = {},
  provider: (app: ConfidentialClientApplication) => TokenProvider = (app) =>
    fromMsalNode(app, { flow: 'clientCredentials' }),
) {
  // A namespace per fleet: tests sharing one server never see each other's entries.
  const namespace = options.namespace ?? `fleet-${randomUUID()}`
  const members: Member[] = []
  const closers: (() => Promise<void>)[] = []
  for (let index = 0; index < size; index++) {
    const { client, close } = await open(url)
    const coordinator = createRedisCoordinator(client, { ...options, namespace })
    closers.push(() => coordinator.close(), close)
    const app = new ConfidentialClientApplication(
      idp.msalNodeConfig({ ...DAEMON, clientCapabilities: ['CP1'] }),
    )
    const tokenProvider = provider(app)
    const events: CaeEvent[] = []
    const caeFetch = createCaeFetch({
      tokenProvider,
      resources: [{ url: idp.apiUrl, scopes: [idp.apiScopes.app] }],
      fetch: idp.fetch,
      coordinator,
      onEvent: (event) => events.push(event),
    })
    members.push({ caeFetch, tokenProvider, events, client })
  }
  return {
    members,
    namespace,
    async close() {
      for (const close of closers) await close()
    },
  }
}
