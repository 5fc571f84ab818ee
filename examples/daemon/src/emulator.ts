/**
 * Where the daemon finds its identity provider and API: the emulator named on the command line,
 * the one `pnpm demo` runs (https://localhost:8443, certificate in `.cae-emulator/`), or a private
 * one it starts itself. Only this file knows about the emulator; `daemon.ts` would run unchanged
 * against a real Entra tenant.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  API_APP_SCOPE,
  DEFAULT_API_PATH,
  DEFAULT_DAEMON_CLIENT_ID,
  DEFAULT_DAEMON_CLIENT_SECRET,
  DEFAULT_TENANT_ID,
  startEmulator,
} from '@cae-kit/emulator'
import { createNetworkClient, createTrustingFetch } from '@cae-kit/emulator/server'
import type { DaemonOptions } from './daemon'
import type { CliOptions } from './options'

/** The demo's emulator origin, probed when no `--emulator` is given. */
export const DEMO_EMULATOR_URL = 'https://localhost:8443'

/** The connection settings of `runDaemon`, plus how to stop a private emulator. */
export interface EmulatorTarget {
  settings: Pick<
    DaemonOptions,
    | 'authority'
    | 'knownAuthorities'
    | 'clientId'
    | 'clientSecret'
    | 'apiUrl'
    | 'scopes'
    | 'fetch'
    | 'networkClient'
  >
  /** Where it came from, for the first log line. */
  description: string
  close(): Promise<void>
}

/** Resolves the emulator to use; see the module comment for the order. */
export async function findEmulator(options: CliOptions): Promise<EmulatorTarget> {
  const caFile = options.caFile ?? join(options.stateDir, 'cert.pem')
  const ca = await readFile(caFile, 'utf8').catch(() => undefined)
  if (options.emulatorUrl) {
    return {
      settings: await settingsFor(options.emulatorUrl, ca),
      description: `emulator ${options.emulatorUrl}`,
      close: async () => {},
    }
  }
  if (ca && (await isEmulator(DEMO_EMULATOR_URL, ca))) {
    return {
      settings: await settingsFor(DEMO_EMULATOR_URL, ca),
      description: `the demo emulator at ${DEMO_EMULATOR_URL}`,
      close: async () => {},
    }
  }
  const idp = await startEmulator({ port: 0 })
  return {
    // Its certificate was just generated: nothing can trust it yet but these clients.
    settings: {
      ...baseSettings(idp.url),
      fetch: idp.fetch,
      networkClient: idp.networkClient,
    },
    description: `a private emulator at ${idp.url} (no demo emulator running)`,
    close: () => idp.close(),
  }
}

/** The built-in daemon client of the emulator at `url`. */
function baseSettings(url: string): EmulatorTarget['settings'] {
  return {
    authority: `${url}/${DEFAULT_TENANT_ID}`,
    knownAuthorities: [new URL(url).host],
    clientId: DEFAULT_DAEMON_CLIENT_ID,
    clientSecret: DEFAULT_DAEMON_CLIENT_SECRET,
    apiUrl: `${url}${DEFAULT_API_PATH}`,
    scopes: [API_APP_SCOPE],
  }
}

/**
 * {@link baseSettings}, plus HTTP clients that trust `ca` for MSAL and the API calls when Node does
 * not trust the emulator's certificate already (NODE_EXTRA_CA_CERTS, read only at start-up). A
 * real tenant needs neither.
 */
async function settingsFor(
  url: string,
  ca: string | undefined,
): Promise<EmulatorTarget['settings']> {
  const base = baseSettings(url)
  if (ca === undefined || (await isTrusted(url))) return base
  return { ...base, fetch: createTrustingFetch(ca), networkClient: createNetworkClient(ca) }
}

/** Whether Node's own fetch reaches `url` over TLS, i.e. its certificate is trusted already. */
async function isTrusted(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1000) })
    return true
  } catch {
    return false
  }
}

/** Whether a cae-kit emulator answers at `url` (its root names itself), within a second. */
async function isEmulator(url: string, ca: string): Promise<boolean> {
  try {
    const response = await createTrustingFetch(ca)(url, { signal: AbortSignal.timeout(1000) })
    const body = (await response.json()) as { name?: unknown }
    return body.name === 'cae-emulator'
  } catch {
    return false
  }
}
