/**
 * One daemon process of the fleet: msal-node client credentials (CP1), `fromMsalNode`,
 * `createCaeFetch`, and, given a Redis, the fleet coordinator of `@cae-kit/redis`. It waits for
 * its parent's orders (a storm of N concurrent `GET /messages`) and reports each call's outcome.
 * Started by `startFleet` with `child_process.fork`; nothing here is specific to the demo or the
 * emulator: MSAL and the API calls use Node's own fetch, which trusts the emulator's certificate
 * through `NODE_EXTRA_CA_CERTS` (set by `startFleet`).
 */
import { ConfidentialClientApplication } from '@azure/msal-node'
import { createCaeFetch, isCaeError, type TokenProvider } from '@cae-kit/core'
import { fromMsalNode } from '@cae-kit/msal-node'
import { createRedisCoordinator, type RedisFallbackListener } from '@cae-kit/redis'
import { createClient } from 'redis'
import type {
  AcquisitionReport,
  FromWorker,
  RequestResult,
  ToWorker,
  WorkerConfig,
} from './protocol'

const send = (message: FromWorker) => process.send?.(message)

/** The Redis coordinator and what closes it; the client is ours, so we close it too. */
async function connectCoordinator(config: WorkerConfig, onFallback: RedisFallbackListener) {
  if (!config.redisUrl) return undefined
  const client = createClient({ url: config.redisUrl })
  // node-redis reports connection trouble as 'error' events; the coordinator falls back by itself.
  client.on('error', () => {})
  await client.connect()
  const coordinator = createRedisCoordinator(client, {
    namespace: config.namespace,
    // Every process of the fleet has the same key (a secret of the deployment, like the client
    // secret): tokens at rest in Redis are encrypted with it.
    encryptionKey: config.encryptionKey,
    ...(config.lockTtlMs !== undefined && { lockTtlMs: config.lockTtlMs }),
    ...(config.waitTimeoutMs !== undefined && { waitTimeoutMs: config.waitTimeoutMs }),
    // Each acquisition made without Redis costs the fleet one more token request: worth a metric.
    onFallback,
  })
  return {
    coordinator,
    close: async () => {
      await coordinator.close()
      client.destroy()
    },
  }
}

/** The error's cae-kit code, or its name and its (or its cause's) code: `TypeError (ECONNRESET)`. */
function codeOf(error: unknown): string {
  if (isCaeError(error)) return error.code
  if (!(error instanceof Error)) return typeof error
  const code =
    (error as { code?: unknown }).code ?? (error.cause as { code?: unknown } | undefined)?.code
  return typeof code === 'string' ? `${error.name} (${code})` : error.name
}

/** The error's message and its causes' messages (`a <- b`); cae-kit messages carry no token. */
function messageOf(error: unknown): string {
  const parts: string[] = []
  let current: unknown = error
  for (let depth = 0; depth < 4 && current; depth++) {
    parts.push(current instanceof Error ? current.message : String(current))
    current = (current as { cause?: unknown }).cause
  }
  return parts.join(' <- ')
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env.CAE_FLEET_WORKER ?? '') as WorkerConfig
  const app = new ConfidentialClientApplication({
    auth: {
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      authority: config.authority,
      knownAuthorities: [new URL(config.authority).host],
      clientCapabilities: ['CP1'],
    },
  })
  const msal = fromMsalNode(app, { flow: 'clientCredentials' })
  // What this process's own acquisitions did since the last storm began (reported with it).
  let acquisitions: AcquisitionReport = { provider: 0, fallbacks: [] }
  // Tells the parent when this process itself asks Entra (the tests kill the lock holder then).
  const tokenProvider: TokenProvider = {
    getToken(request) {
      acquisitions.provider++
      send({ type: 'acquiring' })
      return msal.getToken(request)
    },
  }
  const coordination = await connectCoordinator(config, ({ reason }) => {
    acquisitions.fallbacks.push(reason)
  })
  const caeFetch = createCaeFetch({
    tokenProvider,
    resources: [{ url: config.apiUrl, scopes: config.scopes }],
    ...(coordination && { coordinator: coordination.coordinator }),
  })

  const call = async (): Promise<RequestResult> => {
    const started = performance.now()
    try {
      const response = await caeFetch(`${config.apiUrl}/messages`)
      await response.arrayBuffer()
      return { ok: response.ok, status: response.status, ms: performance.now() - started }
    } catch (error) {
      return {
        ok: false,
        code: codeOf(error),
        message: messageOf(error),
        ms: performance.now() - started,
      }
    }
  }

  process.on('message', async (message: ToWorker) => {
    if (message.type === 'close') {
      await coordination?.close().catch(() => {})
      process.disconnect()
      return
    }
    acquisitions = { provider: 0, fallbacks: [] }
    const results = await Promise.all(Array.from({ length: message.requests }, call))
    send({ type: 'storm', id: message.id, results, acquisitions })
  })
  send({ type: 'ready' })
}

main().catch((error: unknown) => {
  console.error(`fleet daemon: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
