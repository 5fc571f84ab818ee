/**
 * The daemon itself, the part worth copying: a confidential client that declares `CP1`, a
 * client-credentials token provider, and `createCaeFetch` so a claims challenge from the API is
 * answered with a new token and the request replayed, without any code at the call site.
 */
import type { INetworkModule } from '@azure/msal-node'
import { ConfidentialClientApplication } from '@azure/msal-node'
import type { CaeErrorCode } from '@cae-kit/core'
import { createCaeFetch, isCaeError } from '@cae-kit/core'
import { fromMsalNode } from '@cae-kit/msal-node'
import { describeCaeEvent } from './events'

export interface DaemonOptions {
  /** `https://<host>/<tenant>`. */
  authority: string
  /** `host:port` of a non-Microsoft authority (the emulator). */
  knownAuthorities: string[]
  clientId: string
  clientSecret: string
  /** Base URL of the API; the daemon polls `GET <apiUrl>/messages`. */
  apiUrl: string
  /** `<api>/.default`: the application permissions granted to the daemon. */
  scopes: string[]
  /** Pause between two calls, in milliseconds. */
  intervalMs: number
  /** 0 runs until `signal` aborts. */
  maxIterations: number
  signal?: AbortSignal
  log(line: string): void
  /** HTTP client of the API calls. @default globalThis.fetch */
  fetch?: typeof fetch
  /** MSAL's HTTP client. @default MSAL's own (global fetch) */
  networkClient?: INetworkModule
}

/** Why the daemon stopped; the process exit code follows it. */
export type DaemonOutcome =
  | { status: 'done'; iterations: number }
  | { status: 'blocked'; code: CaeErrorCode; message: string }

/**
 * Polls the API until `maxIterations` calls were made or `signal` aborts, logging each call.
 * Transient failures are logged and polling continues; access blocked (a disabled service
 * principal) stops the loop: retrying could only hammer the identity provider.
 */
export async function runDaemon(options: DaemonOptions): Promise<DaemonOutcome> {
  const { log } = options
  const app = new ConfidentialClientApplication({
    auth: {
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      authority: options.authority,
      knownAuthorities: options.knownAuthorities,
      // "This app handles claims challenges": the API may now revoke its token at any time.
      clientCapabilities: ['CP1'],
    },
    ...(options.networkClient && { system: { networkClient: options.networkClient } }),
  })
  const caeFetch = createCaeFetch({
    tokenProvider: fromMsalNode(app, { flow: 'clientCredentials' }),
    resources: [{ url: options.apiUrl, scopes: options.scopes }],
    ...(options.fetch && { fetch: options.fetch }),
    onEvent: (event) => {
      for (const line of describeCaeEvent(event)) log(line)
    },
  })

  let iteration = 0
  while (
    !options.signal?.aborted &&
    (options.maxIterations === 0 || iteration < options.maxIterations)
  ) {
    iteration++
    try {
      const response = await caeFetch(`${options.apiUrl}/messages`, {
        signal: options.signal ?? null,
      })
      log(`#${iteration} GET /messages -> ${response.status}${await summary(response)}`)
    } catch (error) {
      if (options.signal?.aborted) break
      const blocked = blockedError(error)
      if (blocked) {
        log(`#${iteration} GET /messages -> ${blocked.code}`)
        return { status: 'blocked', code: blocked.code, message: blocked.message }
      }
      log(`#${iteration} GET /messages failed: ${describe(error)} (will retry)`)
    }
    if (options.maxIterations !== 0 && iteration >= options.maxIterations) break
    await sleep(options.intervalMs, options.signal)
  }
  return { status: 'done', iterations: iteration }
}

async function summary(response: Response): Promise<string> {
  if (!response.ok) return ` ${response.headers.get('www-authenticate') ?? ''}`.trimEnd()
  const body: unknown = await response.json().catch(() => undefined)
  const list = Array.isArray(body) ? body : (body as { value?: unknown } | undefined)?.value
  return Array.isArray(list) ? ` (${list.length} message${list.length === 1 ? '' : 's'})` : ''
}

/** Access blocked outright (disabled service principal, blocked by policy): no retry can help. */
function blockedError(error: unknown): { code: CaeErrorCode; message: string } | undefined {
  let current: unknown = error
  for (let depth = 0; depth < 5 && current; depth++) {
    if (isCaeError(current) && current.code === 'ERR_CAE_ACCESS_BLOCKED') return current
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

/** The error and its causes, one after the other: `ERR_...: message <- cause <- cause`. */
function describe(error: unknown): string {
  const parts: string[] = []
  let current: unknown = error
  for (let depth = 0; depth < 4 && current; depth++) {
    if (isCaeError(current)) parts.push(`${current.code}: ${current.message}`)
    else if (current instanceof Error) parts.push(current.message)
    else parts.push(String(current))
    current = (current as { cause?: unknown }).cause
  }
  return parts.join(' <- ')
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}
