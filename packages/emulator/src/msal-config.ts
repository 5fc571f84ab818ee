/**
 * The msal-node configuration that points a client at a running emulator: its authority, the
 * `knownAuthorities` entry MSAL needs for a non-Microsoft host, the `CP1` capability and a network
 * client that trusts the generated certificate.
 *
 * @module
 */

import { DEFAULT_DAEMON_CLIENT_ID } from './defaults'
import type { NetworkModule } from './trusting-client'
import type { ClientInfo, EmulatorUrls } from './types'

/** Which client an msal-node configuration is for; every field is optional. */
export interface MsalNodeClientOptions {
  /**
   * A registered client id (`DEFAULT_*_CLIENT_ID` or one of your `clients`), or any other id to
   * test an unknown client.
   * @default DEFAULT_DAEMON_CLIENT_ID
   */
  clientId?: string
  /**
   * The client secret. `null` configures a public client (no secret) for a confidential id.
   * @default the registered client's secret, when it has one
   */
  clientSecret?: string | null
  /**
   * `auth.clientCapabilities`. Pass `[]` to see what a client without `CP1` gets.
   * @default ['CP1']
   */
  clientCapabilities?: string[]
  /**
   * A certificate registered on the client (`generateClientCertificate()`): the configuration
   * then carries `clientCertificate: { thumbprintSha256, privateKey }` instead of a secret.
   */
  clientCertificate?: { key: string; thumbprintSha256: string }
}

/** An msal-node `Configuration` for the emulator; pass it to `new ConfidentialClientApplication()`. */
export interface MsalNodeEmulatorConfig {
  /** MSAL's `auth` options: the client, the emulator's authority, and its capabilities. */
  auth: {
    clientId: string
    clientSecret?: string
    clientCertificate?: { thumbprintSha256: string; privateKey: string }
    authority: string
    knownAuthorities: string[]
    clientCapabilities: string[]
  }
  /** MSAL's `system` options: a `networkClient` that trusts the emulator's certificate. */
  system: { networkClient: NetworkModule }
}

/**
 * Builds the msal-node configuration for `client` against the emulator at `urls`.
 *
 * @param urls - The running emulator's URLs.
 * @param clients - The registered clients, for the default secret.
 * @param networkClient - A network client that trusts the emulator's certificate.
 * @param options - Which client; see {@link MsalNodeClientOptions}.
 */
export function msalNodeConfig(
  urls: EmulatorUrls,
  clients: readonly ClientInfo[],
  networkClient: NetworkModule,
  options: MsalNodeClientOptions = {},
): MsalNodeEmulatorConfig {
  const clientId = options.clientId ?? DEFAULT_DAEMON_CLIENT_ID
  const registered = clients.find((client) => client.clientId === clientId)
  const certificate = options.clientCertificate
  // MSAL takes one credential: a certificate replaces the registered secret.
  const clientSecret =
    options.clientSecret !== undefined
      ? options.clientSecret
      : certificate === undefined
        ? registered?.clientSecret
        : undefined
  const auth: MsalNodeEmulatorConfig['auth'] = {
    clientId,
    authority: urls.authority,
    knownAuthorities: [urls.knownAuthority],
    clientCapabilities: options.clientCapabilities ?? ['CP1'],
  }
  if (typeof clientSecret === 'string') auth.clientSecret = clientSecret
  if (certificate !== undefined) {
    auth.clientCertificate = {
      thumbprintSha256: certificate.thumbprintSha256,
      privateKey: certificate.key,
    }
  }
  return { auth, system: { networkClient } }
}
