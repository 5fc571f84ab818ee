/**
 * startEmulator(): the emulator behind a real HTTPS server on localhost (Node only).
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import {
  generateCertificate,
  loadOrCreateCertificate,
  spkiSha256,
  type TlsCertificate,
} from './cert'
import { createEmulator } from './emulator'
import { type AzureIdentityEmulatorOptions, azureIdentityOptions } from './identity-options'
import {
  type MsalNodeClientOptions,
  type MsalNodeEmulatorConfig,
  msalNodeConfig,
} from './msal-config'
import { createNetworkClient, createTrustingFetch, type NetworkModule } from './trusting-client'
import type {
  ApiScopes,
  ClientInfo,
  Emulator,
  EmulatorAdmin,
  EmulatorOptions,
  EmulatorUrls,
  UserInfo,
} from './types'

/** Options of {@link startEmulator}: the emulator options plus where and how to listen. */
export type StartEmulatorOptions = EmulatorOptions & {
  /** Port on localhost; 0 picks a free one. @default 0 */
  port?: number
  /** Certificate and key to serve. @default generated at start (or read from `certDir`) */
  tls?: TlsCertificate
  /** Directory to read `cert.pem`/`key.pem` from, or write them to, so trust survives restarts. @default undefined (in memory) */
  certDir?: string
}

/** A running emulator. */
export type RunningEmulator = EmulatorUrls & {
  port: number
  tenantId: string
  apiScopes: ApiScopes
  /** PEM of the server certificate; trust it as a CA (`ca`, NODE_EXTRA_CA_CERTS). */
  caCertPem: string
  /** base64 SHA-256 of the certificate's public key, for Chromium `--ignore-certificate-errors-spki-list`. */
  caCertSpkiSha256: string
  /** Users (current passwords), clients, MFA code. */
  readonly users: UserInfo[]
  readonly clients: ClientInfo[]
  mfaCode: string
  admin: EmulatorAdmin
  emulator: Emulator
  /** A fetch that trusts the certificate (for API calls from this process). */
  fetch: typeof fetch
  /** An msal-node `system.networkClient` that trusts the certificate. */
  networkClient: NetworkModule
  /**
   * The msal-node configuration for a client of this emulator: `auth` (client id, its registered
   * secret, `authority`, `knownAuthorities`, `clientCapabilities: ['CP1']`) and
   * `system.networkClient`. Defaults to the daemon client.
   * @example `new ConfidentialClientApplication(idp.msalNodeConfig())`
   */
  msalNodeConfig(client?: MsalNodeClientOptions): MsalNodeEmulatorConfig
  /**
   * The options an `@azure/identity` `ClientSecretCredential` or `ClientCertificateCredential`
   * needs for this emulator: `authorityHost`, `disableInstanceDiscovery: true` and an `agent` that
   * trusts the certificate. A new agent per call.
   * @example
   * ```ts
   * const credential = new ClientSecretCredential(idp.tenantId, DEFAULT_DAEMON_CLIENT_ID, DEFAULT_DAEMON_CLIENT_SECRET, idp.azureIdentityOptions())
   * ```
   */
  azureIdentityOptions(): AzureIdentityEmulatorOptions
  /** Stops listening and drops open (keep-alive) connections. */
  close(): Promise<void>
}

/** The loopback names the certificate covers (SAN localhost, 127.0.0.1, ::1). */
const SERVED_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]'])

/**
 * Tells whether a `Host` header names this server: a loopback name it serves, on its port. Any
 * other host (a DNS-rebinding name pointing at 127.0.0.1, a typo) would become the issuer.
 */
export function isServedHost(host: string, port: number): boolean {
  try {
    const url = new URL(`https://${host}`)
    return (
      url.host === host.toLowerCase() &&
      SERVED_HOSTNAMES.has(url.hostname) &&
      url.port === String(port)
    )
  } catch {
    return false
  }
}

async function toRequest(req: IncomingMessage, fallbackHost: string): Promise<Request> {
  // The Host header names the origin: issuer and endpoints follow what the client used.
  const url = new URL(req.url ?? '/', `https://${req.headers.host ?? fallbackHost}`)
  const headers = new Headers()
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] as string
    if (!name.startsWith(':')) headers.append(name, req.rawHeaders[i + 1] as string)
  }
  const method = req.method ?? 'GET'
  if (method === 'GET' || method === 'HEAD') return new Request(url, { method, headers })
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return new Request(url, { method, headers, body: Buffer.concat(chunks) })
}

async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {}
  response.headers.forEach((value, key) => {
    if (key !== 'set-cookie') headers[key] = value
  })
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) headers['set-cookie'] = cookies
  res.writeHead(response.status, headers)
  res.end(Buffer.from(await response.arrayBuffer()))
}

