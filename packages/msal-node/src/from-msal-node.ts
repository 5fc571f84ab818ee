import type { AuthenticationResult } from '@azure/msal-node'
import type { AccessToken, TokenProvider, TokenRequest } from '@cae-kit/core'
import { CaeOptionsError, mapEntraError, TokenAcquisitionError } from '@cae-kit/core'
import { raceAbort } from './abort'
import { checkCapability } from './capabilities'
import {
  type AcquireToken,
  clientCredentialsFlow,
  type MsalTokenRequest,
  onBehalfOfFlow,
} from './confidential-client'
import { assertDecodedClaims } from './decoded-claims'
import { silentFlow } from './silent'
import type {
  ClientCredentialsFlowOptions,
  MsalClientCredentialApp,
  MsalNodeProviderOptions,
  MsalOnBehalfOfApp,
  MsalSilentApp,
  OnBehalfOfFlowOptions,
  SilentFlowOptions,
} from './types'

/**
 * Builds a cae-kit {@link TokenProvider} over an @azure/msal-node application, for
 * `createCaeFetch`, `attachCae` or any cae-kit engine.
 *
 * Claims from a challenge reach MSAL decoded and only when present: without claims MSAL serves
 * its cache; with claims it skips the cached access token, gets a new one and caches it.
 * The provider never retries: the engine single-flights and replays once.
 *
 * - `{ flow: 'clientCredentials' }`: `acquireTokenByClientCredential` (daemon, service).
 * - `{ flow: 'onBehalfOf', assertion }`: `acquireTokenOnBehalfOf` (middle-tier API).
 * - `{ flow: 'silent', account }`: `acquireTokenSilent` (confidential or public client).
 *
 * With an `assertion` function, or an `account` function on a confidential client, the provider
 * is `callerScoped`: a cae fetch or axios instance over it must set `partitionKey` (the engine
 * throws at setup otherwise), so that one caller's cached token is never sent for another.
 *
 * Checks at creation that the application declares the `CP1` client capability: warns through
 * `options.logger` (default `console`), or throws with `requireCapability: true`.
 *
 * `signal` is honoured while waiting (rejects with `signal.reason`), but an MSAL call cannot be
 * cancelled: it finishes in the background and its token lands in MSAL's cache.
 *
 * @param app - A `ConfidentialClientApplication` (every flow) or `PublicClientApplication` (`silent`).
 * @param options - The flow and its inputs; see {@link MsalNodeProviderOptions}.
 * @returns A token provider whose `getToken` resolves `{ token, expiresOn, tokenType }` and rejects with
 *   `ERR_CAE_INTERACTION_REQUIRED` ({@link InteractionRequiredError}: the claims need a user; `claims`
 *   is what to send up), `ERR_CAE_ACCESS_BLOCKED` (user or application disabled, deleted or blocked),
 *   `ERR_CAE_CLAIMS_INVALID` (claims that are not a JSON object), `ERR_CAE_INVALID_OPTIONS` (an
 *   `assertion` function that returned no token), `ERR_CAE_TOKEN_ACQUISITION_FAILED` (MSAL resolved
 *   `null`), `signal.reason` when aborted, or MSAL's own error for anything else (network, 5xx,
 *   `invalid_client`).
 * @throws {@link CaeOptionsError} `ERR_CAE_INVALID_OPTIONS` for an unknown flow, a missing `assertion`
 *   or `account`, or an application without the flow's method; `ERR_CAE_CAPABILITY_MISSING` with
 *   `requireCapability` when `CP1` is not declared.
 * @example
 * ```ts
 * const cca = new ConfidentialClientApplication({
 *   auth: { clientId, clientSecret, authority, clientCapabilities: ['CP1'] },
 * })
 * const caeFetch = createCaeFetch({
 *   tokenProvider: fromMsalNode(cca, { flow: 'clientCredentials' }),
 *   resources: [{ url: 'https://graph.microsoft.com', scopes: ['https://graph.microsoft.com/.default'] }],
 * })
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/app-resilience-continuous-access-evaluation
 */
