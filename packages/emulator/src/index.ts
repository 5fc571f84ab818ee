/**
 * @cae-kit/emulator: a local Entra ID authority and CAE-enabled API for tests and demos.
 *
 * @module
 */
import type { ClientCertificate, RunningEmulator, StartEmulatorOptions } from './server'

// Documented seed data.
export {
  API_APP_ID,
  API_APP_ROLE,
  API_APP_SCOPE,
  API_DELEGATED_SCOPES,
  API_IDENTIFIER_URI,
  DEFAULT_API_PATH,
  DEFAULT_CLIENTS,
  DEFAULT_DAEMON_CLIENT_ID,
  DEFAULT_DAEMON_CLIENT_SECRET,
  DEFAULT_MFA_CODE,
  DEFAULT_MIDDLE_TIER_CLIENT_ID,
  DEFAULT_MIDDLE_TIER_CLIENT_SECRET,
  DEFAULT_MIDDLE_TIER_SCOPE,
  DEFAULT_SPA_CLIENT_ID,
  DEFAULT_TENANT_DOMAIN,
  DEFAULT_TENANT_ID,
  DEFAULT_USERS,
  type DefaultClient,
  type DefaultUser,
  TRUSTED_IP_ADDRESS,
} from './defaults'
export { CHALLENGE_VARIANTS, GRAPH_APP_ID } from './dialects'
// Emulator core (platform-neutral).
export { createEmulator } from './emulator'
// HTTPS server (Node). Loaded on demand so browser bundles of the core never pull node:https.
export type { AzureIdentityEmulatorOptions } from './identity-options'
export { LOCATION_POLICY_ID, SPLIT_IP_TOKEN_LIFETIME } from './location'
export { LOOP_LIMIT, LOOP_WINDOW_MS } from './loop-detection'
export type { MsalNodeClientOptions, MsalNodeEmulatorConfig } from './msal-config'
export type {
  ClientCertificate,
  NetworkModule,
  RunningEmulator,
  StartEmulatorOptions,
  TlsCertificate,
} from './server'
export {
  THROTTLE_LIMIT,
  THROTTLE_RETRY_AFTER_SECONDS,
  THROTTLE_WINDOW_MS,
} from './throttling'
export type {
  ApiRequestRecord,
  ApiScopes,
  ChallengeCause,
  ClientAuthMethod,
  ClientInfo,
  ClientRegistration,
  Emulator,
  EmulatorAdmin,
  EmulatorEvent,
  EmulatorEventType,
  EmulatorOptions,
  EmulatorUrls,
  FailTokenRequestsOptions,
  FidelityVariants,
  LeaveTrustedLocationOptions,
  LocationEnforcement,
  ResourceDialect,
  ThrottleTokenRequestsOptions,
  TokenRequestRecord,
  UserInfo,
  UserSeed,
} from './types'

/**
 * Starts the emulator on `https://localhost:<port>` (Node only). Same function as
 * `startEmulator` from `@cae-kit/emulator/server`, loaded lazily.
 *
 * @param options - Port (0 = free port), certificate or certificate directory, seeds.
 * @returns The running emulator (URLs, scopes, `caCertPem`, `admin`, trusting `fetch` and
 * `networkClient`, `close()`). Rejects with the listen error (e.g. `EADDRINUSE`).
 * @example
 * ```ts
 * const idp = await startEmulator({ port: 0 })
 * console.log(idp.authority, idp.apiUrl)
 * await idp.close()
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/app-resilience-continuous-access-evaluation
 */
export async function startEmulator(options?: StartEmulatorOptions): Promise<RunningEmulator> {
  const server = await import('./server')
  return server.startEmulator(options)
}

/**
 * Generates a self-signed RSA certificate for a confidential client that authenticates with a
 * certificate (Node only). Same function as `generateClientCertificate` from
 * `@cae-kit/emulator/server`, loaded lazily.
 *
 * @param subject - The certificate's common name.
 * @returns `{ cert, key, thumbprintSha256, thumbprint }`: register `cert` in a client's
 *   `certificates`; give msal-node `clientCertificate: { thumbprintSha256, privateKey: key }`.
 * @example
 * ```ts
 * const certificate = await generateClientCertificate()
 * const idp = await startEmulator({ clients: [{ clientId, certificates: [certificate.cert] }] })
 * const cca = new ConfidentialClientApplication(idp.msalNodeConfig({ clientId, clientCertificate: certificate }))
 * ```
 */
export async function generateClientCertificate(subject?: string): Promise<ClientCertificate> {
  const server = await import('./server')
  return server.generateClientCertificate(subject)
}
