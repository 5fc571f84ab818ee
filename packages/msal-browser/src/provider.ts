/**
 * `fromMsalBrowser`: a cae-kit TokenProvider over an MSAL PublicClientApplication.
 *
 * @module
 */

import type { AccountInfo, AuthenticationResult } from '@azure/msal-browser'
import type { AccessToken, TokenProvider, TokenRequest } from '@cae-kit/core'
import {
  CaeOptionsError,
  claimsOf,
  classifyInteractive,
  interactionError,
  isAccessBlocked,
  needsInteraction,
} from './errors'
import { gateFor } from './interaction'
import type { MsalBrowserClient, MsalBrowserOptions } from './options'
import { redirectForToken } from './redirect'
import { type Waiter, waitFor } from './waiting'

const toToken = (result: AuthenticationResult): AccessToken => ({
  token: result.accessToken,
  ...(result.expiresOn && { expiresOn: result.expiresOn.getTime() }),
})

/**
 * Builds a {@link TokenProvider} over an MSAL browser application.
 *
 * Each token request first calls `acquireTokenSilent` with the decoded claims (claims make MSAL
 * skip its access-token cache and use the refresh token). When that needs a user, it opens ONE
 * prompt at a time for the whole app (identical concurrent requests are already merged by the
 * engine): other requests queue, then retry silently (the new session usually satisfies them)
 * before prompting. With Web Locks the queue spans the app's tabs. Claims are never stored,
 * except in `sessionStorage` for the duration of a redirect.
 *
 * @param pca - An initialized `PublicClientApplication` whose `auth.clientCapabilities` has `CP1`.
 * @param options - See {@link MsalBrowserOptions}.
 * @returns A TokenProvider for `createCaeFetch` / `attachCae`. Its `getToken` rejects with
 * `ERR_CAE_INTERACTION_REQUIRED` (`interaction: 'none'`), `ERR_CAE_POPUP_BLOCKED`,
 * `ERR_CAE_INTERACTION_CANCELLED`, `ERR_CAE_ACCESS_BLOCKED` (each its own class: `InteractionRequiredError`,
 * `PopupBlockedError`, `InteractionCancelledError`, `AccessBlockedError`),
 * or with MSAL's own error for anything else. Throws `CaeOptionsError` `ERR_CAE_CAPABILITY_MISSING` at creation
 * when `requireCapability` is set and `CP1` is missing.
 * @example
 * ```ts
 * const pca = new PublicClientApplication({ auth: { clientId, clientCapabilities: ['CP1'] } })
 * await pca.initialize()
 * attachCae(api, { tokenProvider: fromMsalBrowser(pca), resources: [{ url, scopes }] })
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/app-resilience-continuous-access-evaluation
 */
export const fromMsalBrowser = (
  pca: MsalBrowserClient,
  options: MsalBrowserOptions = {},
): TokenProvider => {
  const { interaction = 'popup', onInteraction, interactiveRequest } = options
  const config = pca.getConfiguration?.()
  if (config && !config.auth.clientCapabilities?.includes('CP1')) {
    const message = 'clientCapabilities lacks CP1'
    if (options.requireCapability)
      throw new CaeOptionsError(message, { code: 'ERR_CAE_CAPABILITY_MISSING' })
    console.warn(`cae-kit: ${message}`)
  }
  const gate = gateFor(pca, config?.auth.clientId ?? '')

  const resolveAccount = async (): Promise<AccountInfo | undefined> => {
    const { account } = options
    const all = pca.getAllAccounts()
    return (
      (typeof account === 'function' ? await account() : account) ??
      pca.getActiveAccount() ??
      (all.length === 1 ? all[0] : undefined)
    )
  }

  const acquire = async (
    { scopes, claims, stepUp, signal, interactionStarted }: TokenRequest,
    waiter: Waiter,
  ): Promise<AccessToken> => {
    const started = Date.now()
    let account = await resolveAccount()
    let wanted = claims
    let cause: unknown
    // Claims only when present: MSAL treats any claims as "skip the access-token cache".
    const base = () => ({
      scopes,
      ...(account && { account }),
      ...(wanted && { claims: wanted }),
    })
    const silent = async (): Promise<AccessToken | undefined> => {
      try {
        return toToken(await pca.acquireTokenSilent(base()))
      } catch (error) {
        if (isAccessBlocked(error))
          throw interactionError('ERR_CAE_ACCESS_BLOCKED', error, scopes, wanted)
        if (!needsInteraction(error)) throw error
        // The token endpoint may name claims itself (e.g. a Conditional Access policy id).
        wanted ??= claimsOf(error)
        cause = error
        return undefined
      }
    }
    // MSAL cannot prove acr_values / max_age from its cache: a step-up always prompts.
    const token = stepUp ? undefined : await silent()
    if (token) return token
    if (interaction === 'none')
      throw interactionError('ERR_CAE_INTERACTION_REQUIRED', cause, scopes, wanted)

    const prompt = async (kind: 'popup' | 'redirect'): Promise<AccessToken> => {
      // The user works in the prompt: cae-kit's acquisition bound waits until it closes (a
      // redirect leaves the page, so its bound never resumes).
      const interactionEnded = interactionStarted?.()
      try {
        return await openPrompt(kind)
      } finally {
        if (kind === 'popup') interactionEnded?.()
      }
    }
    const openPrompt = async (kind: 'popup' | 'redirect'): Promise<AccessToken> => {
      try {
        await onInteraction?.({ kind, scopes, claims: wanted, account })
      } catch (error) {
        throw interactionError('ERR_CAE_INTERACTION_CANCELLED', error, scopes, wanted)
      }
      const request = {
        ...interactiveRequest,
        ...base(),
        ...(stepUp?.maxAge !== undefined && { maxAge: stepUp.maxAge }),
        ...(stepUp?.acrValues && {
          extraQueryParameters: {
            ...interactiveRequest?.extraQueryParameters,
            acr_values: stepUp.acrValues.join(' '),
          },
        }),
      }
      // Everything waiting for a token leaves with the page: this request's waiters first.
      if (kind === 'redirect') return redirectForToken(pca, request, waiter.all)
      try {
        return toToken(await pca.acquireTokenPopup(request))
      } catch (error) {
        const code = classifyInteractive(error)
        if (code === 'ERR_CAE_POPUP_BLOCKED' && options.fallbackToRedirect)
          return prompt('redirect')
        throw code ? interactionError(code, error, scopes, wanted) : error
      }
    }
    return gate(
      started,
      async (renewed, cancelled) => {
        // A prompt may have signed someone in: ask again which account to use.
        if (renewed) account = await resolveAccount()
        const token = renewed && !stepUp && (await silent())
        if (token) return token
        // The user just closed the prompt another request opened: no second one now.
        if (cancelled)
          throw interactionError('ERR_CAE_INTERACTION_CANCELLED', cause, scopes, wanted)
        return prompt(interaction)
      },
      signal,
    )
  }

  return {
    async getToken(request) {
      // Tracked from the start: a redirect started meanwhile stores this request's waiters too.
      const waiter = waitFor(pca, request.pendingRequests)
      try {
        return await acquire(request, waiter)
      } finally {
        waiter.done()
      }
    },
  }
}
