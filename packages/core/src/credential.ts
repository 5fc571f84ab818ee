/**
 * `fromTokenCredential()`: a TokenProvider over an `@azure/identity` credential.
 *
 * @module
 */

import { mapEntraError } from './entra'
import type { TokenProvider } from './provider'

/**
 * The shape of an `@azure/identity` `TokenCredential` (`DefaultAzureCredential`,
 * `ClientSecretCredential`, `ManagedIdentityCredential`, ...), typed structurally so cae-kit needs
 * no dependency on `@azure/identity`.
 */
export interface TokenCredentialLike {
  /**
   * Returns an access token for `scopes` (`TokenCredential.getToken` of `@azure/identity`), asking
   * for `claims` when given; `null` when none can be had.
   */
  getToken(
    scopes: string | string[],
    options?: { claims?: string; enableCae?: boolean; abortSignal?: AbortSignal },
  ): Promise<{ token: string; expiresOnTimestamp: number; tokenType?: string } | null>
}

/**
 * Adapts an `@azure/identity` `TokenCredential` to a {@link TokenProvider}. Every call passes
 * `enableCae: true` (the credential then requests CAE-capable tokens) and, when answering a claims
 * challenge, the decoded `claims`. RFC 9470 step-up requirements cannot be expressed to a
 * credential and are not passed on: such a replay is challenged again and reported as unsatisfied.
 *
 * @param credential - Any object with `getToken(scopes, { claims, enableCae, abortSignal })`.
 * @returns A provider that rejects with `AccessBlockedError` (`ERR_CAE_ACCESS_BLOCKED`) when Entra
 *   says the user or application may not get a token (a disabled or deleted service principal, a
 *   Conditional Access block...), with `InteractionRequiredError` (`ERR_CAE_INTERACTION_REQUIRED`)
 *   when a user must sign in, as `fromMsalNode` does (see `classifyEntraError`); otherwise with
 *   a `TypeError` when the credential resolves `null` or with the credential's own error, which
 *   the engine wraps into the request's `TokenAcquisitionError` (`ERR_CAE_TOKEN_ACQUISITION_FAILED`,
 *   `cause` set). Every error keeps the credential's error as `cause`.
 * @example
 * ```ts
 * import { DefaultAzureCredential } from '@azure/identity'
 *
 * const caeFetch = createCaeFetch({
 *   tokenProvider: fromTokenCredential(new DefaultAzureCredential()),
 *   resources: [{ url: 'https://graph.microsoft.com', scopes: ['https://graph.microsoft.com/.default'] }],
 * })
 * ```
 * @see https://learn.microsoft.com/javascript/api/@azure/core-auth/tokencredential
 */
export function fromTokenCredential(credential: TokenCredentialLike): TokenProvider {
  return {
    async getToken({ scopes, claims, signal }) {
      const options: { claims?: string; enableCae: boolean; abortSignal?: AbortSignal } = {
        enableCae: true,
      }
      if (claims !== undefined) options.claims = claims
      if (signal !== undefined) options.abortSignal = signal
      let result: Awaited<ReturnType<TokenCredentialLike['getToken']>>
      try {
        result = await credential.getToken(scopes, options)
      } catch (error) {
        // The same Entra event gives the same code as through MSAL: a disabled service principal
        // is an AccessBlockedError, not a token acquisition failure.
        throw mapEntraError(error, { scopes, claims })
      }
      // A plain error: the engine wraps it into the TokenAcquisitionError of each waiting request,
      // with that request's response, request and claims.
      if (result === null) throw new TypeError('token credential returned null')
      return result.tokenType === undefined
        ? { token: result.token, expiresOn: result.expiresOnTimestamp }
        : { token: result.token, expiresOn: result.expiresOnTimestamp, tokenType: result.tokenType }
    },
  }
}