export function fromMsalNode(
  app: MsalClientCredentialApp,
  options: ClientCredentialsFlowOptions,
): TokenProvider
export function fromMsalNode(app: MsalOnBehalfOfApp, options: OnBehalfOfFlowOptions): TokenProvider
export function fromMsalNode(app: MsalSilentApp, options: SilentFlowOptions): TokenProvider
export function fromMsalNode(
  app: MsalClientCredentialApp & MsalOnBehalfOfApp & MsalSilentApp,
  options: MsalNodeProviderOptions,
): TokenProvider
export function fromMsalNode(app: object, options: MsalNodeProviderOptions): TokenProvider {
  if (typeof app !== 'object' || app === null) {
    throw new CaeOptionsError('"app" must be an msal-node client application')
  }
  const acquire = selectFlow(app, options)
  checkCapability(app, options)
  const provider: TokenProvider = { getToken: (request) => getToken(acquire, request) }
  // An assertion function reads the current caller: tokens must then be partitioned per caller.
  if (isCallerScoped(app, options)) return { ...provider, callerScoped: true }
  return provider
}

/**
 * Whether each call may be for another user (see `callerScoped`): on behalf of an `assertion`
 * function, or silently for an `account` function on a confidential client (a web app serving
 * many users). A public client's `account` function is the desktop's one signed-in user.
 */
function isCallerScoped(app: object, options: MsalNodeProviderOptions): boolean {
  if (options.flow === 'onBehalfOf') return typeof options.assertion === 'function'
  return (
    options.flow === 'silent' &&
    typeof options.account === 'function' &&
    typeof (app as Partial<MsalClientCredentialApp>).acquireTokenByClientCredential === 'function'
  )
}

function selectFlow(app: object, options: MsalNodeProviderOptions): AcquireToken {
  const flow = (options as { flow?: unknown } | undefined)?.flow
  switch (flow) {
    case 'clientCredentials':
      return clientCredentialsFlow(app)
    case 'onBehalfOf':
      return onBehalfOfFlow(app, options as OnBehalfOfFlowOptions)
    case 'silent':
      return silentFlow(app, options as SilentFlowOptions)
    default:
      throw new CaeOptionsError(
        `unknown flow ${JSON.stringify(flow)}: expected "clientCredentials", "onBehalfOf" or "silent"`,
      )
  }
}

async function getToken(acquire: AcquireToken, request: TokenRequest): Promise<AccessToken> {
  const { signal } = request
  signal?.throwIfAborted()
  const msalRequest: MsalTokenRequest = { scopes: [...request.scopes] }
  if (request.claims !== undefined && request.claims !== '') {
    assertDecodedClaims(request.claims)
    msalRequest.claims = request.claims
  }
  const failed = { scopes: msalRequest.scopes, claims: msalRequest.claims }
  const pending = acquire(msalRequest).then(
    (result) => toAccessToken(result, failed),
    (error: unknown) => {
      throw mapEntraError(error, failed)
    },
  )
  return raceAbort(pending, signal)
}

function toAccessToken(
  result: AuthenticationResult | null,
  request: { scopes: string[]; claims: string | undefined },
): AccessToken {
  if (result === null || typeof result.accessToken !== 'string' || result.accessToken === '') {
    throw new TokenAcquisitionError(
      `msal returned no access token for scopes ${request.scopes.join(' ')}`,
      { claims: request.claims, scopes: request.scopes },
    )
  }
  const token: AccessToken = {
    token: result.accessToken,
    tokenType: result.tokenType || 'Bearer',
  }
  const expiresOn = result.expiresOn?.getTime()
  if (expiresOn !== undefined && !Number.isNaN(expiresOn)) token.expiresOn = expiresOn
  return token
}
