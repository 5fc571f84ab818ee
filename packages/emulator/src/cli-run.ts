/** The `cae-emulator` command: argument parsing and the start-up banner (the bin is cli.ts). */
import { resolve } from 'node:path'
import { loadOrCreateCertificate } from './cert'
import { DEFAULT_MIDDLE_TIER_SCOPE, DEFAULT_SPA_CLIENT_ID } from './defaults'
import { isSeed } from './random'
import { type RunningEmulator, startEmulator } from './server'
import type { ResourceDialect } from './types'

/** Where the CLI writes its output. */
export type CliIo = { log(line: string): void; error(line: string): void }

export type CliOptions = {
  port: number
  certDir: string
  help: boolean
  /** Browser origins allowed to call `/admin/*` (and read it through CORS), e.g. your SPA's. */
  adminOrigins?: string[]
  resource?: ResourceDialect
  seed?: number
}

const USAGE = `Usage: cae-emulator [--port N] [--cert-dir DIR] [--admin-origin ORIGIN]... [--resource R] [--seed N]

  --port N               HTTPS port on localhost (0 = a free port)      default 8443
  --cert-dir DIR         where cert.pem/key.pem are read or created      default ./.cae-emulator
  --admin-origin ORIGIN  a page origin that may call /admin/* (repeat for more), e.g.
                         http://localhost:3000; non-browser clients always may
  --resource R           the API's challenge dialect: graph, arm or keyvault   default graph
  --seed N               seed of token lifetimes and random variants     default 1
  --help                 show this help`

/** Parses the arguments; throws a TypeError (code ERR_EMULATOR_INVALID_ARGUMENT) on bad input. */
export function parseCliArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = { port: 8443, certDir: '.cae-emulator', help: false }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    const [name, inline] = arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined]
    const value = () => {
      const next = inline ?? argv[++i]
      if (next === undefined) throw usageError(`${name} needs a value`)
      return next
    }
    if (name === '--help' || name === '-h') options.help = true
    else if (name === '--port') {
      const port = Number(value())
      if (!Number.isInteger(port) || port < 0 || port > 65_535)
        throw usageError('--port must be 0 to 65535')
      options.port = port
    } else if (name === '--cert-dir') options.certDir = value()
    else if (name === '--resource') {
      const resource = value()
      if (resource !== 'graph' && resource !== 'arm' && resource !== 'keyvault') {
        throw usageError('--resource must be graph, arm or keyvault')
      }
      options.resource = resource
    } else if (name === '--seed') {
      const seed = Number(value())
      if (!isSeed(seed)) throw usageError('--seed must be an integer from 0 to 4294967295')
      options.seed = seed
    } else if (name === '--admin-origin') {
      const origin = value()
      if (!URL.canParse(origin) || new URL(origin).origin !== origin)
        throw usageError('--admin-origin must be an origin, e.g. http://localhost:3000')
      options.adminOrigins = [...(options.adminOrigins ?? []), origin]
    } else throw usageError(`unknown option ${arg}`)
  }
  return options
}

function usageError(message: string): TypeError {
  return Object.assign(new TypeError(message), { code: 'ERR_EMULATOR_INVALID_ARGUMENT' })
}

function banner(idp: RunningEmulator, certPath: string, created: boolean): string[] {
  const clients = idp.clients.map((c) => {
    const kind =
      c.clientSecret !== undefined
        ? `secret: ${c.clientSecret}`
        : c.certificates.length > 0
          ? 'certificate'
          : 'public (PKCE)'
    const note =
      c.clientId === DEFAULT_SPA_CLIENT_ID ? ', any http://localhost:<port>/... redirect URI' : ''
    return `  ${c.displayName.padEnd(26)} ${c.clientId}  ${kind}${note}`
  })
  const users = idp.users.map((u) => `  ${u.username.padEnd(26)} password: ${u.password}`)
  return [
    `CAE emulator listening on ${idp.url}`,
    '',
    `  authority         ${idp.authority}`,
    `  knownAuthorities  ["${idp.knownAuthority}"]`,
    `  tenant id         ${idp.tenantId}`,
    `  API               ${idp.apiUrl}  (GET /me, GET /messages, POST /messages)`,
    `  resource dialect  ${idp.emulator.resource} (seed ${idp.emulator.seed})`,
    `  API scopes        delegated: ${idp.apiScopes.delegated.join(' ')}`,
    `                    app: ${idp.apiScopes.app}`,
    `  middle tier scope ${DEFAULT_MIDDLE_TIER_SCOPE}`,
    `  admin             POST ${idp.url}/admin/<operation>  e.g. /admin/revoke-sessions {"username":"..."}`,
    '                    (JSON body; from this process, curl, or pages of --admin-origin origins)',
    '',
    'Users',
    ...users,
    `  MFA code: ${idp.mfaCode}`,
    '',
    'Clients',
    ...clients,
    '',
    `TLS certificate ${created ? 'created' : 'reused'}: ${certPath}`,
    `  Node:       NODE_EXTRA_CA_CERTS=${certPath} node your-app.js`,
    `  Chromium:   --ignore-certificate-errors-spki-list=${idp.caCertSpkiSha256}`,
    '  Playwright: browser.newContext({ ignoreHTTPSErrors: true })',
    '',
    'Press Ctrl+C to stop.',
  ]
}

/**
 * Runs the command: starts the emulator and prints URLs, users, clients and how to trust the
 * certificate. Returns the running emulator (undefined for --help); the caller stops it.
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
): Promise<RunningEmulator | undefined> {
  const options = parseCliArgs(argv)
  if (options.help) {
    io.log(USAGE)
    return undefined
  }
  const certDir = resolve(options.certDir)
  const certificate = await loadOrCreateCertificate(certDir)
  const idp = await startEmulator({
    port: options.port,
    ...(options.adminOrigins && { corsOrigins: options.adminOrigins }),
    tls: { cert: certificate.cert, key: certificate.key },
    ...(options.resource === undefined ? {} : { resource: options.resource }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  })
  for (const line of banner(idp, certificate.certPath, certificate.created)) io.log(line)
  return idp
}