/** How long the emulator keeps an idle keep-alive socket open: longer than any client does. */
const IDLE_SOCKET_MS = 65_000

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error)
    server.once('error', onError)
    // A storm of 1,000 concurrent TLS connections overflows Node's default accept queue (511).
    server.listen({ port, host, backlog: 4096 }, () => {
      server.off('error', onError)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve()
    server.close(() => resolve())
    // Keep-alive sockets (MSAL, browsers) would keep close() pending forever.
    server.closeAllConnections()
  })
}

/** Binds 127.0.0.1 and ::1 on one port ("localhost" may resolve to either). */
async function bindLoopback(
  make: () => Server,
  port: number,
): Promise<{ servers: Server[]; port: number }> {
  for (let attempt = 0; ; attempt++) {
    const v4 = make()
    const actual = await listen(v4, port, '127.0.0.1')
    const v6 = make()
    try {
      await listen(v6, actual, '::1')
      return { servers: [v4, v6], port: actual }
    } catch (error) {
      const code = (error as { code?: string }).code
      // No IPv6 loopback on this machine: IPv4 alone is fine.
      if (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT')
        return { servers: [v4], port: actual }
      await closeServer(v4)
      // A free IPv4 port taken on ::1 by someone else: with port 0, pick another one.
      if (port !== 0 || attempt >= 5) throw error
    }
  }
}

/**
 * Starts the emulator on `https://localhost:<port>` with a locally generated certificate
 * (SAN localhost, 127.0.0.1, ::1). Real, unmodified MSAL talks to it with
 * `knownAuthorities: [knownAuthority]`.
 *
 * @param options - Port, certificate, seeds; every field is optional.
 * @returns The URLs, scopes, certificate, admin operations, trusting clients and `close()`.
 * Rejects with the listen error (e.g. `EADDRINUSE`) when the port is taken.
 * @example
 * ```ts
 * const idp = await startEmulator()
 * const cca = new ConfidentialClientApplication(idp.msalNodeConfig()) // the daemon client, CP1
 * await idp.close()
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/app-resilience-continuous-access-evaluation
 */
export async function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const { port = 0, tls, certDir, ...emulatorOptions } = options
  const emulator = createEmulator(emulatorOptions)
  const certificate =
    tls ??
    (certDir === undefined ? await generateCertificate() : await loadOrCreateCertificate(certDir))
  let fallbackHost = 'localhost'
  let servedPort = port
  const make = () => {
    const server = createServer({ cert: certificate.cert, key: certificate.key }, (req, res) => {
      const { host } = req.headers
      if (host !== undefined && !isServedHost(host, servedPort)) {
        res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' })
        res.end(`misdirected request: this emulator serves https://${fallbackHost}, not ${host}`)
        return
      }
      toRequest(req, fallbackHost)
        .then((request) => emulator.handle(request))
        .then((response) => writeResponse(res, response))
        .catch(() => {
          if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/plain' })
          res.end('bad request')
        })
    })
    // Clients close idle keep-alive sockets first (Node's agent after 5 s, undici after 4 s): a
    // server closing at 5 s races a client reusing the socket at that moment (ECONNRESET).
    server.keepAliveTimeout = IDLE_SOCKET_MS
    return server
  }
  const bound = await bindLoopback(make, port)
  fallbackHost = `localhost:${bound.port}`
  servedPort = bound.port
  await emulator.ready()
  const urls = emulator.urls(`https://localhost:${bound.port}`)
  const networkClient = createNetworkClient(certificate.cert)
  return {
    ...urls,
    port: bound.port,
    tenantId: emulator.tenantId,
    apiScopes: emulator.apiScopes,
    caCertPem: certificate.cert,
    caCertSpkiSha256: spkiSha256(certificate.cert),
    get users() {
      return emulator.users
    },
    get clients() {
      return emulator.clients
    },
    mfaCode: emulator.mfaCode,
    admin: emulator.admin,
    emulator,
    fetch: createTrustingFetch(certificate.cert),
    networkClient,
    msalNodeConfig: (client) => msalNodeConfig(urls, emulator.clients, networkClient, client),
    azureIdentityOptions: () => azureIdentityOptions(urls.url, certificate.cert),
    close: async () => {
      await Promise.all(bound.servers.map(closeServer))
    },
  }
}

export type { ClientCertificate, TlsCertificate } from './cert'
export {
  generateCertificate,
  generateClientCertificate,
  loadOrCreateCertificate,
  spkiSha256,
} from './cert'
export type { NetworkModule } from './trusting-client'
export { createNetworkClient, createTrustingFetch } from './trusting-client'
