/**
 * The `@azure/identity` credential options that point a `ClientSecretCredential` or
 * `ClientCertificateCredential` at a running emulator (Node only).
 *
 * Without them a credential talks to `login.microsoftonline.com`; pointed at the emulator with
 * `authorityHost` alone it fails with `endpoints_resolution_error`: MSAL's instance discovery asks
 * the Microsoft cloud about a host it does not know, and a certificate Node does not trust makes
 * every metadata request fail, which MSAL reports as an endpoint problem rather than a TLS one.
 *
 * @module
 */

import { Agent } from 'node:https'

/**
 * Options for `new ClientSecretCredential(tenantId, clientId, secret, options)` or
 * `new ClientCertificateCredential(tenantId, clientId, certificate, options)` against the emulator.
 * Typed structurally: the emulator does not depend on `@azure/identity`.
 */
export interface AzureIdentityEmulatorOptions {
  /** The emulator's origin (`https://localhost:<port>`); the tenant id is the credential's own argument. */
  authorityHost: string
  /**
   * `true`: MSAL trusts `authorityHost` as it is instead of asking the Microsoft cloud
   * (instance discovery), which knows nothing about the emulator.
   */
  disableInstanceDiscovery: true
  /**
   * A Node `https.Agent` that trusts the emulator's certificate (and only for the credential's
   * own requests: nothing global changes, no `NODE_EXTRA_CA_CERTS` needed).
   */
  agent: Agent
}

/**
 * Builds the `@azure/identity` options for the emulator at `authorityHost`.
 *
 * @param authorityHost - The emulator's origin.
 * @param ca - The emulator's certificate (PEM), trusted by the returned agent.
 * @returns `{ authorityHost, disableInstanceDiscovery: true, agent }`.
 */
export function azureIdentityOptions(
  authorityHost: string,
  ca: string,
): AzureIdentityEmulatorOptions {
  // keepAlive off: a test that closes the emulator leaves no pooled socket behind.
  return {
    authorityHost,
    disableInstanceDiscovery: true,
    agent: new Agent({ ca, keepAlive: false }),
  }
}
